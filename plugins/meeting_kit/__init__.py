"""meeting_kit: a scenario template that sets one meeting up in a circle — a home page that links everything, the
registration event, an agenda, a notice board with read receipts, feedback polls per agenda item and a closing
survey, and printable name badges."""

from core.plugins import Message, PluginManifest

PLUGIN = PluginManifest(
    name="meeting_kit",
    version="1.0.0",
    title=Message("Meeting kit"),
    description=Message(
        "Sets up a meeting in one step: its home page, registration with tickets and check-in, an agenda, notices "
        "that reach every registered member, feedback per agenda item and a closing survey, and name badges."
    ),
    requires=("events", "polls"),
)
