"""How the shop plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import (
    Action,
    Audience,
    Circle,
    ContentKind,
    JobContext,
    JobKind,
    Message,
    NotificationKind,
    Offer,
    Slot,
    SlotContent,
    ThreadAccess,
    answers_slots,
    hookimpl,
)
from plugins.shop import fees, group_buys, orders, service, trials
from plugins.shop.models import OrderStatus
from plugins.shop.money import yuan


@hookimpl
def register_actions() -> list[Action]:
    return [orders.ORDER_ACTION, group_buys.JOIN_ACTION, trials.APPLY_ACTION]


@hookimpl
def register_audiences() -> list[Audience]:
    return [service.ORDER, fees.FEE]


@hookimpl
def register_content_kinds() -> list[ContentKind]:
    return [
        ContentKind(group_buys.KIND, mark="🛒", label=Message("Group buy")),
        ContentKind(trials.KIND, mark="🧪", label=Message("Trial")),
    ]


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        NotificationKind(
            orders.PLACED,
            Message("%(actor)s ordered “%(title)s”"),
            email=True,
            label=Message("Orders in a shop you manage"),
        ),
        NotificationKind(
            orders.TOLD[OrderStatus.PAID],
            Message("Payment received for your order of “%(title)s”"),
            email=True,
            label=Message("Your orders: payment received"),
            urgent=True,  # in a shop that collects at a pickup point: "it's paid, come and get it"
        ),
        NotificationKind(
            orders.TOLD[OrderStatus.FULFILLED],
            Message("Your order of “%(title)s” is picked up"),
            email=True,
            label=Message("Your orders: picked up or delivered"),
        ),
        NotificationKind(
            orders.TOLD[OrderStatus.CANCELLED],
            Message("Your order of “%(title)s” is cancelled"),
            email=True,
            label=Message("Your orders: cancelled"),
        ),
        NotificationKind(
            orders.CHANGED,
            Message("Your order of “%(title)s” changed"),
            email=True,
            label=Message("Your orders: other news"),
        ),
        NotificationKind(
            group_buys.SUCCEEDED,
            Message("The group buy “%(title)s” succeeded: please pay"),
            email=True,
            label=Message("Group buys you joined"),
        ),
        NotificationKind(
            group_buys.FAILED,
            Message("The group buy “%(title)s” did not gather enough members and is cancelled"),
            email=True,
            label=Message("Group buys that failed"),
        ),
        NotificationKind(
            fees.DUE,
            Message("Your membership of “%(title)s” lapses soon: renew it in the shop"),
            email=False,
            label=Message("Memberships about to lapse (mailed anyway)"),
        ),
        NotificationKind(
            fees.LAPSED,
            Message("Your membership of “%(title)s” has lapsed"),
            email=True,
            label=Message("Memberships that lapsed"),
        ),
        NotificationKind(
            trials.PICKED,
            Message("You are picked for the trial “%(title)s”: pick it up and report"),
            email=True,
            label=Message("Trials you are picked for"),
            urgent=True,
        ),
    ]


async def _expire(context: JobContext) -> None:
    await orders.expire(context.payload["order_id"])


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(orders.EXPIRE, _expire), JobKind(group_buys.SETTLE, group_buys.settle_job), *fees.JOBS]


@hookimpl
async def circle_offers(circle: Circle) -> list[Offer]:
    return [*await group_buys.offers(circle), *await trials.offers(circle), *await service.offers(circle)]


@hookimpl
@answers_slots(Slot.HEAD, Slot.CIRCLE_SIDEBAR, Slot.AFTER_FIRST_POST, alike=(Slot.HEAD,))
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("shop/slots/head.html", shared=True)
    if slot == Slot.CIRCLE_SIDEBAR:
        shown = await service.shown_in(context["access"].circle)
        if not shown and not context["access"].is_circle_staff:
            return None  # switched off: its managers still see it, marked
        access = context["access"]
        facts = {
            "slug": access.circle.slug,
            "hidden": not shown,
            "signed_in": access.viewer is not None,
            "staff": access.is_circle_staff,
        }
        return SlotContent("shop/slots/circle_sidebar.html", facts, shared=True)
    if slot == Slot.AFTER_FIRST_POST and context["thread"].kind == group_buys.KIND:
        view = await group_buys.group_buy_of_thread(ThreadAccess(context["thread"], context["access"]))
        if view is None:
            return None
        shop = await service.shop_of(context["access"])
        return SlotContent("shop/slots/group_buy.html", {"group_buy": view, "yuan": yuan, "shop": shop})
    if slot == Slot.AFTER_FIRST_POST and context["thread"].kind == trials.KIND:
        trial = await trials.trial_of_thread(ThreadAccess(context["thread"], context["access"]))
        return SlotContent("shop/slots/trial.html", {"trial": trial}) if trial else None
    return None
