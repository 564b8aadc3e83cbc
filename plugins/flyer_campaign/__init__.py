"""flyer_campaign: a scenario template that makes a campaign — a mobile landing page built from blocks, shared
into chat groups with its QR code, whose sign-up form makes strangers members of the club in one step; referral
links credited when a newcomer becomes active, and the funnel from views to first posts."""

from core.plugins import Message, PluginManifest, Setting

PLUGIN = PluginManifest(
    name="flyer_campaign",
    version="1.0.0",
    title=Message("Flyer campaign"),
    description=Message(
        "A landing page for a campaign, made from blocks on a phone and shared with its QR code; its sign-ups "
        "become members of the club at once; referral links, and the funnel from views to sign-ups, members and "
        "first posts."
    ),
    settings=(
        Setting(
            "signups_per_hour",
            int,
            20,
            Message("Sign-ups one address may make on campaign pages in an hour."),
            label=Message("Sign-ups per hour and address"),
        ),
        Setting(
            "guest_min_seconds",
            int,
            3,
            Message("A sign-up sent sooner than this many seconds after opening the page is taken for a bot's."),
            label=Message("Seconds a guest takes at least"),
        ),
    ),
)
