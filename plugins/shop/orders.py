"""Orders: the only code that writes them. Stock is decided by the database (a conditional update takes it); an
order gives it back only by moving out of a state that holds it, a conditional update too, so exactly once. The
same order form sent twice (a double tap) makes one order: its ``request_key`` is UNIQUE per buyer.

An order is seen by its buyer and the circle's managers (``service.ORDER``): 404 to everyone else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.functions import Sum

from core.plugins import (
    Action,
    Circle,
    Conflict,
    Forbidden,
    Message,
    User,
    ValidationError,
    allowed,
    announce_act,
    cancel_job,
    circle_staff,
    enqueue_job,
    notify_about,
    now,
    require_actor,
    transaction,
)
from plugins.shop import fees
from plugins.shop.models import GroupBuy, Order, OrderEvent, OrderStatus, Product, Shop
from plugins.shop.service import ORDER, get_product, shop_of, within

PLACED, CHANGED = "shop.order_placed", "shop.order_changed"  # notification kinds
# What happened to a buyer's order, each said in its own words (CHANGED: any other move)
TOLD = {
    OrderStatus.PAID: "shop.order_paid",
    OrderStatus.FULFILLED: "shop.order_fulfilled",
    OrderStatus.CANCELLED: "shop.order_cancelled",
}
EXPIRE = "shop.expire"  # the job that cancels an order left unpaid
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
QUANTITY_MAX = 10_000
HOLDS_STOCK = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)
NAMES = {
    OrderStatus.PENDING_PAYMENT: Message("awaiting payment"),
    OrderStatus.PAID: Message("paid"),
    OrderStatus.FULFILLED: Message("picked up"),
    OrderStatus.CANCELLED: Message("cancelled"),
}
ORDER_ACTION = Action("shop.order", "order a product at its price (target: the product)")

# The allowed moves of an order, and who may make each (buyer: the buyer while unpaid; managers: the shop's)
MOVES: dict[OrderStatus, tuple[OrderStatus, ...]] = {
    OrderStatus.PENDING_PAYMENT: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.FULFILLED, OrderStatus.CANCELLED),  # cancelled after paying: refunded offline
    OrderStatus.FULFILLED: (),
    OrderStatus.CANCELLED: (),
}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def check_quantity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= QUANTITY_MAX:
        raise ValidationError({"quantity": Message("Order a whole number, at least 1.")})
    return value


@dataclass(frozen=True)
class OrderDraft:
    quantity: int
    note: str = ""
    pickup_point: str = ""
    address: str = ""
    request_key: str = ""  # the order form's own: sent twice, it makes one order


async def _take_stock(product_id: int, quantity: int) -> bool:
    """Take ``quantity`` from the product's stock if it has that many (unlimited: always); the product's row stays
    locked to the end of the caller's transaction, so one member's orders are counted one at a time."""
    enough = Q(stock__isnull=True) | Q(stock__gte=quantity)
    return bool(await Product.filter(enough, id=product_id).update(stock=F("stock") - quantity))


async def _give_back(order: Order) -> None:
    await Product.filter(id=order.product_id, stock__isnull=False).update(stock=F("stock") + order.quantity)


async def _bought_before(product_id: int, buyer_id: int) -> int:
    rows = await (
        Order.filter(product_id=product_id, buyer_id=buyer_id, status__in=list(HOLDS_STOCK) + [OrderStatus.FULFILLED])
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return int(rows[0]["total"] or 0) if rows else 0


def _check_delivery(shop: Shop, draft: OrderDraft, *, goods: bool) -> tuple[str, str, str]:
    """Where the order is picked up or delivered, and its note. Only ``goods`` go anywhere (a membership fee does
    not, and a trial's product is handed over as the managers arrange); a shop with one pickup point needs no
    choice."""
    point, address, note = draft.pickup_point.strip(), draft.address.strip(), draft.note.strip()
    if len(note) > 500 or len(address) > 500:
        raise ValidationError({"note" if len(note) > 500 else "address": Message("At most 500 characters.")})
    if not goods:
        return "", "", note
    if not point and not address and len(shop.pickup_points) == 1:
        point = shop.pickup_points[0]
    if address and not shop.delivery:
        raise ValidationError({"address": Message("This shop does not deliver: choose a pickup point.")})
    if shop.pickup_points and not address:
        if point not in shop.pickup_points:
            raise ValidationError({"pickup_point": Message("Choose one of the shop's pickup points.")})
    elif point and point not in shop.pickup_points:
        raise ValidationError({"pickup_point": Message("Choose one of the shop's pickup points.")})
    return point, address, note


async def place_order(
    viewer: User | None, product_id: int, draft: OrderDraft, *, group_buy: GroupBuy | None = None, free: bool = False
) -> Order:
    """Order a product (at its price, a group buy's, or ``free``: a trial's): the stock is taken in the same
    transaction, or 409 ``out_of_stock`` and nothing is written. The managers are told of a bought one."""
    user = require_actor(viewer)
    product, access = await get_product(user, product_id)
    access.check_act(Message("Join this circle to order from its shop."))
    if not product.on_sale:
        raise Conflict(Message("This product is not on sale."), code="not_on_sale")
    if group_buy is None and not free and not await allowed(ORDER_ACTION, user, product):
        raise Forbidden(Message("This product is not for you yet."), code="refused")
    quantity = check_quantity(draft.quantity)
    shop = await shop_of(access)
    point, address, note = _check_delivery(shop, draft, goods=product.membership_circle_id is None and not free)
    if note:
        access.check_not_barred()  # a silenced member orders, but writes no note for others to read
    key = draft.request_key.strip()[:64] or secrets.token_urlsafe(16)
    if await Order.exists(buyer_id=user.id, request_key=key):
        return await Order.get(buyer_id=user.id, request_key=key).select_related("product")  # the first order stands
    unit = 0 if free else group_buy.price_fen if group_buy else product.price_fen
    if not free and group_buy is None and product.member_price_fen is not None:
        if await within(user, product.member_circle_id):  # a member price: a club's VIPs pay less
            unit = product.member_price_fen
    at = now()
    try:
        async with transaction():
            if not await _take_stock(product.id, quantity):
                raise Conflict(Message("Not enough in stock."), code="out_of_stock")
            limit = product.per_member_limit
            if limit is not None and await _bought_before(product.id, user.id) + quantity > limit:
                raise Conflict(Message("At most %(n)s per member.", n=limit), code="over_limit")
            expires = None if group_buy or free else at + timedelta(hours=shop.pay_within_hours)
            order = await Order.create(
                product=product,
                circle_id=product.circle_id,
                buyer=user,
                group_buy=group_buy,
                quantity=quantity,
                unit_fen=unit,
                total_fen=unit * quantity,
                note=note,
                pickup_point=point,
                address=address,
                pickup_code=new_code(),
                request_key=key,
                created_at=at,
                expires_at=expires,
            )
            await OrderEvent.create(order=order, status=OrderStatus.PENDING_PAYMENT, by=user, at=at)
            if free:  # nothing to pay: ready to pick up
                await Order.filter(id=order.id).update(status=OrderStatus.PAID)
                await OrderEvent.create(order=order, status=OrderStatus.PAID, at=at, note="trial")
                order.status = OrderStatus.PAID
            if expires is not None:
                await expire_at(order, expires)
            if not free:
                managers = await circle_staff(access.circle)
                await notify_about(PLACED, managers, user, ORDER, order, product.name, f"/orders/{order.id}")
    except IntegrityError:  # the same form at the same moment (its key), or a group buy joined twice
        found = await Order.get_or_none(buyer_id=user.id, request_key=key).select_related("product")
        if found is None:
            raise Conflict(Message("You have joined already."), code="already_joined") from None
        return found
    await announce_act(product.circle_id, user, "shop.order", order.id)
    return order


async def expire_at(order: Order, at: datetime) -> None:
    await enqueue_job(EXPIRE, {"order_id": order.id}, at=at, key=f"{EXPIRE}:{order.id}")


@dataclass
class OrderView:
    order: Order
    product: Product
    shop: Shop
    circle: Circle
    manager: bool
    history: list[OrderEvent]

    @property
    def moves(self) -> tuple[OrderStatus, ...]:
        if self.manager:
            return MOVES[self.order.status]
        return (OrderStatus.CANCELLED,) if self.order.status == OrderStatus.PENDING_PAYMENT else ()


async def get_order(viewer: User | None, order_id: int) -> OrderView:
    """The order as its audience (``ORDER``) sees it: its buyer, and the circle's staff who manage it; NotFound for
    everyone else."""
    order, scope = await ORDER.get(viewer, Order, Message("No such order."), related=("product", "buyer"), id=order_id)
    circle = await Circle.get(id=order.circle_id)
    manager = ORDER.as_staff(scope, order)
    history = list(await OrderEvent.filter(order_id=order.id).select_related("by").order_by("at", "id"))
    shop, _ = await Shop.get_or_create(circle_id=circle.id)
    return OrderView(order, order.product, shop, circle, manager, history)


async def move(viewer: User | None, order_id: int, target: str, note: str = "") -> OrderView:
    """Move an order along its table of moves: paid and fulfilled by the managers, cancelled by the buyer while
    unpaid or by the managers; a cancellation gives the stock back, once. The buyer is told."""
    user = require_actor(viewer)
    view = await get_order(user, order_id)
    if target not in set(OrderStatus):
        raise ValidationError({"status": Message("One of: ") + ", ".join(OrderStatus) + "."})
    status = OrderStatus(target)
    if status not in MOVES[view.order.status]:
        raise Conflict(
            Message(
                "An order that is %(current)s cannot become %(target)s.",
                current=view.order.status.value,
                target=status.value,
            ),
            code="not_allowed",
        )
    if status not in view.moves:
        raise Forbidden(Message("Only the shop's managers do this."))
    await change_status(view.order, status, user, note)
    return await get_order(user, order_id)


async def change_status(
    order: Order, status: OrderStatus, by: User | None, note: str = "", *, tell: bool = True
) -> bool:
    """Move ``order`` to ``status`` if it is still where it was (one request wins); whether this call did. The
    buyer is told (``tell``)."""
    at = now()
    async with transaction():
        if not await Order.filter(id=order.id, status=order.status).update(status=status):
            return False
        await OrderEvent.create(order_id=order.id, status=status, by=by, note=note[:200], at=at)
        if status == OrderStatus.CANCELLED and order.status in HOLDS_STOCK:
            await _give_back(order)
        if status != OrderStatus.PENDING_PAYMENT:
            await cancel_job(f"{EXPIRE}:{order.id}")
        if status == OrderStatus.PAID:
            await fees.grant(order)  # a membership fee: the buyer is a member from now
        if tell:
            buyer = await User.get(id=order.buyer_id)
            product = await Product.get(id=order.product_id)
            await notify_about(
                TOLD.get(status, CHANGED), [buyer], by, ORDER, order, product.name, f"/orders/{order.id}"
            )
    if status == OrderStatus.PAID:  # other plugins may count it (a club's points)
        await announce_act(order.circle_id, await User.get(id=order.buyer_id), "shop.paid", order.id)
    return True


async def expire(order_id: int) -> bool:
    """The job: an order still unpaid at its time is cancelled and its stock comes back (once)."""
    order = await Order.get_or_none(id=order_id)
    if order is None or order.status != OrderStatus.PENDING_PAYMENT or order.expires_at is None:
        return False
    if order.expires_at > now():
        await expire_at(order, order.expires_at)  # moved later meanwhile
        return False
    return await change_status(order, OrderStatus.CANCELLED, None, "expired")


async def my_orders(viewer: User | None) -> list[Order]:
    user = require_actor(viewer)
    return list(await Order.filter(buyer_id=user.id).select_related("product").order_by("-id").limit(200))


@dataclass(frozen=True)
class Filters:
    status: str = ""
    product: int | None = None
    pickup_point: str = ""


async def shop_orders(viewer: User | None, circle: Circle, filters: Filters) -> list[Order]:
    """The shop's orders, newest first, as the filters choose (the caller has checked the viewer manages it)."""
    query = Order.filter(circle_id=circle.id)
    if filters.status:
        if filters.status not in set(OrderStatus):
            raise ValidationError({"status": Message("One of: ") + ", ".join(OrderStatus) + "."})
        query = query.filter(status=filters.status)
    if filters.product is not None:
        query = query.filter(product_id=filters.product)
    if filters.pickup_point:
        query = query.filter(pickup_point=filters.pickup_point)
    return list(await query.select_related("product", "buyer").order_by("-id").limit(1000))


def totals(orders: list[Order]) -> list[tuple[str, int, int]]:
    """Per product, of the orders not cancelled: its name, how many, and the amount in fen."""
    found: dict[int, tuple[str, int, int]] = {}
    for order in orders:
        if order.status == OrderStatus.CANCELLED:
            continue
        name, count, amount = found.get(order.product_id, (order.product.name, 0, 0))
        found[order.product_id] = (name, count + order.quantity, amount + order.total_fen)
    return sorted(found.values())
