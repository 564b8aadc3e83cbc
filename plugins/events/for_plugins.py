"""What the events plugin offers the plugins that require it (``requires=("events", ...)``): they import this module
alone, never the plugin's other modules, so that those stay free to change."""

from plugins.events.models import Event, Registration, Status
from plugins.events.serialize import event_json
from plugins.events.service import EventDraft, EventView, create_event, get_event, registrants, registrations

__all__ = [
    "Event",
    "EventDraft",
    "EventView",
    "Registration",
    "Status",
    "create_event",
    "event_json",
    "get_event",
    "registrants",
    "registrations",
]
