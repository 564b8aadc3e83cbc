"""The search page: works without JavaScript, pages with plain links."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.circles.routes import content_kinds
from core.errors import NotFound, ValidationError
from core.search import service
from core.web.auth import resolve_viewer
from core.web.pages import render

PER_PAGE = 20


async def search_page(request: Request) -> Response:
    params = request.query_params
    words = params.get("q", "").strip()
    try:
        page = max(1, min(int(params.get("page", "1")), 50))
    except ValueError:
        page = 1
    context: dict[str, Any] = {
        "query": words,
        "circle": params.get("circle", ""),
        "author": params.get("author", ""),
        "order": params.get("order", "relevance"),
        "items": [],
        "more": False,
        "page": page,
        "error": None,
        "kinds": content_kinds(request),
    }
    status = 200
    if words:
        try:
            items, more = await service.search(
                request.app.state.search,
                await resolve_viewer(request),
                words,
                circle=context["circle"] or None,
                author=context["author"] or None,
                order=context["order"] if context["order"] in service.ORDERS else "relevance",
                offset=(page - 1) * PER_PAGE,
                limit=PER_PAGE,
            )
            context.update(items=items, more=more)
        except ValidationError as error:
            context["error"], status = next(iter(error.fields.values())), 400
        except NotFound as error:
            context["error"] = error.message
    return await render(request, "search.html", context, status=status)


routes: list[BaseRoute] = [Route("/search", search_page, methods=["GET"])]
