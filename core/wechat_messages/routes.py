"""The admin page "WeChat messages": the template that carries each urgent kind of notification."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.admin.pages import admin_only, admin_page
from core.errors import NotFound, ValidationError
from core.web.forms import Form, read_form
from core.web.site import Site, site_of
from core.wechat_messages.templates import EVERY, chosen, set_templates


def _kinds(site: Site) -> list[tuple[str, object]]:
    """The kinds a template may carry: every other one (``*``), then each urgent kind by its label."""
    urgent = [(kind.name, kind.label or kind.name) for kind in site.notification_kinds.values() if kind.urgent]
    return [(EVERY, None), *sorted(urgent)]


async def _page(request: Request, form: Form, status: int = 200) -> Response:
    site = site_of(request)
    if site.config.wechat is None:
        raise NotFound()
    context = {"form": form, "kinds": _kinds(site), "app_id": site.config.wechat.app_id}
    return await admin_page(request, "admin/wechat.html", context, status=status)


async def templates(request: Request) -> Response:
    await admin_only(request)
    return await _page(request, Form(await chosen()))


async def save_templates(request: Request) -> Response:
    data = await read_form(request)
    admin = await admin_only(request)
    form = Form.of(data, [name for name, _ in _kinds(site_of(request))])
    try:
        await set_templates(admin, form.values)
    except ValidationError as error:
        form.errors = error.fields
        return await _page(request, form, status=400)
    return RedirectResponse("/admin/wechat?done=settings", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/wechat", templates, methods=["GET"]),
    Route("/admin/wechat", save_templates, methods=["POST"]),
]
