"""polls: polls attached to threads, and surveys that members (and, in public circles, guests) answer."""

from core.plugins import PluginManifest, Setting

PLUGIN = PluginManifest(
    name="polls",
    version="1.0.0",
    description="Polls in threads (single or multiple choice, anonymous or public) and multi-question surveys "
    "with results, CSV export and a QR code to share.",
    settings=(
        Setting("max_options", int, 20, "The most options a poll or a survey question may have."),
        Setting("max_questions", int, 30, "The most questions a survey may have."),
        Setting(
            "guest_answers_per_hour",
            int,
            60,
            "Survey answers guests may send from one address in an hour (a venue's Wi-Fi is one address).",
        ),
        Setting(
            "guest_min_seconds",
            int,
            0,
            "Answers a guest sends sooner than this many seconds after opening a survey are taken for a bot's (and "
            "silently dropped); 3 suits a survey linked from public places.",
        ),
    ),
)
