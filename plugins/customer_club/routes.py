"""Pages of a club: its home (the member's level, badges and ledger; the levels and what earns points), the ideas
board, voting and statuses on an idea's thread, and the managers' page (rules, levels, corrections, segments and
their notices). Plain forms, no JavaScript."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Circle,
    Form,
    Message,
    NotFound,
    User,
    ValidationError,
    circle_share_card,
    mark_personal,
    read_form,
    render,
    resolve_viewer,
    site_of,
    whole_number,
)
from plugins.customer_club import gates, helpful, ideas, points, segments, service
from plugins.customer_club.models import IdeaStatus
from plugins.customer_club.points import ACTS, BADGE_LABELS, LevelDraft, RuleDraft


async def club_page(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    club, access = await service.get_club(viewer, request.path_params["id"])
    if viewer is not None:
        mark_personal(request)
    levels = await points.levels_of(club)
    vip, ideas_circle = await service.circles_of(club)
    return await render(
        request,
        "customer_club/club.html",
        {
            "club": club,
            "access": access,
            "circle": access.circle,
            "levels": levels,
            "rules": await points.rules_of(club),
            "acts": ACTS,
            "badge_labels": BADGE_LABELS,
            "vip": vip,
            "ideas_circle": ideas_circle,
            "standing": await points.standing_view(club, viewer) if viewer else None,
            "ledger": await points.ledger(club, viewer, 50) if viewer else [],
            "share_card": await circle_share_card(
                request, access.circle, access.circle.name, f"/clubs/{club.id}", access.circle.description
            ),
        },
    )


async def board_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    club, access = await service.get_club(viewer, request.path_params["id"])
    wanted = request.query_params.get("status", "")
    wanted = wanted if wanted in set(IdeaStatus) else ""
    ideas_circle = await Circle.get(id=club.ideas_circle_id)
    return await render(
        request,
        "customer_club/ideas.html",
        {
            "club": club,
            "circle": access.circle,
            "ideas_circle": ideas_circle,
            "ideas": await ideas.board(viewer, club, wanted),
            "wanted": wanted,
            "statuses": ideas.STATUS_LABELS,
            "form": form or Form({}),
        },
        status=status,
    )


async def new_idea(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    club, _ = await service.get_club(viewer, request.path_params["id"])
    form = Form.of(await read_form(request), ("title", "body", "complaints"))
    try:
        idea = await ideas.create_idea(
            viewer,
            club,
            form.values["title"],
            form.values["body"],
            form.values["complaints"].replace(",", " ").split(),
            max_length=site_of(request).config.max_post_length,
        )
    except ValidationError as error:
        form.errors = error.fields
        return await board_page(request, form, status=400)
    return RedirectResponse(f"/t/{idea.thread_id}", status_code=303)


async def idea_action(request: Request) -> Response:
    """The buttons on an idea: vote, take the vote back, and (the team) move it to a status."""
    viewer = await resolve_viewer(request)
    data = await read_form(request)
    idea_id, action = request.path_params["id"], request.path_params["action"]
    if action == "vote":
        view = await ideas.vote(viewer, idea_id)
    elif action == "unvote":
        view = await ideas.unvote(viewer, idea_id)
    elif action == "status":
        duplicate_of = whole_number(str(data.get("duplicate_of", "")).strip())
        view = await ideas.set_status(viewer, idea_id, str(data.get("status", "")), duplicate_of)
    else:
        raise NotFound(Message("There is no such action."))
    return RedirectResponse(f"/t/{view.where.thread.id}#idea", status_code=303)


async def mark_helpful(request: Request) -> Response:
    await read_form(request)  # its CSRF check
    post = await helpful.mark(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/p/{post.id}", status_code=303)


# The managers' page ----------------------------------------------------------------------------------------------


async def manage_page(
    request: Request, errors: dict[str, str] | None = None, status: int = 200, sent: int | None = None
) -> Response:
    viewer = await resolve_viewer(request)
    club, access = await service.managed(viewer, request.path_params["id"])
    days = whole_number(request.query_params.get("days", "30")) or 30
    days = days if days in segments.WINDOWS else 30
    levels = await points.levels_of(club)
    offers = await gates.offerable(access.circle)
    return await render(
        request,
        "customer_club/manage.html",
        {
            "club": club,
            "circle": access.circle,
            "levels": levels,
            "rules": {rule.act: rule for rule in await points.rules_of(club)},
            "acts": ACTS,
            "days": days,
            "windows": segments.WINDOWS,
            "segments": await segments.segments(club, days),
            "offers": offers,
            "gates": await gates.gate_views(club, offers),
            "corrections": await points.corrections(club, 30),
            "segment_labels": {name: label for name, _, label in segments.SEGMENTS},
            "errors": errors or {},
            "sent": sent,
        },
        status=status,
    )


def _number(data: Any, name: str, default: int | None = None) -> int | None:
    text = str(data.get(name, "")).strip().replace("\u2212", "-")
    if not text:
        return default
    negative = text.startswith("-")
    number = whole_number(text[1:] if negative else text)
    if number is None:
        raise ValidationError({name: Message("Give a whole number.")})
    return -number if negative else number


async def manage_action(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    club, _ = await service.managed(viewer, request.path_params["id"])
    data = await read_form(request)
    action = request.path_params["action"]
    sent = None
    try:
        if action == "rules":
            await points.set_rules(
                club,
                [RuleDraft(act, _number(data, f"points.{act}", 0) or 0, _number(data, f"cap.{act}")) for act in ACTS],
            )
        elif action == "levels":
            names = [str(name).strip() for name in data.getlist("name")]
            starts = [str(start).strip() for start in data.getlist("from")]
            rows = [(name, start) for name, start in zip(names, starts, strict=False) if name or start]
            drafts = []
            for index, (name, start) in enumerate(rows):
                following = rows[index + 1][1] if index + 1 < len(rows) else ""
                begin = _number({"from": start}, "from", -1)
                end = _number({"from": following}, "from") if following else None
                drafts.append(
                    LevelDraft(name, begin if begin is not None else -1, end - 1 if end is not None else None)
                )
            await points.set_levels(
                club, drafts, _number(data, "vip_level", 0) or 0, _number(data, "grace_days", 0) or 0
            )
        elif action == "correct":
            member = await User.get_or_none(username=str(data.get("username", "")).strip())
            if member is None:
                raise ValidationError({"username": Message("No such member.")})
            assert viewer is not None
            await points.correct(club, member, _number(data, "points", 0) or 0, str(data.get("reason", "")), viewer)
        elif action == "gate":
            kind, _, ref = str(data.get("offer", "")).partition(":")
            await gates.set_gate(club, kind, whole_number(ref) or 0, _number(data, "min_level"))
        elif action == "notice":
            assert viewer is not None
            sent = await segments.notice_to(
                viewer,
                club,
                str(data.get("segment", "")),
                _number(data, "days", 30) or 30,
                str(data.get("title", "")),
                str(data.get("body", "")),
            )
        else:
            raise NotFound(Message("There is no such action."))
    except ValidationError as error:
        return await manage_page(request, error.fields, status=400)
    if sent is not None:
        return await manage_page(request, sent=sent)
    return RedirectResponse(f"/clubs/{club.id}/manage", status_code=303)


routes: list[BaseRoute] = [
    Route("/clubs/{id:int}", club_page),
    Route("/clubs/{id:int}/ideas", board_page),
    Route("/clubs/{id:int}/ideas", new_idea, methods=["POST"]),
    Route("/ideas/{id:int}/{action}", idea_action, methods=["POST"]),
    Route("/posts/{id:int}/helpful", mark_helpful, methods=["POST"]),
    Route("/clubs/{id:int}/manage", manage_page),
    Route("/clubs/{id:int}/manage/{action}", manage_action, methods=["POST"]),
]
