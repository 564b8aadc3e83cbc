"""Moderation's pages: flagging a post, a circle's review queue (and the site's), and the moderation log. Plain
forms, no JavaScript; every decision is one button."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.errors import Message, NotFound, ValidationError
from core.moderation import service
from core.moderation.models import FlagReason, ReviewStatus
from core.numbers import whole_number
from core.threads.service import get_post
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form, safe_next
from core.web.pages import render
from core.web.site import site_of

REASONS = {
    FlagReason.SPAM: Message("Spam: advertising, selling"),
    FlagReason.ABUSE: Message("Abuse: rude, hateful, harassing"),
    FlagReason.OFF_TOPIC: Message("Off-topic: not for this circle"),
    FlagReason.OTHER: Message("Something else (say what)"),
}
STATUSES = {
    ReviewStatus.PENDING: Message("Waiting"),
    ReviewStatus.KEPT: Message("Kept"),
    ReviewStatus.HIDDEN: Message("Hidden"),
    ReviewStatus.DELETED: Message("Deleted"),
}
ACTIONS = {
    "hidden_by_flags": Message("hidden by flags"), "held": Message("held for review"), "keep": Message("kept"), "hide": Message("hidden"),
    "delete": Message("deleted"), "remove": Message("removed from the circle"), "ban": Message("banned"),
    "unban": Message("ban lifted"), "silence": Message("silenced"), "unsilence": Message("silence lifted"),
    "suspend": Message("suspended"),
}  # fmt: skip


async def flag_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    if viewer is None:
        return RedirectResponse(f"/login?next=/p/{request.path_params['id']}/flag", status_code=303)
    post, view = await get_post(viewer, request.path_params["id"])
    return await render(
        request,
        "moderation/flag.html",
        {"post": post, "thread": view.thread, "reasons": REASONS, "form": form or Form({"reason": "spam"})},
        status=status,
    )


async def flag(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    form = Form.of(await read_form(request), ("reason", "note"))
    threshold = int((await site_of(request).settings.current())["flags_to_hide"])
    try:
        await service.flag(
            viewer, request.path_params["id"], form.values["reason"], form.values["note"], threshold=threshold
        )
    except ValidationError as error:
        form.errors = error.fields
        return await flag_page(request, form, status=400)
    post, view = await get_post(viewer, request.path_params["id"])
    return await render(request, "moderation/flagged.html", {"thread": view.thread})


async def queue_page(request: Request) -> Response:
    slug = request.path_params.get("slug")
    status = request.query_params.get("status", ReviewStatus.PENDING)
    status = status if status in set(ReviewStatus) else ReviewStatus.PENDING
    viewer = await resolve_viewer(request)
    if viewer is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    items = await service.queue(viewer, slug, status)
    return await render(
        request,
        "moderation/queue.html",
        {"items": items, "slug": slug, "status": status, "statuses": STATUSES, "reasons": REASONS},
    )


async def decide(request: Request) -> Response:
    data = await read_form(request)
    days = whole_number(str(data.get("days", "")).strip()) if str(data.get("days", "")).strip() else None
    await service.decide(
        await resolve_viewer(request),
        request.path_params["id"],
        str(data.get("decision", "")),
        str(data.get("reason", "")),
        days,
    )
    return RedirectResponse(safe_next(str(data.get("back", "")), "/review"), status_code=303)


async def log_page(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    slug = request.path_params.get("slug")
    if viewer is None:
        raise NotFound(Message("No such circle."))
    return await render(
        request,
        "moderation/log.html",
        {"entries": await service.entries(viewer, slug), "slug": slug, "actions": ACTIONS},
    )


routes: list[BaseRoute] = [
    Route("/p/{id:int}/flag", flag_page, methods=["GET"]),
    Route("/p/{id:int}/flag", flag, methods=["POST"]),
    Route("/review", queue_page),
    Route("/c/{slug}/review", queue_page),
    Route("/reviews/{id:int}", decide, methods=["POST"]),
    Route("/moderation-log", log_page),
    Route("/c/{slug}/moderation-log", log_page),
]
