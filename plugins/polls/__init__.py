"""polls: polls attached to threads, and surveys that members (and, in public circles, guests) answer."""

from core.plugins import Message, PluginManifest, Setting

PLUGIN = PluginManifest(
    name="polls",
    version="1.0.0",
    title=Message("Polls and surveys"),
    description=Message(
        "Polls in threads (single or multiple choice, anonymous or public) and multi-question surveys with results, "
        "CSV export and a QR code to share."
    ),
    settings=(
        Setting(
            "max_options",
            int,
            20,
            Message("The most options a poll or a survey question may have."),
            label=Message("Options at most"),
        ),
        Setting(
            "max_questions",
            int,
            30,
            Message("The most questions a survey may have."),
            label=Message("Questions at most"),
        ),
        Setting(
            "guest_answers_per_hour",
            int,
            60,
            Message("Survey answers guests may send from one address in an hour (a venue's Wi-Fi is one address)."),
            label=Message("Guest answers per hour and address"),
        ),
        Setting(
            "guest_min_seconds",
            int,
            0,
            Message(
                "Answers a guest sends sooner than this many seconds after opening a survey are taken for a "
                "bot's (and silently dropped); 3 suits a survey linked from public places."
            ),
            label=Message("Seconds a guest takes at least"),
        ),
    ),
)
