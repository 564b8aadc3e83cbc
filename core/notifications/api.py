"""JSON API of notifications."""

from __future__ import annotations

from typing import Any

from core.access.scope import require_actor
from core.circles.service import access_by_slug
from core.notifications import service, watching
from core.notifications.serialize import notification_json
from core.pagination import parse_limit
from core.threads.service import get_thread
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("notifications")


@router.route("GET", "/notifications", "One's notifications, newest first", auth=True, query=("limit", "cursor"))
async def list_notifications(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.notifications(call.actor, call.query("cursor"), parse_limit(call.query("limit")))
    kinds = call.site.notification_kinds
    return {"items": [notification_json(n, kinds) for n in page.items], "next": page.next}


@router.route("POST", "/notifications/read", "Mark all one's notifications read", auth=True, status=204)
async def read_all(call: ApiCall[None]) -> None:
    await service.mark_all_read(call.actor)


class WatchChange(Body):
    level: str


@router.route("GET", "/threads/{id:int}/watch", "How one hears of a thread's replies", auth=True)
async def thread_watch(call: ApiCall[None]) -> dict[str, Any]:
    viewer = require_actor(call.viewer)
    view = await get_thread(viewer, call.params["id"])
    return {"level": await watching.level_of(viewer, thread=view.thread)}


@router.route(
    "PUT",
    "/threads/{id:int}/watch",
    "Watch a thread (every reply), mute it, or back to normal",
    body=WatchChange,
    auth=True,
)
async def set_thread_watch(call: ApiCall[WatchChange]) -> dict[str, Any]:
    viewer = require_actor(call.viewer)
    view = await get_thread(viewer, call.params["id"])
    return {"level": await watching.set_level(viewer, call.body.level, thread=view.thread)}


@router.route("GET", "/circles/{slug}/watch", "Whether one hears of a circle's new threads", auth=True)
async def circle_watch(call: ApiCall[None]) -> dict[str, Any]:
    viewer = require_actor(call.viewer)
    access = await access_by_slug(viewer, call.params["slug"])
    return {"level": await watching.level_of(viewer, circle=access.circle)}


@router.route(
    "PUT", "/circles/{slug}/watch", "Watch a circle's new threads, or back to normal", body=WatchChange, auth=True
)
async def set_circle_watch(call: ApiCall[WatchChange]) -> dict[str, Any]:
    viewer = require_actor(call.viewer)
    access = await access_by_slug(viewer, call.params["slug"])
    return {"level": await watching.set_level(viewer, call.body.level, circle=access.circle)}
