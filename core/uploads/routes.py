"""Serving pictures: only to those who may see them (404 to everyone else), cached no longer than access lasts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.errors import Message, NotFound
from core.uploads.images import CONTENT_TYPES
from core.uploads.service import access
from core.uploads.storage import NAME
from core.web.auth import resolve_viewer
from core.web.site import site_of

# A picture is never run as a page: no scripts, no styles, no frames, whatever a browser might make of its bytes.
PICTURE_POLICY = "default-src 'none'; img-src 'self'; sandbox"
# Content-addressed (a name never holds other bytes), but who may see a picture changes (a circle turns private, a
# post is deleted): caches keep a public one an hour, and ask again (a 304 while it may still be seen) for the rest.
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, no-cache"


async def picture(request: Request) -> Response:
    name = request.path_params["name"]
    seen = await access(await resolve_viewer(request), name[:64]) if NAME.match(name) else None
    data = await site_of(request).store.get(name) if seen is not None else None
    if data is None:
        raise NotFound(Message("No such picture."))
    headers = {
        "cache-control": PUBLIC_CACHE if seen == "public" else PRIVATE_CACHE,
        "content-security-policy": PICTURE_POLICY,
        "etag": f'"{name}"',
    }
    if request.headers.get("if-none-match") == headers["etag"]:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=CONTENT_TYPES[name.rpartition(".")[2]], headers=headers)


routes: list[BaseRoute] = [Route("/uploads/{name}", picture, methods=["GET"])]
