"""Group buys (团购): a product at a group price when enough members join by a deadline. Each is attached to a
thread (where the group gathers and the share card points). Joining takes a place against the maximum by a
conditional update, and an order (with its stock) in the same transaction; one join per member. At the deadline a
job settles it exactly once, with nobody acting: enough members → succeeded, and everyone is told to pay; too few →
failed, every order of it cancelled with its stock back, and everyone told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F

from core.plugins import (
    Action,
    Circle,
    Conflict,
    Forbidden,
    JobContext,
    Message,
    Offer,
    Thread,
    ThreadAccess,
    User,
    ValidationError,
    allowed,
    attached_content,
    create_thread,
    enqueue_job,
    notify,
    now,
    require_actor,
    transaction,
)
from plugins.shop import orders
from plugins.shop.models import GroupBuy, GroupBuyStatus, Order, OrderStatus, Product, Shop
from plugins.shop.money import fen_of, yuan
from plugins.shop.orders import OrderDraft
from plugins.shop.service import get_product, limited_to, managed_circle, within

KIND = "group_buy"
SETTLE = "shop.settle"
SUCCEEDED, FAILED = "shop.group_succeeded", "shop.group_failed"  # notification kinds
COUNT_MAX = 10_000
JOIN_ACTION = Action("shop.group_buy.join", "join a group buy (target: the group buy)")


@dataclass(frozen=True)
class GroupBuyDraft:
    product_id: int
    price: str
    min_count: int
    max_count: int
    deadline: datetime | None
    title: str = ""
    body: str = ""
    only_circle: str = ""  # only the members of this circle (its slug: a club's VIP circle) may join


@dataclass
class GroupBuyView:
    group_buy: GroupBuy
    product: Product
    where: ThreadAccess
    mine: Order | None
    only_circle: Circle | None = None  # only its members may join

    @property
    def thread(self) -> Thread:
        return self.where.thread

    @property
    def open(self) -> bool:
        return self.group_buy.status == GroupBuyStatus.OPEN and now() < self.group_buy.deadline

    @property
    def full(self) -> bool:
        return self.group_buy.joined >= self.group_buy.max_count

    @property
    def can_join(self) -> bool:
        return self.mine is None and self.open and not self.full and self.where.can_take_part

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.group_buy.joined / self.group_buy.min_count))


async def create_group_buy(viewer: User | None, slug: str, draft: GroupBuyDraft, *, max_length: int) -> GroupBuy:
    """Start a group buy of one of the circle's products (its managers), in a thread of its own."""
    user = require_actor(viewer)
    product, access = await get_product(user, draft.product_id)
    if access.circle.slug != slug or not access.is_circle_staff:
        raise Forbidden(Message("Only the circle's owners and moderators start its group buys."))
    price = fen_of(draft.price)
    for name, value in (("min_count", draft.min_count), ("max_count", draft.max_count)):
        if isinstance(value, bool) or not 1 <= value <= COUNT_MAX:
            raise ValidationError({name: Message("Give a whole number from 1 to %(n)s.", n=COUNT_MAX)})
    if draft.max_count < draft.min_count:
        raise ValidationError({"max_count": Message("The most members cannot be fewer than the fewest.")})
    if draft.deadline is None or draft.deadline <= now():
        raise ValidationError({"deadline": Message("The deadline must be in the future.")})
    only_circle_id = await managed_circle(user, draft.only_circle, "only_circle")
    title = draft.title.strip() or f"{product.name} · {yuan(price)}"
    body = draft.body.strip() or product.description or product.name
    created: list[GroupBuy] = []

    async def attach(thread: Thread) -> None:
        group_buy = await GroupBuy.create(
            thread=thread,
            product=product,
            circle_id=product.circle_id,
            price_fen=price,
            min_count=draft.min_count,
            max_count=draft.max_count,
            deadline=draft.deadline,
            only_circle_id=only_circle_id,
        )
        await enqueue_job(SETTLE, {"group_buy_id": group_buy.id}, at=draft.deadline, key=f"{SETTLE}:{group_buy.id}")
        created.append(group_buy)

    await create_thread(user, slug, title, body, max_length=max_length, kind=KIND, attach=attach)
    return created[0]


async def _view(group_buy: GroupBuy, where: ThreadAccess) -> GroupBuyView:
    viewer = where.viewer
    mine = await Order.get_or_none(group_buy_id=group_buy.id, buyer_id=viewer.id) if viewer else None
    return GroupBuyView(
        group_buy,
        await Product.get(id=group_buy.product_id),
        where,
        mine,
        await limited_to(viewer, group_buy.only_circle_id),
    )


async def get_group_buy(viewer: User | None, group_buy_id: int) -> GroupBuyView:
    return await _view(*await attached_content(viewer, GroupBuy, group_buy_id, Message("No such group buy.")))


async def group_buy_of_thread(where: ThreadAccess) -> GroupBuyView | None:
    group_buy = await GroupBuy.get_or_none(thread_id=where.thread.id)
    return await _view(group_buy, where) if group_buy else None


async def join(viewer: User | None, group_buy_id: int, draft: OrderDraft) -> Order:
    """Join: a place against the maximum and an order at the group price (``draft``: how many, where to pick up),
    together or not at all."""
    user = require_actor(viewer)
    view = await get_group_buy(user, group_buy_id)
    if view.mine is not None:
        raise Conflict(Message("You have joined already."), code="already_joined")
    view.where.check_take_part(Message("Join this circle to take part."))
    if not await within(user, view.group_buy.only_circle_id):
        raise Forbidden(Message("This is for the members of another circle."), code="not_eligible")
    if not await allowed(JOIN_ACTION, user, view.group_buy):
        raise Forbidden(Message("This group buy is not for you yet."), code="refused")
    async with transaction():
        taken = await GroupBuy.filter(
            id=group_buy_id, status=GroupBuyStatus.OPEN, deadline__gt=now(), joined__lt=F("max_count")
        ).update(joined=F("joined") + 1)
        if not taken:
            if not view.open:
                raise Conflict(Message("This group buy is closed."), code="not_open")
            raise Conflict(Message("This group buy is full."), code="full")
        return await orders.place_order(user, view.product.id, draft, group_buy=view.group_buy)


async def settle(group_buy_id: int) -> GroupBuyStatus | None:
    """At the deadline, once: succeeded (its orders are to be paid within the shop's time) or failed (its orders
    cancelled, their stock back); every member who joined is told. None when it was settled already."""
    group_buy = await GroupBuy.get_or_none(id=group_buy_id)
    if group_buy is None or group_buy.status != GroupBuyStatus.OPEN:
        return None
    if group_buy.deadline > now():
        await enqueue_job(SETTLE, {"group_buy_id": group_buy.id}, at=group_buy.deadline, key=f"{SETTLE}:{group_buy.id}")
        return None
    at = now()
    async with transaction():
        locked = await GroupBuy.select_for_update().get(id=group_buy_id)  # joins and this settle one at a time
        outcome = GroupBuyStatus.SUCCEEDED if locked.joined >= locked.min_count else GroupBuyStatus.FAILED
        if not await GroupBuy.filter(id=group_buy_id, status=GroupBuyStatus.OPEN).update(status=outcome, settled_at=at):
            return None
        members = list(await Order.filter(group_buy_id=group_buy_id).exclude(status=OrderStatus.CANCELLED))
        shop, _ = await Shop.get_or_create(circle_id=group_buy.circle_id)
        for order in members:
            if outcome == GroupBuyStatus.FAILED:
                await orders.change_status(order, OrderStatus.CANCELLED, None, "group buy failed", tell=False)
            elif order.status == OrderStatus.PENDING_PAYMENT:
                expires = at + timedelta(hours=shop.pay_within_hours)
                await Order.filter(id=order.id).update(expires_at=expires)
                await orders.expire_at(order, expires)
        thread = await Thread.get(id=group_buy.thread_id).select_related("circle")
        organiser = await User.get(id=thread.author_id)
        buyers = list(await User.filter(id__in=[order.buyer_id for order in members]))
        await notify(SUCCEEDED if outcome == GroupBuyStatus.SUCCEEDED else FAILED, buyers, organiser, thread)
    return outcome


async def settle_job(context: JobContext) -> None:
    await settle(context.payload["group_buy_id"])


async def offers(circle: Circle) -> list[Offer]:
    """The circle's open group buys, the nearest deadline first, as cards another page may feature."""
    group_buys = await (
        GroupBuy.filter(
            circle_id=circle.id, status=GroupBuyStatus.OPEN, deadline__gt=now(), thread__deleted_at__isnull=True
        )
        .select_related("thread", "product")
        .order_by("deadline")
        .limit(50)
    )
    return [
        Offer(
            f"group_buy:{buy.id}",
            Message("Group buy"),
            buy.thread.title,
            f"/group-buys/{buy.id}",
            until=buy.deadline,
            price=f"¥{yuan(buy.price_fen)}",
            picture=buy.product.photos[0] if buy.product.photos else "",
        )
        for buy in group_buys
    ]
