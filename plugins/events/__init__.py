"""events: events attached to threads — registration against capacity with a waitlist, tickets with QR codes,
check-in at the door, the organisers' list and messages, calendars and feeds, and reminders by mail."""

from core.plugins import Message, PluginManifest

PLUGIN = PluginManifest(
    name="events",
    version="1.0.0",
    title=Message("Events"),
    description=Message(
        "Events in threads: registration with questions, capacity and a waitlist, tickets with a QR code, check-in "
        "at the door from a phone, the organisers' list with CSV, a calendar and feeds, reminders by mail."
    ),
)
