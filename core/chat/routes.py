"""The page of a circle's chat: it works without JavaScript (the latest lines and a form; a reload shows new ones)
and is live with a few lines of script (/static/chat.js) reading the chat's stream."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.chat import service
from core.errors import ValidationError
from core.numbers import whole_number
from core.uploads.receive import picture_markdown
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.pages import render


async def chat_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    access = await service.room(viewer, request.path_params["slug"])
    found = await service.lines(access, None)
    form = form or Form()
    reply_to = whole_number(str(form.values.get("reply_to") or request.query_params.get("reply", "")))
    replying = await service.line(access, reply_to) if reply_to else None
    context: dict[str, Any] = {
        "circle": access.circle,
        "access": access,
        "lines": found,
        "last_id": found[-1].id if found else 0,
        "form": form,
        "replying": replying,
        # the lines this viewer may delete: their own while they act in the circle, every line for a moderator
        "deletable": {line.id for line in found if access.may_delete(line.author_id)},
    }
    return await render(request, "chat/chat.html", context, status=status)


async def chat(request: Request) -> Response:
    return await chat_page(request)


async def send(request: Request) -> Response:
    data = await read_form(request, files=("picture",))
    form = Form.of(data, ("body", "reply_to"))
    viewer = await resolve_viewer(request)
    slug = request.path_params["slug"]
    try:
        form.values["body"] = await picture_markdown(request, viewer, data, form.values["body"])
        line = await service.send(viewer, slug, form.values["body"], whole_number(form.values["reply_to"]))
    except ValidationError as error:
        form.errors = error.fields
        return await chat_page(request, form, status=400)
    return RedirectResponse(f"/c/{slug}/chat#l{line.id}", status_code=303)


async def delete(request: Request) -> Response:
    await read_form(request)
    line = await service.delete(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/c/{line.circle.slug}/chat", status_code=303)


routes: list[BaseRoute] = [
    Route("/c/{slug}/chat", chat, methods=["GET"]),
    Route("/c/{slug}/chat", send, methods=["POST"]),
    Route("/chat/{id:int}/delete", delete, methods=["POST"]),
]
