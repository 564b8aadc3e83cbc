"""Membership fees (会费): a product that, once its order is marked paid, makes the buyer a member of a chosen
circle until a date, or extends it. Reminders go out a month and a week before it lapses (in-app and by mail); on
lapse a job takes the membership away and tells the member. Each step once: the jobs are keyed by membership and
check, when they run, that the date has not moved."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.plugins import (
    Audience,
    Circle,
    Conflict,
    JobContext,
    JobKind,
    Message,
    User,
    admit,
    circle_access,
    dismiss,
    enqueue_job,
    notify_about,
    now,
    queue_mail,
)
from plugins.shop.models import Membership, Order, Product

FEE = Audience("shop.membership", "shop_memberships", user=("user_id",), circle_staff=("shop_circle_id",))
REMIND, LAPSE = "shop.fee_remind", "shop.fee_lapse"  # jobs
DUE, LAPSED = "shop.fee_due", "shop.fee_lapsed"  # notification kinds
REMINDERS = (("month", timedelta(days=30)), ("week", timedelta(days=7)))
MAIL = "shop_fee_due"


def new_until(product: Product, current: Membership | None) -> datetime:
    """Until when a fee paid now makes its buyer a member: the product's date, or so many days from the end of
    the membership they have (or from now)."""
    if product.membership_until is not None:
        return product.membership_until
    start = max(current.until, now()) if current is not None and not current.lapsed else now()
    return start + timedelta(days=product.membership_days or 365)


async def grant(order: Order) -> Membership | None:
    """In the transaction that marks ``order`` paid: its buyer's membership begins or is extended. A buyer banned
    from the circle since ordering is refused (409 ``banned``): the order stays unpaid, to be cancelled."""
    product = await Product.get(id=order.product_id)
    if product.membership_circle_id is None:
        return None
    circle = await Circle.get(id=product.membership_circle_id)
    buyer = await User.get(id=order.buyer_id)
    if (await circle_access(buyer, circle)).ban is not None:
        raise Conflict(Message("The buyer is banned from this circle: cancel the order instead."), code="banned")
    current = await Membership.get_or_none(user_id=order.buyer_id, circle_id=product.membership_circle_id)
    until = new_until(product, current)
    if current is None:
        current = await Membership.create(
            user_id=order.buyer_id,
            circle_id=product.membership_circle_id,
            shop_circle_id=product.circle_id,
            until=until,
        )
    else:
        await Membership.filter(id=current.id).update(until=until, reminded="", lapsed=False)
        current = await Membership.get(id=current.id)
    await admit(circle, buyer)
    for name, before in REMINDERS:
        if until - before > now():
            await enqueue_job(
                REMIND,
                {"membership_id": current.id, "reminder": name, "until": until.isoformat()},
                at=until - before,
                key=f"{REMIND}:{current.id}:{name}",
            )
    await enqueue_job(LAPSE, {"membership_id": current.id}, at=until, key=f"{LAPSE}:{current.id}")
    return current


async def remind(context: JobContext) -> None:
    membership = await Membership.get_or_none(id=context.payload["membership_id"])
    name = context.payload["reminder"]
    if membership is None or membership.lapsed or membership.until.isoformat() != context.payload["until"]:
        return  # gone, lapsed, or extended since: its own reminders follow the new date
    if (
        not await Membership.filter(id=membership.id, until=membership.until)
        .exclude(reminded=name)
        .update(reminded=name)
    ):
        return
    user, circle = await User.get(id=membership.user_id), await Circle.get(id=membership.circle_id)
    shop = f"/c/{(await Circle.get(id=membership.shop_circle_id)).slug}/shop"  # where the fee is paid again
    await notify_about(DUE, [user], None, FEE, membership, circle.name, shop)
    await queue_mail(user, MAIL, {"circle": circle.name, "until": membership.until.isoformat(), "shop": shop})


async def lapse(context: JobContext) -> None:
    membership = await Membership.get_or_none(id=context.payload["membership_id"])
    if membership is None or membership.lapsed or membership.until > now():
        return
    if not await Membership.filter(id=membership.id, lapsed=False, until=membership.until).update(lapsed=True):
        return
    user, circle = await User.get(id=membership.user_id), await Circle.get(id=membership.circle_id)
    await dismiss(circle, user)
    await notify_about(LAPSED, [user], None, FEE, membership, circle.name, f"/c/{circle.slug}")


async def memberships(shop_circle: Circle) -> list[Membership]:
    """The memberships the circle's shop sold, soonest to lapse first (its managers)."""
    return list(
        await Membership.filter(shop_circle_id=shop_circle.id)
        .select_related("user", "circle")
        .order_by("lapsed", "until")
    )


def standing(membership: Membership) -> str:
    """paid, due (lapses within a month) or lapsed."""
    if membership.lapsed or membership.until <= now():
        return "lapsed"
    return "due" if membership.until - now() <= REMINDERS[0][1] else "paid"


JOBS = [JobKind(REMIND, remind), JobKind(LAPSE, lapse)]
