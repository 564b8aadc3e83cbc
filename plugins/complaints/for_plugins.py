"""What the complaints desk offers the plugins that require it (``requires=("complaints", ...)``): they import this
module alone, never the plugin's other modules, so that those stay free to change."""

from plugins.complaints.service import clean_number

__all__ = ["clean_number"]
