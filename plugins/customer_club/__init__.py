"""customer_club: a scenario template that turns a circle into a brand's customer club — points earned by taking
part (a ledger fed by every plugin's acts, exactly once each, capped per day, under rules that are versioned), levels
and badges shown beside members' names, a VIP circle members enter by their level, an ideas board with votes and
public statuses, and the members grouped by how much they take part."""

from core.plugins import Message, PluginManifest

PLUGIN = PluginManifest(
    name="customer_club",
    version="1.0.0",
    title=Message("Customer club"),
    description=Message(
        "Turns a circle into a customer club in one step: points and levels earned by taking part, badges, a VIP "
        "circle opened by level, an ideas board with votes and statuses, the shop, the complaints desk, a meet-up "
        "and a satisfaction survey, and the members grouped by how much they take part."
    ),
    requires=("shop", "complaints", "events", "polls"),
)
