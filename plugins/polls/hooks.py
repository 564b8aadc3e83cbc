"""How polls plug into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import (
    Action,
    Circle,
    ContentKind,
    Message,
    Offer,
    Scenario,
    Slot,
    SlotContent,
    ThreadAccess,
    answers_slots,
    hookimpl,
    mark_personal,
)
from plugins.polls import respondent, scenarios, service, surveys


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [scenarios.SCENARIO]


@hookimpl
def register_actions() -> list[Action]:
    return [service.VOTE, surveys.ANSWER]


@hookimpl
def register_content_kinds() -> list[ContentKind]:
    return [
        ContentKind(service.KIND, mark="📊", label=Message("Poll")),
        ContentKind(surveys.KIND, mark="📝", label=Message("Survey")),
    ]


@hookimpl
async def circle_offers(circle: Circle) -> list[Offer]:
    return await surveys.offers(circle)


@hookimpl
@answers_slots(Slot.HEAD, Slot.AFTER_FIRST_POST, Slot.CIRCLE_SIDEBAR, alike=(Slot.HEAD,))
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("polls/slots/head.html", shared=True)
    if slot == Slot.AFTER_FIRST_POST:
        thread_view = ThreadAccess(context["thread"], context["access"])
        if context["thread"].kind == service.KIND:
            poll = await service.poll_of_thread(thread_view)
            return SlotContent("polls/slots/poll.html", {"poll": poll}) if poll else None
        if context["thread"].kind == surveys.KIND:
            mark_personal(request)  # whether this browser has answered
            survey = await surveys.survey_of_thread(thread_view, respondent.guest_key(request))
            return SlotContent("polls/slots/survey.html", {"survey": survey}) if survey else None
    if slot == Slot.CIRCLE_SIDEBAR and context["access"].can_post:
        return SlotContent("polls/slots/circle_sidebar.html", {"slug": context["access"].circle.slug}, shared=True)
    return None
