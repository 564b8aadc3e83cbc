"""JSON API of search."""

from __future__ import annotations

from typing import Any

from core.errors import Message, ValidationError
from core.numbers import whole_number
from core.pagination import parse_limit
from core.search import service
from core.web.jsonapi import ApiCall, ApiRouter

router = ApiRouter("search")


def parse_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    offset = whole_number(cursor, 1000)
    if offset is None:
        raise ValidationError({"cursor": Message("This cursor is not one this list gave out.")})
    return offset


@router.route(
    "GET",
    "/search",
    "Search what the viewer may see: ?q=words&circle=slug&author=username&order=relevance|newest",
    query=("q", "circle", "author", "order", "limit", "cursor"),
)
async def search(call: ApiCall[None]) -> dict[str, Any]:
    offset, limit = parse_offset(call.query("cursor")), parse_limit(call.query("limit"))
    items, more = await service.search(
        call.request.app.state.search,
        call.viewer,
        call.query("q") or "",
        circle=call.query("circle") or None,
        author=call.query("author") or None,
        order=call.query("order") or "relevance",
        offset=offset,
        limit=limit,
    )
    return {"items": [service.hit_json(item) for item in items], "next": str(offset + limit) if more else None}
