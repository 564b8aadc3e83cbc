"""The flyer-campaign scenario template: a campaign for the circle, answered with the addresses of its page, its
editor, its QR code and its funnel."""

from __future__ import annotations

from core.plugins import Created, Message, Scenario, ScenarioContext
from plugins.flyer_campaign import service

LABELS = {
    "zh_CN": {"page": "活动页", "edit": "编辑活动页", "qr": "二维码", "funnel": "效果统计"},
    "en": {"page": "Landing page", "edit": "Edit the page", "qr": "QR code", "funnel": "Funnel"},
}


async def _apply(context: ScenarioContext) -> list[Created]:
    campaign = await service.create_campaign(context.owner, context.circle, context.title, context.locale)
    labels = LABELS.get(context.locale, LABELS["en"])
    base = campaign.path
    return [
        Created("campaign", f"{labels['page']}: {campaign.title}", base),
        Created("editor", labels["edit"], f"{base}/edit"),
        Created("qr", labels["qr"], f"{base}/qr.svg"),
        Created("funnel", labels["funnel"], f"{base}/funnel"),
    ]


SCENARIO = Scenario(
    name="flyer-campaign",
    title=Message("Flyer campaign"),
    description=Message(
        "A mobile landing page made from blocks, shared into chat groups with its QR code: its sign-ups become "
        "members of the circle at once, members' referral links are credited when newcomers take part, and the "
        "funnel counts views, sign-ups, members and first posts."
    ),
    apply=_apply,
)
