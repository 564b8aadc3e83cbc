"""Private conversations, registered through the plugin hooks like any plugin: their API and pages, the kind of
notification a new message sends, the header's unread count and a profile's "Message" and "Block" buttons."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from core.access.audience import Audience
from core.access.scope import acting
from core.accounts.models import User
from core.contract import hookimpl
from core.contract.kinds import NotificationKind, Slot, SlotContent, answers_slots
from core.messages import api, notices, routes, service
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [notices.MESSAGE]


@hookimpl
def register_audiences() -> list[Audience]:
    return [notices.PLACE]


@hookimpl
async def page_context(viewer: User | None) -> dict[str, Any]:
    """Every page's header shows the member's unread messages."""
    return {"unread_messages": await service.unread_count(viewer) if viewer is not None else 0}


@hookimpl
@answers_slots(Slot.PROFILE_TABS)
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    viewer = acting(context.get("viewer"))
    if slot != Slot.PROFILE_TABS or viewer is None or viewer.id == context["profile"].id:
        return None
    blocked = await service.is_blocked(viewer, context["profile"])
    return SlotContent("messages/profile_buttons.html", {"profile": context["profile"], "blocked": blocked})
