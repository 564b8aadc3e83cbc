"""complaints: a circle's complaints desk — a public intake form, a case number to quote and a secret tracking link,
statuses with allowed moves, assignment, internal notes that stay internal, replies by mail, promised times in
working days, ratings, a staff queue with statistics and CSV."""

from core.plugins import Message, PluginManifest, Setting

PLUGIN = PluginManifest(
    name="complaints",
    version="1.0.0",
    title=Message("Complaints desk"),
    description=Message(
        "A complaints desk per circle: the public files a case (guests too in public circles), gets a number and a "
        "tracking link; the circle's staff assign it, talk in internal notes, answer, and resolve it within the "
        "promised working days; the filer rates the handling."
    ),
    settings=(
        Setting(
            "member_complaints_per_hour",
            int,
            5,
            Message("Complaints a signed-in member may file in an hour (each sends mail)."),
            label=Message("Member complaints per hour"),
        ),
        Setting(
            "guest_complaints_per_hour",
            int,
            10,
            Message("Complaints guests may file from one address in an hour."),
            label=Message("Guest complaints per hour and address"),
        ),
        Setting(
            "guest_min_seconds",
            int,
            3,
            Message(
                "A guest's complaint sent sooner than this many seconds after opening the form is taken for "
                "a bot's (thanked, and dropped)."
            ),
            label=Message("Seconds a guest takes at least"),
        ),
        Setting(
            "lookups_per_hour",
            int,
            10,
            Message("Times one address may ask for a lost tracking link in an hour."),
            label=Message("Lost-link requests per hour and address"),
        ),
    ),
)
