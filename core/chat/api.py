"""JSON API of a circle's chat, and its live stream."""

from __future__ import annotations

from typing import Any

from core.chat import service
from core.errors import Message, ValidationError
from core.live.stream import EventStream
from core.numbers import whole_number
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("chat")


class NewLine(Body):
    body: str
    reply_to: int | None = None


def _after(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    after = whole_number(raw)
    if after is None:
        raise ValidationError({"after": Message("A line's id (a whole number).")})
    return after


@router.route(
    "GET",
    "/circles/{slug}/chat",
    "A circle's chat: the lines after `after` (a line's id), oldest first; without it, the latest 50",
    query=("after",),
)
async def lines(call: ApiCall[None]) -> dict[str, Any]:
    access = await service.room(call.viewer, call.params["slug"])
    found = await service.lines(access, _after(call.query("after")), 100 if call.query("after") else service.LINES)
    return {"items": [service.line_json(line) for line in found], "next": None}


@router.route(
    "POST", "/circles/{slug}/chat", "Write a line in a circle's chat (its members)", body=NewLine, status=201, auth=True
)
async def send(call: ApiCall[NewLine]) -> dict[str, Any]:
    line = await service.send(call.viewer, call.params["slug"], call.body.body, call.body.reply_to)
    return await service.one_json(line)


@router.route(
    "DELETE", "/chat/{id:int}", "Delete a chat line (its author, the circle's moderators)", status=204, auth=True
)
async def delete(call: ApiCall[None]) -> None:
    await service.delete(call.viewer, call.params["id"])


@router.route(
    "GET",
    "/circles/{slug}/chat/stream",
    "The chat's new lines as server-sent events (`text/event-stream`); `Last-Event-ID` (or `after`) replays those missed",
    query=("after",),
)
async def stream(call: ApiCall[None]) -> EventStream:
    viewer = call.viewer
    access = await service.room(viewer, call.params["slug"])
    circle_id = access.circle.id
    after = _after(call.request.headers.get("last-event-id") or call.query("after"))

    async def replay(last: int) -> list[tuple[int, str]]:
        return await service.as_json(circle_id, after=last) if last else []

    async def may_read() -> bool:
        return await service.still_reads(viewer, circle_id)

    return EventStream(service.channel(circle_id), after or 0, replay, may_read)
