"""JSON API of private conversations, blocks and flagged messages."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import user_ref
from core.messages import flags, service
from core.messages.models import DirectMessage
from core.moderation.api import NewFlag
from core.pagination import parse_limit
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("messages")
STARTS = "30/hour"  # new conversations a member may start


class NewConversation(Body):
    to: list[str]
    body: str


class MessageBody(Body):
    body: str


class NewParticipant(Body):
    username: str


class FlagDecision(Body):
    action: str  # keep, remove


def message_json(message: DirectMessage | service.MessageItem) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author": user_ref(message.author) if message.author else None,
        "body": message.body,
        "html": message.html,
        "created_at": message.created_at.isoformat(),
        "removed": message.removed_at is not None,
    }


def _max_length(call: ApiCall[Any]) -> int:
    return int(call.site.config.max_post_length)


@router.route(
    "POST", "/conversations", "Start a conversation with 1 to 8 members", body=NewConversation, status=201, auth=True
)
async def start(call: ApiCall[NewConversation]) -> dict[str, Any]:
    await call.site.limit_member(call.actor, STARTS, "conversation.start")
    conversation = await service.start(call.viewer, call.body.to, call.body.body, max_length=_max_length(call))
    return {"id": conversation.id, "url": f"/messages/{conversation.id}"}


@router.route(
    "GET",
    "/conversations",
    "One's conversations, latest first, each with `unread`",
    query=("limit", "cursor"),
    auth=True,
)
async def conversations(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.conversations(call.viewer, call.query("cursor"), parse_limit(call.query("limit")))
    return {
        "items": [
            {
                "id": item.id,
                "group": item.group,
                "people": [user_ref(person) for person in item.others],
                "last_message_at": item.last_message_at.isoformat(),
                "unread": item.unread,
                "url": f"/messages/{item.id}",
            }
            for item in page.items
        ],
        "next": page.next,
    }


@router.route("GET", "/conversations/{id:int}", "A conversation one takes part in, with its participants", auth=True)
async def conversation(call: ApiCall[None]) -> dict[str, Any]:
    seen = await service.participation(call.viewer, call.params["id"])
    return {
        "id": seen.conversation.id,
        "group": seen.conversation.is_group,
        "people": [user_ref(person) for person in seen.people],
        "url": f"/messages/{seen.conversation.id}",
    }


@router.route(
    "GET",
    "/conversations/{id:int}/messages",
    "A conversation's messages, newest first; reading them marks them read",
    query=("limit", "cursor"),
    auth=True,
)
async def messages(call: ApiCall[None]) -> dict[str, Any]:
    seen = await service.participation(call.viewer, call.params["id"])
    page = await service.messages(seen, call.query("cursor"), parse_limit(call.query("limit")))
    await service.mark_read(seen)
    return {"items": [message_json(message) for message in page.items], "next": page.next}


@router.route(
    "POST", "/conversations/{id:int}/messages", "Write in a conversation", body=MessageBody, status=201, auth=True
)
async def send(call: ApiCall[MessageBody]) -> dict[str, Any]:
    message = await service.send(call.viewer, call.params["id"], call.body.body, max_length=_max_length(call))
    return message_json(message)


@router.route(
    "POST",
    "/conversations/{id:int}/participants",
    "Bring a member into a group conversation (a participant)",
    body=NewParticipant,
    status=201,
    auth=True,
)
async def add(call: ApiCall[NewParticipant]) -> dict[str, Any]:
    return user_ref(await service.add(call.viewer, call.params["id"], call.body.username))


@router.route("POST", "/conversations/{id:int}/leave", "Leave a group conversation", status=204, auth=True)
async def leave(call: ApiCall[None]) -> None:
    await service.leave(call.viewer, call.params["id"])


@router.route("POST", "/users/{username}/block", "Take no more messages from a member", status=204, auth=True)
async def block(call: ApiCall[None]) -> None:
    await service.block(call.viewer, call.params["username"])


@router.route("DELETE", "/users/{username}/block", "Take messages from a blocked member again", status=204, auth=True)
async def unblock(call: ApiCall[None]) -> None:
    await service.unblock(call.viewer, call.params["username"])


@router.route(
    "POST",
    "/messages/{id:int}/flags",
    "Flag a message one received (a participant)",
    body=NewFlag,
    status=201,
    auth=True,
)
async def flag(call: ApiCall[NewFlag]) -> dict[str, Any]:
    await flags.flag(call.viewer, call.params["id"], call.body.reason, call.body.note)
    return {"message_id": call.params["id"], "flagged": True}


@router.route("GET", "/message-flags", "Flagged messages waiting, each alone with its flags (site staff)", auth=True)
async def flag_queue(call: ApiCall[None]) -> dict[str, Any]:
    return {
        "items": [
            {
                "message": message_json(item.message),
                "flags": [
                    {"by": user_ref(flag.flagger), "reason": flag.reason, "note": flag.note} for flag in item.flags
                ],
            }
            for item in await flags.queue(call.viewer)
        ],
        "next": None,
    }


@router.route(
    "POST",
    "/message-flags/{id:int}",
    "Keep or remove a flagged message (site staff)",
    body=FlagDecision,
    status=204,
    auth=True,
)
async def decide(call: ApiCall[FlagDecision]) -> None:
    await flags.decide(call.viewer, call.params["id"], call.body.action)
