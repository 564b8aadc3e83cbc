"""JSON API of customer clubs (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any

from core.plugins import ApiCall, ApiRouter, Body, Message, NotFound, User, ValidationError, user_ref, whole_number
from plugins.customer_club import gates, helpful, ideas, points, segments, service
from plugins.customer_club.models import Club, Entry, Level
from plugins.customer_club.points import LevelDraft, RuleDraft

router = ApiRouter("customer_club")


class RuleBody(Body):
    act: str
    points: int
    daily_cap: int | None = None


class Rules(Body):
    rules: list[RuleBody]


class Levels(Body):
    levels: list[dict[str, Any]]  # {name, from, to}: "from" is no name for a field
    vip_level: int = 3
    grace_days: int = 30


class GateBody(Body):
    kind: str  # product, group_buy or trial
    id: int
    min_level: int | None = None  # a level's position; None or 1: everyone


class Correction(Body):
    username: str
    points: int
    reason: str


class Notice(Body):
    title: str
    body: str
    days: int = 30


class NewIdea(Body):
    title: str
    body: str = ""
    complaints: list[str] = []


class IdeaChange(Body):
    status: str
    duplicate_of: int | None = None


def _levels_json(levels: list[Level]) -> list[dict[str, Any]]:
    return [
        {
            "position": level.position,
            "name": level.name,
            "from": level.threshold,
            "to": levels[index + 1].threshold - 1 if index + 1 < len(levels) else None,
        }
        for index, level in enumerate(levels)
    ]


async def _standing_json(club: Club, user: User) -> dict[str, Any]:
    view = await points.standing_view(club, user)
    return {
        "points": view.points,
        "level": view.level.name if view.level else None,
        "next_level": {"name": view.next_level.name, "from": view.next_level.threshold} if view.next_level else None,
        "badges": view.badges,
    }


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "points": entry.points,
        "act": entry.act,
        "reason": entry.reason,
        "rules_version": entry.version,
        "at": entry.created_at.isoformat(),
    }


async def club_json(club: Club, viewer: User | None) -> dict[str, Any]:
    circle, ideas_circle, vip = await club.circle, await club.ideas_circle, await club.vip_circle
    return {
        "id": club.id,
        "url": f"/clubs/{club.id}",
        "circle": circle.slug,
        "ideas_circle": ideas_circle.slug,
        "vip_circle": vip.slug,
        "vip_level": club.vip_level,
        "grace_days": club.grace_days,
        "rules_version": club.rules_version,
        "levels": _levels_json(await points.levels_of(club)),
        "rules": [
            {"act": rule.act, "points": rule.points, "daily_cap": rule.daily_cap}
            for rule in await points.rules_of(club)
        ],
        "gates": [
            {"kind": gate.kind, "id": gate.ref, "min_level": gate.min_level} for gate in await gates.gates_of(club)
        ],
        "me": await _standing_json(club, viewer) if viewer else None,
    }


def idea_json(view: ideas.IdeaView) -> dict[str, Any]:
    idea, thread = view.idea, view.where.thread
    return {
        "id": idea.id,
        "thread_id": thread.id,
        "title": thread.title,
        "status": idea.status.value,
        "votes": idea.votes,
        "voted": view.voted,
        "duplicate_of": idea.duplicate_of_id,
        "complaints": idea.complaints if view.where.access.is_circle_staff else len(idea.complaints),
        "url": f"/t/{thread.id}",
    }


@router.route("GET", "/clubs/{id:int}", "A customer club: its circles, levels, points rules and the viewer's standing")
async def get_club(call: ApiCall[None]) -> dict[str, Any]:
    club, _ = await service.get_club(call.viewer, call.params["id"])
    return await club_json(club, call.viewer)


@router.route("GET", "/clubs/{id:int}/ledger", "The viewer's own points ledger in the club, newest first", auth=True)
async def my_ledger(call: ApiCall[None]) -> dict[str, Any]:
    club, _ = await service.get_club(call.viewer, call.params["id"])
    assert call.viewer is not None
    entries = await points.ledger(club, call.viewer)
    return {**await _standing_json(club, call.viewer), "entries": [_entry_json(entry) for entry in entries]}


@router.route(
    "PUT",
    "/clubs/{id:int}/rules",
    "New points rules (the club's managers): a new version; what was earned stays",
    body=Rules,
    auth=True,
)
async def set_rules(call: ApiCall[Rules]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    await points.set_rules(club, [RuleDraft(rule.act, rule.points, rule.daily_cap) for rule in call.body.rules])
    return await club_json(club, call.viewer)


def _bound(value: Any, field: str) -> int | None:
    """A level's "from" or "to": a whole number, or None (no end)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValidationError({field: Message("Give a whole number of points.")})


@router.route(
    "PUT",
    "/clubs/{id:int}/levels",
    "The club's levels (from/to points, no gaps or overlaps), the level "
    "that opens the VIP circle and the grace period (the club's managers)",
    body=Levels,
    auth=True,
)
async def set_levels(call: ApiCall[Levels]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    drafts = [
        LevelDraft(
            str(level.get("name", "")),
            _bound(level.get("from"), f"levels.{index}.from") or 0,
            _bound(level.get("to"), f"levels.{index}.to"),
        )
        for index, level in enumerate(call.body.levels)
    ]
    await points.set_levels(club, drafts, call.body.vip_level, call.body.grace_days)
    return await club_json(club, call.viewer)


@router.route(
    "PUT",
    "/clubs/{id:int}/gates",
    "Keep one of the shop's products, group buys or trials for a level and above (the club's managers)",
    body=GateBody,
    auth=True,
)
async def set_gate(call: ApiCall[GateBody]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    await gates.set_gate(club, call.body.kind, call.body.id, call.body.min_level)
    return await club_json(club, call.viewer)


@router.route(
    "POST",
    "/clubs/{id:int}/corrections",
    "Correct a member's points, with a reason that their ledger shows (the club's managers)",
    body=Correction,
    status=201,
    auth=True,
)
async def correct(call: ApiCall[Correction]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    member = await User.get_or_none(username=call.body.username)
    if member is None:
        raise NotFound(Message("No such member."))
    assert call.viewer is not None
    entry = await points.correct(club, member, call.body.points, call.body.reason, call.viewer)
    return {**_entry_json(entry), "member": user_ref(member)}


@router.route(
    "GET", "/clubs/{id:int}/corrections", "The managers' corrections, newest first (the club's managers)", auth=True
)
async def list_corrections(call: ApiCall[None]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    return {
        "items": [
            {**_entry_json(entry), "member": user_ref(entry.user), "by": user_ref(entry.by) if entry.by else None}
            for entry in await points.corrections(club)
        ]
    }


@router.route(
    "GET",
    "/clubs/{id:int}/segments",
    "The club's members by how much they took part in the last 30 or 90 "
    "days (?days=): core, active, occasional, silent (the club's managers)",
    auth=True,
    query=("days",),
)
async def get_segments(call: ApiCall[None]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    days = whole_number(call.query("days") or "30") or 0
    grouped = await segments.segments(club, days)
    return {
        "days": days,
        "segments": {
            name: {"count": len(rows), "members": [{**user_ref(row.user), "acts": row.acts} for row in rows]}
            for name, rows in grouped.items()
        },
    }


@router.route(
    "POST",
    "/clubs/{id:int}/segments/{segment}/notices",
    "Send a notice to one segment of the club's members (the club's managers)",
    body=Notice,
    status=201,
    auth=True,
)
async def segment_notice(call: ApiCall[Notice]) -> dict[str, Any]:
    club, _ = await service.managed(call.viewer, call.params["id"])
    assert call.viewer is not None
    sent = await segments.notice_to(
        call.viewer, club, call.params["segment"], call.body.days, call.body.title, call.body.body
    )
    return {"sent": sent}


@router.route(
    "POST",
    "/posts/{id:int}/helpful",
    "Mark a reply helpful, in a club's circles (the thread's author or "
    "the circle's moderators; once: 409 marked); its author earns points",
    auth=True,
)
async def mark_helpful(call: ApiCall[None]) -> dict[str, Any]:
    post = await helpful.mark(call.viewer, call.params["id"])
    return {"post_id": post.id, "helpful": True}


@router.route("GET", "/clubs/{id:int}/ideas", "The club's ideas board, most voted first (?status=)", query=("status",))
async def list_ideas(call: ApiCall[None]) -> dict[str, Any]:
    club, _ = await service.get_club(call.viewer, call.params["id"])
    found = await ideas.board(call.viewer, club, call.query("status") or "")
    return {
        "ideas": [
            {
                "id": idea.id,
                "thread_id": idea.thread_id,
                "title": idea.thread.title,
                "status": idea.status.value,
                "votes": idea.votes,
                "url": f"/t/{idea.thread_id}",
            }
            for idea in found
        ]
    }


@router.route(
    "POST",
    "/clubs/{id:int}/ideas",
    "Post an idea on the club's board (members of its ideas circle)",
    body=NewIdea,
    status=201,
    auth=True,
)
async def new_idea(call: ApiCall[NewIdea]) -> dict[str, Any]:
    club, _ = await service.get_club(call.viewer, call.params["id"])
    idea = await ideas.create_idea(
        call.viewer,
        club,
        call.body.title,
        call.body.body,
        call.body.complaints,
        max_length=call.site.config.max_post_length,
    )
    return idea_json(await ideas.get_idea(call.viewer, idea.id))


@router.route("GET", "/ideas/{id:int}", "An idea: its status, votes and the viewer's vote")
async def get_idea(call: ApiCall[None]) -> dict[str, Any]:
    return idea_json(await ideas.get_idea(call.viewer, call.params["id"]))


@router.route(
    "POST", "/ideas/{id:int}/vote", "Vote for an idea (once; not your own; 409 when closed or voted)", auth=True
)
async def vote(call: ApiCall[None]) -> dict[str, Any]:
    return idea_json(await ideas.vote(call.viewer, call.params["id"]))


@router.route("DELETE", "/ideas/{id:int}/vote", "Take your vote back", auth=True)
async def unvote(call: ApiCall[None]) -> dict[str, Any]:
    return idea_json(await ideas.unvote(call.viewer, call.params["id"]))


@router.route(
    "PATCH",
    "/ideas/{id:int}",
    "Move an idea to a status (the ideas circle's moderators); a duplicate "
    "names the idea it repeats and forwards its votes",
    body=IdeaChange,
    auth=True,
)
async def change_idea(call: ApiCall[IdeaChange]) -> dict[str, Any]:
    return idea_json(await ideas.set_status(call.viewer, call.params["id"], call.body.status, call.body.duplicate_of))
