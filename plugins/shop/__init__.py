"""shop: a club shop — a circle's showcase of products with photos, orders paid offline (pickup codes, payment
instructions and the shop's own collection QR), stock decided by the database, orders that expire unpaid, group
buys settled by a job at their deadline, and the managers' orders with CSV."""

from core.plugins import Message, PluginManifest, Setting

PLUGIN = PluginManifest(
    name="shop",
    version="1.0.0",
    title=Message("Shop"),
    description=Message(
        "A circle's showcase: products with photos, orders paid outside the site (WeChat Pay, a bank transfer) and "
        "picked up with a code, stock that is never oversold, group buys at a better price when enough members "
        "join, and the managers' list of orders with CSV."
    ),
    settings=(
        Setting(
            "max_photos",
            int,
            8,
            Message("The most photos a product may show."),
            label=Message("Photos per product at most"),
        ),
    ),
)
