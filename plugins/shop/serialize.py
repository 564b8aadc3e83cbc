"""Products, orders and group buys as the JSON API gives them (money as yuan strings: "88.00")."""

from __future__ import annotations

from typing import Any

from core.plugins import Circle
from plugins.shop.group_buys import GroupBuyView
from plugins.shop.models import Order, Product
from plugins.shop.money import yuan
from plugins.shop.orders import OrderView


def product_json(product: Product, circle: Circle, member_circle: Circle | None = None) -> dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "description": product.description,
        "price": yuan(product.price_fen),
        "stock_available": product.stock,  # None: unlimited
        "per_member_limit": product.per_member_limit,
        "on_sale": product.on_sale,
        "photos": [f"/uploads/{name}" for name in product.photos],
        "circle": {"slug": circle.slug, "name": circle.name},
        "membership": {
            "days": product.membership_days,
            "until": product.membership_until.isoformat() if product.membership_until else None,
        }
        if product.membership_circle_id
        else None,
        "member_price": {
            "price": yuan(product.member_price_fen),
            # the circle whose members pay it, to those who may see it
            "circle": {"slug": member_circle.slug, "name": member_circle.name} if member_circle else None,
        }
        if product.member_price_fen is not None
        else None,
        "url": f"/products/{product.id}",
    }


def order_json(order: Order, product: Product | None = None) -> dict[str, Any]:
    product = product or order.product
    return {
        "id": order.id,
        "status": order.status.value,
        "product": {"id": product.id, "name": product.name},
        "quantity": order.quantity,
        "unit_price": yuan(order.unit_fen),
        "total": yuan(order.total_fen),
        "pickup_code": None
        if product.membership_circle_id
        else order.pickup_code,  # a membership fee: nothing to pick up
        "reference": order.pickup_code,  # what the buyer writes in the payment's note
        "pickup_point": order.pickup_point,
        "address": order.address,
        "note": order.note,
        "group_buy_id": order.group_buy_id,
        "created_at": order.created_at.isoformat(),
        "expires_at": order.expires_at.isoformat() if order.expires_at else None,
        "url": f"/orders/{order.id}",
    }


def order_view_json(view: OrderView) -> dict[str, Any]:
    return {
        **order_json(view.order, view.product),
        "buyer": view.order.buyer.username,
        "history": [
            {
                "status": event.status.value,
                "at": event.at.isoformat(),
                "note": event.note,
                "by": event.by.username if event.by else None,
            }
            for event in view.history
        ],
        "payment_instructions": view.shop.payment_instructions,
        "payment_picture": f"/uploads/{view.shop.payment_picture}" if view.shop.payment_picture else None,
        "moves": [status.value for status in view.moves],
    }


def group_buy_json(view: GroupBuyView) -> dict[str, Any]:
    group_buy = view.group_buy
    return {
        "id": group_buy.id,
        "thread_id": group_buy.thread_id,
        "product": {"id": view.product.id, "name": view.product.name, "price": yuan(view.product.price_fen)},
        "price": yuan(group_buy.price_fen),
        "min_count": group_buy.min_count,
        "max_count": group_buy.max_count,
        "joined_count": group_buy.joined,
        "deadline": group_buy.deadline.isoformat(),
        "status": group_buy.status.value,
        "my_order": order_json(view.mine, view.product) if view.mine else None,
        "only_circle": view.only_circle.slug if view.only_circle else None,
        "url": f"/t/{group_buy.thread_id}",
    }
