"""How events plug into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import (
    Action,
    Circle,
    ContentKind,
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
from plugins.events import reminders, routes, service


@hookimpl
def register_actions() -> list[Action]:
    return [service.REGISTER]


@hookimpl
def register_content_kinds() -> list[ContentKind]:
    return [ContentKind(service.KIND, mark="📅", label=Message("Event"))]


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        NotificationKind(
            service.PROMOTED,
            Message("A place came free for you: you are confirmed for “%(title)s”"),
            email=True,
            label=Message("A place for you at an event, from its waitlist"),
            urgent=True,
        ),
        NotificationKind(
            reminders.REMINDED,
            Message("Soon: “%(title)s”"),
            label=Message("Reminders of events you registered for (mailed anyway)"),
            urgent=True,
        ),
        NotificationKind(
            service.REMOVED,
            Message("%(actor)s removed your registration for “%(title)s”"),
            email=True,
            label=Message("Your registrations removed by an organiser"),
        ),
    ]


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return reminders.JOBS


@hookimpl
async def circle_offers(circle: Circle) -> list[Offer]:
    return await service.offers(circle)


@hookimpl
@answers_slots(
    Slot.HEAD,
    Slot.NAVIGATION,
    Slot.AFTER_FIRST_POST,
    Slot.CIRCLE_SIDEBAR,
    alike=(
        Slot.HEAD,
        Slot.NAVIGATION,
    ),
)
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("events/slots/head.html", shared=True)
    if slot == Slot.NAVIGATION:
        return SlotContent("events/slots/navigation.html", shared=True)
    if slot == Slot.AFTER_FIRST_POST and context["thread"].kind == service.KIND:
        # A guest's copy (kept a few seconds, forgotten at any write) holds the counts; a member's is never kept.
        view = await service.event_of_thread(ThreadAccess(context["thread"], context["access"]))
        if view is None:
            return None
        by_phone = context.get("viewer") is None and await routes.guests_by_phone(request, view)
        return SlotContent("events/slots/event.html", {"event": view, "guest_by_phone": by_phone})
    if slot == Slot.CIRCLE_SIDEBAR:
        facts = {"slug": context["access"].circle.slug, "can_post": context["access"].can_post}
        return SlotContent("events/slots/circle_sidebar.html", facts, shared=True)
    return None
