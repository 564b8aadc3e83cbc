"""JSON API of notifications."""

from __future__ import annotations

from typing import Any

from core.notifications import service
from core.notifications.serialize import notification_json
from core.pagination import parse_limit
from core.web.jsonapi import ApiCall, ApiRouter

router = ApiRouter("notifications")


@router.route("GET", "/notifications", "One's notifications, newest first", auth=True, query=("limit", "cursor"))
async def list_notifications(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.notifications(call.actor, call.query("cursor"), parse_limit(call.query("limit")))
    kinds = call.site.notification_kinds
    return {"items": [notification_json(n, kinds) for n in page.items], "next": page.next}


@router.route("POST", "/notifications/read", "Mark all one's notifications read", auth=True, status=204)
async def read_all(call: ApiCall[None]) -> None:
    await service.mark_all_read(call.actor)
