"""JSON API of moderation: flags, the review queues and their decisions, silencing, bans and the log."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from core.accounts.models import User
from core.accounts.serialize import user_ref
from core.accounts.service import get_user
from core.circles.service import access_by_slug
from core.errors import Message, NotFound
from core.forms.export import csv_response
from core.moderation import service
from core.moderation.models import CircleBan, LogEntry, Review
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("moderation")


class NewFlag(Body):
    reason: str
    note: str = ""


class DecisionBody(Body):
    decision: str
    reason: str = ""
    days: int | None = None


class PostReview(Body):
    action: str  # keep, hide, delete (and the decisions of /reviews/{id}: silence, suspend, remove)
    reason: str = ""
    days: int | None = None


class Penalty(Body):
    reason: str
    days: int | None = None  # None: until lifted


class NewBan(Penalty):
    username: str


def review_json(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "post_id": review.post_id,
        "flags": review.flags,
        "status": review.status.value,
        "hidden": review.hidden_at is not None,
        "decided_at": review.decided_at.isoformat() if review.decided_at else None,
    }


def log_json(entry: LogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.created_at.isoformat(),
        "action": entry.action,
        "actor": user_ref(entry.actor) if entry.actor else None,
        "member": user_ref(entry.member) if entry.member else None,
        "post_id": entry.post_id,
        "circle": entry.circle.slug if entry.circle else None,
        "reason": entry.reason,
    }


async def _member(username: str) -> User:
    return await get_user(username)


async def threshold(call: ApiCall[Any]) -> int:
    return int((await call.site.settings.current())["flags_to_hide"])


@router.route(
    "POST",
    "/posts/{id:int}/flags",
    "Flag a post (spam, abuse, off_topic, other with a note), once; enough flags hide it until a moderator reviews it",
    body=NewFlag,
    status=201,
    auth=True,
)
async def flag(call: ApiCall[NewFlag]) -> dict[str, Any]:
    await service.flag(
        call.viewer, call.params["id"], call.body.reason, call.body.note, threshold=await threshold(call)
    )
    return {"post_id": call.params["id"], "flagged": True}


async def _queue_json(call: ApiCall[None], slug: str | None) -> dict[str, Any]:
    items = await service.queue(call.viewer, slug, call.query("status") or "pending")
    return {
        "items": [
            {
                **review_json(item.review),
                "circle": item.circle.slug,
                "thread_id": item.thread.id,
                "thread_title": item.thread.title,
                "author": user_ref(item.post.author),
                "body": item.post.body,
                "flags_given": [
                    {"reason": row.reason.value, "note": row.note, "by": user_ref(row.user)} for row in item.flags
                ],
            }
            for item in items
        ]
    }


@router.route(
    "GET",
    "/circles/{slug}/reviews",
    "The circle's review queue: flagged posts with their flags (?status=pending|kept|hidden|deleted; its moderators)",
    auth=True,
    query=("status",),
)
@router.route(
    "GET",
    "/circles/{slug}/review",
    "The circle's review queue (the contract's name for /reviews)",
    auth=True,
    query=("status",),
)
async def circle_queue(call: ApiCall[None]) -> dict[str, Any]:
    return await _queue_json(call, call.params["slug"])


@router.route(
    "GET",
    "/reviews",
    "The review queue of every circle the viewer moderates (the site staff: every circle's)",
    auth=True,
    query=("status",),
)
async def site_queue(call: ApiCall[None]) -> dict[str, Any]:
    return await _queue_json(call, None)


@router.route(
    "POST",
    "/reviews/{id:int}",
    "Decide on a flagged post: keep, hide, delete, silence (days), suspend "
    "or remove (banned for days); the flaggers are told",
    body=DecisionBody,
    auth=True,
)
async def decide(call: ApiCall[DecisionBody]) -> dict[str, Any]:
    body = call.body
    return review_json(await service.decide(call.viewer, call.params["id"], body.decision, body.reason, body.days))


@router.route(
    "POST",
    "/posts/{id:int}/review",
    "Decide on a post, flagged or not: keep, hide or delete (the circle's moderators); the flaggers are told",
    body=PostReview,
    auth=True,
)
async def review_post(call: ApiCall[PostReview]) -> dict[str, Any]:
    body = call.body
    return review_json(await service.review_post(call.viewer, call.params["id"], body.action, body.reason, body.days))


@router.route(
    "POST",
    "/users/{username}/silence",
    "Silence a member: they read but write nothing until then (the site staff)",
    body=Penalty,
    status=201,
    auth=True,
)
async def silence(call: ApiCall[Penalty]) -> dict[str, Any]:
    member = await _member(call.params["username"])
    await service.silence(call.actor, member, call.body.days, call.body.reason)
    member = await _member(call.params["username"])
    return {
        "username": member.username,
        "silenced_until": member.silenced_until.isoformat(),  # type: ignore[union-attr]
        "reason": member.silence_reason,
    }


@router.route("DELETE", "/users/{username}/silence", "Lift a member's silence (the site staff)", status=204, auth=True)
async def unsilence(call: ApiCall[None]) -> None:
    await service.unsilence(call.actor, await _member(call.params["username"]))


def ban_json(ban: CircleBan, member: User) -> dict[str, Any]:
    return {"member": user_ref(member), "reason": ban.reason, "until": ban.until.isoformat() if ban.until else None}


@router.route("GET", "/circles/{slug}/bans", "Who is banned from the circle, and why (its moderators)", auth=True)
async def list_bans(call: ApiCall[None]) -> dict[str, Any]:
    access = await access_by_slug(call.actor, call.params["slug"])
    if not access.can_moderate:
        raise NotFound(Message("No such circle."))
    bans = await CircleBan.filter(circle_id=access.circle.id).select_related("user").order_by("-id")
    return {"items": [ban_json(ban, ban.user) for ban in bans]}


@router.route(
    "POST",
    "/circles/{slug}/bans",
    "Ban a member from the circle (removed; cannot join or ask to until then; its moderators)",
    body=NewBan,
    status=201,
    auth=True,
)
async def ban(call: ApiCall[NewBan]) -> dict[str, Any]:
    access = await access_by_slug(call.actor, call.params["slug"])
    member = await _member(call.body.username)
    return ban_json(await service.ban(call.actor, access, member, call.body.reason, call.body.days), member)


@router.route(
    "DELETE", "/circles/{slug}/bans/{username}", "Lift a ban (the circle's moderators)", status=204, auth=True
)
async def lift_ban(call: ApiCall[None]) -> None:
    access = await access_by_slug(call.actor, call.params["slug"])
    await service.lift_ban(call.actor, access, await _member(call.params["username"]))


@router.route(
    "GET",
    "/circles/{slug}/moderation-log",
    "Every moderation action in the circle, newest first (its moderators)",
    auth=True,
)
async def circle_log(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [log_json(entry) for entry in await service.entries(call.viewer, call.params["slug"])]}


@router.route("GET", "/moderation-log", "Every moderation action on the site, newest first (the site staff)", auth=True)
async def site_log(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [log_json(entry) for entry in await service.entries(call.viewer)]}


@router.route(
    "GET", "/circles/{slug}/moderation-log.csv", "The circle's moderation log as CSV (its moderators)", auth=True
)
async def circle_log_csv(call: ApiCall[None]) -> Response:
    rows = await service.entries(call.viewer, call.params["slug"], limit=10_000)
    return csv_response(
        f"moderation-log-{call.params['slug']}.csv",
        ["at", "action", "actor", "member", "post_id", "reason"],
        [
            [
                entry.created_at.isoformat(),
                entry.action,
                entry.actor.username if entry.actor else "",
                entry.member.username if entry.member else "",
                entry.post_id or "",
                entry.reason,
            ]
            for entry in rows
        ],
    )


class NewWord(Body):
    word: str
    action: str  # block, review or replace
    replacement: str = ""


def word_json(word: Any) -> dict[str, Any]:
    return {"id": word.id, "word": word.word, "action": word.action.value, "replacement": word.replacement}


@router.route("GET", "/watched-words", "The site's watched words (its staff)", auth=True)
async def site_words(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [word_json(word) for word in await service.watched_words(call.viewer, None)]}


@router.route(
    "POST",
    "/watched-words",
    "Watch a word on the whole site: block, review or replace (its staff)",
    body=NewWord,
    status=201,
    auth=True,
)
async def watch_site_word(call: ApiCall[NewWord]) -> dict[str, Any]:
    body = call.body
    return word_json(await service.watch_word(call.viewer, None, body.word, body.action, body.replacement))


@router.route("DELETE", "/watched-words/{id:int}", "Stop watching a site word (its staff)", status=204, auth=True)
async def unwatch_site_word(call: ApiCall[None]) -> None:
    await service.unwatch_word(call.viewer, None, call.params["id"])


@router.route("GET", "/circles/{slug}/watched-words", "The circle's own watched words (its moderators)", auth=True)
async def circle_words(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [word_json(word) for word in await service.watched_words(call.viewer, call.params["slug"])]}


@router.route(
    "POST",
    "/circles/{slug}/watched-words",
    "Watch a word in the circle: block, review or replace (its moderators)",
    body=NewWord,
    status=201,
    auth=True,
)
async def watch_circle_word(call: ApiCall[NewWord]) -> dict[str, Any]:
    body = call.body
    return word_json(
        await service.watch_word(call.viewer, call.params["slug"], body.word, body.action, body.replacement)
    )


@router.route(
    "DELETE",
    "/circles/{slug}/watched-words/{id:int}",
    "Stop watching a circle's word (its moderators)",
    status=204,
    auth=True,
)
async def unwatch_circle_word(call: ApiCall[None]) -> None:
    await service.unwatch_word(call.viewer, call.params["slug"], call.params["id"])
