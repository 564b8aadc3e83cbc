"""Rendering a page: the plugins' slot content is gathered before the (synchronous) template renders."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from core.plugins.kinds import Slot, SlotContent
from core.web.auth import resolve_viewer

PAGE_SLOTS = (Slot.HEAD, Slot.NAVIGATION)


async def render_slot(request: Request, slot: Slot, context: dict[str, Any]) -> Markup:
    """What the plugins put into ``slot``: their templates rendered with autoescape, plain strings escaped."""
    site = request.app.state.site
    parts = []
    for plugin, content in await site.plugins.call("render_slot", slot=slot.value, request=request, context=context):
        if isinstance(content, SlotContent):
            template = site.templates.get_template(content.template)
            parts.append(Markup(template.render({**context, **content.context, "request": request, "plugin": plugin})))
        else:
            parts.append(escape(str(content)))
    return Markup("").join(parts)


async def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200, slots: tuple[Slot, ...] = ()
) -> Response:
    """The page ``template`` with ``context``, the viewer, and the slots every page has plus ``slots``."""
    context = {**context, "viewer": await resolve_viewer(request)}
    context["slots"] = {slot.value: await render_slot(request, slot, context) for slot in (*PAGE_SLOTS, *slots)}
    return request.app.state.site.templates.TemplateResponse(request, template, context, status_code=status)  # type: ignore[no-any-return]
