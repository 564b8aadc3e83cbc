"""Pages of private conversations: the member's list, starting one (from a profile too), reading and answering,
bringing someone in, leaving; blocking from a profile; flagging a message, and the moderators' queue of them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.errors import Message, ValidationError
from core.messages import flags, service
from core.messages.api import STARTS
from core.moderation.models import FlagReason
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.pages import render
from core.web.site import site_of

PAGE = 50  # messages a conversation's page shows, the latest


def _max_length(request: Request) -> int:
    return int(site_of(request).config.max_post_length)


async def inbox(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    page = await service.conversations(viewer, request.query_params.get("after"), 30)
    form = form or Form({"to": request.query_params.get("to", "")})
    context = {"conversations": page.items, "next": page.next, "form": form}
    return await render(request, "messages/inbox.html", context, status=status)


async def new_page(request: Request) -> Response:
    return await inbox(request)


async def start(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("to", "body"))
    viewer = require_actor(await resolve_viewer(request))
    try:
        await site_of(request).limit_member(viewer, STARTS, "conversation.start")
        names = form.values["to"].replace(",", " ").replace("，", " ").split()
        conversation = await service.start(viewer, names, form.values["body"], max_length=_max_length(request))
    except ValidationError as error:
        form.errors = error.fields
        return await inbox(request, form, status=400)
    return RedirectResponse(f"/messages/{conversation.id}", status_code=303)


async def conversation_page(
    request: Request, form: Form | None = None, add_form: Form | None = None, status: int = 200
) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    seen = await service.participation(viewer, request.path_params["id"])
    page = await service.messages(seen, request.query_params.get("before"), PAGE)
    await service.mark_read(seen)
    context: dict[str, Any] = {
        "seen": seen,
        "messages": list(reversed(page.items)),
        "earlier": page.next,
        "form": form or Form(),
        "add_form": add_form or Form(),
    }
    return await render(request, "messages/conversation.html", context, status=status)


async def conversation(request: Request) -> Response:
    return await conversation_page(request)


async def send(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("body",))
    viewer = await resolve_viewer(request)
    try:
        message = await service.send(
            viewer, request.path_params["id"], form.values["body"], max_length=_max_length(request)
        )
    except ValidationError as error:
        form.errors = error.fields
        return await conversation_page(request, form=form, status=400)
    return RedirectResponse(f"/messages/{request.path_params['id']}#m{message.id}", status_code=303)


async def add(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("username",))
    try:
        await service.add(await resolve_viewer(request), request.path_params["id"], form.values["username"])
    except ValidationError as error:
        form.errors = error.fields
        return await conversation_page(request, add_form=form, status=400)
    return RedirectResponse(f"/messages/{request.path_params['id']}", status_code=303)


async def leave(request: Request) -> Response:
    await read_form(request)
    await service.leave(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse("/messages", status_code=303)


async def block(request: Request) -> Response:
    await read_form(request)
    blocked = await service.block(await resolve_viewer(request), request.path_params["username"])
    return RedirectResponse(f"/u/{blocked.username}", status_code=303)


async def unblock(request: Request) -> Response:
    await read_form(request)
    await service.unblock(await resolve_viewer(request), request.path_params["username"])
    return RedirectResponse(f"/u/{request.path_params['username']}", status_code=303)


async def flag_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    message = await flags.flaggable(viewer, request.path_params["id"])
    context = {"message": message, "form": form or Form(), "reasons": FLAG_REASONS}
    return await render(request, "messages/flag.html", context, status=status)


FLAG_REASONS = {
    FlagReason.SPAM: Message("Spam"),
    FlagReason.ABUSE: Message("Abusive or harassing"),
    FlagReason.OTHER: Message("Something else (say what)"),
}


async def flag(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("reason", "note"))
    viewer = await resolve_viewer(request)
    try:
        flagged = await flags.flag(viewer, request.path_params["id"], form.values["reason"], form.values["note"])
    except ValidationError as error:
        form.errors = error.fields
        return await flag_page(request, form, status=400)
    return RedirectResponse(f"/messages/{flagged.conversation_id}?flagged=1", status_code=303)


async def review(request: Request) -> Response:
    items = await flags.queue(await resolve_viewer(request))
    return await render(request, "messages/review.html", {"items": items, "reasons": FLAG_REASONS})


async def decide(request: Request) -> Response:
    data = await read_form(request)
    await flags.decide(await resolve_viewer(request), request.path_params["id"], str(data.get("action", "")))
    return RedirectResponse("/review/messages", status_code=303)


routes: list[BaseRoute] = [
    Route("/messages", inbox, methods=["GET"]),
    Route("/messages", start, methods=["POST"]),
    Route("/messages/new", new_page, methods=["GET"]),
    Route("/messages/{id:int}", conversation, methods=["GET"]),
    Route("/messages/{id:int}", send, methods=["POST"]),
    Route("/messages/{id:int}/people", add, methods=["POST"]),
    Route("/messages/{id:int}/leave", leave, methods=["POST"]),
    Route("/messages/m/{id:int}/flag", flag_page, methods=["GET"]),
    Route("/messages/m/{id:int}/flag", flag, methods=["POST"]),
    Route("/review/messages", review, methods=["GET"]),
    Route("/review/messages/{id:int}", decide, methods=["POST"]),
    Route("/u/{username}/block", block, methods=["POST"]),
    Route("/u/{username}/unblock", unblock, methods=["POST"]),
]
