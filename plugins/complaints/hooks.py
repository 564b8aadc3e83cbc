"""How the complaints desk plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import (
    Audience,
    JobKind,
    Message,
    NotificationKind,
    Slot,
    SlotContent,
    answers_slots,
    hookimpl,
)
from plugins.complaints import deadlines, service


@hookimpl
def register_audiences() -> list[Audience]:
    return [service.CASE]


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        NotificationKind(
            service.FILED,
            Message("A complaint for your desk: “%(title)s”"),
            email=True,
            label=Message("Complaints to a desk you staff, and their filers' replies"),
        ),
        NotificationKind(
            service.ANSWERED,
            Message("%(actor)s answered your complaint “%(title)s”"),
            email=False,
            label=Message("Answers to your complaints (they are mailed anyway)"),
            urgent=True,
        ),
        NotificationKind(
            service.DUE_SOON,
            Message("A complaint is due today: “%(title)s”"),
            email=True,
            label=Message("Complaints about to be late"),
        ),
    ]


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return deadlines.JOBS


@hookimpl
@answers_slots(Slot.HEAD, Slot.CIRCLE_SIDEBAR, alike=(Slot.HEAD,))
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("complaints/slots/head.html", shared=True)
    if slot == Slot.CIRCLE_SIDEBAR:
        shown = await service.shown_in(context["access"].circle)
        if not shown and not context["access"].is_circle_staff:
            return None  # switched off: its staff still see it, marked
        access = context["access"]
        facts = {"slug": access.circle.slug, "hidden": not shown, "staff": access.is_circle_staff}
        return SlotContent("complaints/slots/circle_sidebar.html", facts, shared=True)
    return None
