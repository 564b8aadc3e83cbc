"""The notifications page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.notifications import service
from core.pagination import parse_limit
from core.web.auth import resolve_viewer
from core.web.forms import read_form
from core.web.pages import render
from core.web.site import site_of


async def notifications_page(request: Request) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    page = await service.notifications(viewer, request.query_params.get("after"), parse_limit(None))
    context = {"notifications": page.items, "next": page.next, "kinds": site_of(request).notification_kinds}
    return await render(request, "notifications.html", context)


async def read_all(request: Request) -> Response:
    await read_form(request)
    await service.mark_all_read(require_actor(await resolve_viewer(request)))
    return RedirectResponse("/notifications", status_code=303)


routes: list[BaseRoute] = [
    Route("/notifications", notifications_page, methods=["GET"]),
    Route("/notifications/read", read_all, methods=["POST"]),
]
