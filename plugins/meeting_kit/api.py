"""JSON API of meetings (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any

from core.plugins import ApiCall, ApiRouter, Body, parse_api_time
from plugins.meeting_kit import service
from plugins.meeting_kit.serialize import item_json, meeting_json

router = ApiRouter("meeting_kit")


class Item(Body):
    starts_at: str | None = None
    ends_at: str | None = None
    title: str
    speaker: str = ""
    room: str = ""


class Notice(Body):
    title: str
    body: str


def _draft(body: Item) -> service.ItemDraft:
    return service.ItemDraft(
        parse_api_time(body.starts_at, "starts_at"),
        parse_api_time(body.ends_at, "ends_at"),
        body.title,
        body.speaker,
        body.room,
    )


@router.route("GET", "/meetings/{id:int}", "A meeting: its registration event, agenda, notices and survey")
async def get_meeting(call: ApiCall[None]) -> dict[str, Any]:
    return meeting_json(await service.get_meeting(call.viewer, call.params["id"]))


@router.route("POST", "/meetings/{id:int}/agenda", "Add an agenda item (organisers)", body=Item, status=201, auth=True)
async def add_item(call: ApiCall[Item]) -> dict[str, Any]:
    return item_json(await service.add_item(call.viewer, call.params["id"], _draft(call.body)))


@router.route("PUT", "/meetings/{id:int}/agenda/{item:int}", "Change an agenda item (organisers)", body=Item, auth=True)
async def update_item(call: ApiCall[Item]) -> dict[str, Any]:
    return item_json(await service.update_item(call.viewer, call.params["id"], call.params["item"], _draft(call.body)))


@router.route("DELETE", "/meetings/{id:int}/agenda/{item:int}", "Remove an agenda item (organisers)", auth=True)
async def remove_item(call: ApiCall[None]) -> None:
    await service.remove_item(call.viewer, call.params["id"], call.params["item"])


@router.route(
    "POST",
    "/meetings/{id:int}/notices",
    "Post a notice to everyone registered, in-app and by mail, with read receipts (organisers)",
    body=Notice,
    status=201,
    auth=True,
)
async def post_notice(call: ApiCall[Notice]) -> dict[str, Any]:
    notice_id, count = await service.post_notice(call.viewer, call.params["id"], call.body.title, call.body.body)
    return {"notice_id": notice_id, "url": f"/notices/{notice_id}", "recipients": count}
