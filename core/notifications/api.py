"""JSON API of notifications."""

from __future__ import annotations

from typing import Any

from core.access.scope import require_actor
from core.circles.service import access_by_slug
from core.errors import Message, ValidationError
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


class NotificationChoices(Body):
    choices: dict[str, str] = {}
    reach: list[list[str]] | None = None  # [kind, channel] pairs


async def _choices_json(call: ApiCall[Any]) -> dict[str, Any]:
    user, site = call.actor, call.site
    chosen, reaches = await service.choices(user), await service.reaches(user)
    return {
        "kinds": {
            name: {
                "channel": chosen[name].value,
                "urgent": kind.urgent,
                "reach": sorted(channel for chosen_kind, channel in reaches if chosen_kind == name),
            }
            for name, kind in site.notification_kinds.items()
        },
        "channels": [
            {"name": channel.name, "reachable": reachable} for channel, reachable in await service.channels_for(user)
        ],
    }


@router.route("GET", "/me/notification-settings", "How one hears of each kind of notification", auth=True)
async def get_choices(call: ApiCall[None]) -> dict[str, Any]:
    return await _choices_json(call)


@router.route(
    "PUT",
    "/me/notification-settings",
    "Choose how one hears of each kind named (email, digest, app, off) and, with reach, the channels outside the "
    "site (a text message...) for urgent kinds",
    body=NotificationChoices,
    auth=True,
)
async def put_choices(call: ApiCall[NotificationChoices]) -> dict[str, Any]:
    await service.set_choices(call.actor, call.body.choices)
    if call.body.reach is not None:
        if any(len(pair) != 2 for pair in call.body.reach):
            raise ValidationError({"reach": Message("Give each as [kind, channel].")})
        await service.set_reaches(call.actor, {(kind, channel) for kind, channel in call.body.reach})
    return await _choices_json(call)


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
