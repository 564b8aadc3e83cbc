"""The shop's orders as a table (the managers' CSV): in the reader's language, times in the site's zone."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import Message, User, reader_locale, site_of, site_timezone
from plugins.shop.models import Order
from plugins.shop.money import yuan

COLUMNS = (
    Message("order"),
    Message("ordered_at"),
    Message("status"),
    Message("buyer"),
    Message("product"),
    Message("quantity"),
    Message("unit_price"),
    Message("total"),
    Message("pickup_point"),
    Message("address"),
    Message("pickup_code"),
    Message("note"),
)


async def order_rows(request: Request, viewer: User | None, orders: list[Order]) -> tuple[list[str], list[list[Any]]]:
    site = site_of(request)
    settings = await site.settings.current()
    gettext = site.catalogues.get(reader_locale(request, viewer, settings)).gettext
    zone = site_timezone(settings["timezone"])
    rows = [
        [
            order.id,
            order.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            order.status.value,
            order.buyer.username,
            order.product.name,
            order.quantity,
            yuan(order.unit_fen),
            yuan(order.total_fen),
            order.pickup_point,
            order.address,
            order.pickup_code,
            order.note,
        ]
        for order in orders
    ]
    return [gettext(column.msgid) for column in COLUMNS], rows
