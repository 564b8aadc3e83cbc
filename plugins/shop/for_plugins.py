"""What the shop offers the plugins that require it (``requires=("shop", ...)``): they import this module alone,
never the plugin's other modules, so that those stay free to change. What it refuses by level or standing, they
answer through its actions (``shop.order``, ``shop.group_buy.join``, ``shop.trial.apply``)."""

from plugins.shop.service import ProductDraft, create_product
from plugins.shop.trials import TrialDraft, create_trial

__all__ = ["ProductDraft", "TrialDraft", "create_product", "create_trial"]
