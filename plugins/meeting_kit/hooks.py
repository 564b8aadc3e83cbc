"""How the meeting kit plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import JobKind, Scenario, Slot, SlotContent, answers_slots, hookimpl
from plugins.meeting_kit import feedback, scenarios, service


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [scenarios.SCENARIO]


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return feedback.JOBS


@hookimpl
@answers_slots(Slot.HEAD, Slot.THREAD_HEADER, alike=(Slot.HEAD,))
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("meeting_kit/slots/head.html", shared=True)
    if slot == Slot.THREAD_HEADER and context["thread"].kind == "event":
        meeting = await service.meeting_of_thread(context["thread"].id)
        return SlotContent("meeting_kit/slots/thread_header.html", {"meeting": meeting}) if meeting else None
    return None
