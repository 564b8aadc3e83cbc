"""How the flyer campaign plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request

from core.plugins import Scenario, Slot, SlotContent, User, answers_slots, hookimpl
from plugins.flyer_campaign import scenarios, service, views


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [scenarios.SCENARIO]


@hookimpl
async def member_acted(circle_id: int, user: User, act: str, ref: int) -> None:
    await service.became_active(user, circle_id)  # a first post, registration or order: the newcomer takes part


@hookimpl
async def shutdown(app: Starlette) -> None:
    await views.flush()


@hookimpl
@answers_slots(Slot.HEAD, alike=(Slot.HEAD,))
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("flyer_campaign/slots/head.html", shared=True)
    return None
