"""What every page of the admin area shares: administrators only, the admin menu, a notice after a change."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.access.site import site_admin
from core.accounts.models import User
from core.contract.kinds import Slot
from core.errors import Forbidden, Message, Unauthorized
from core.web.auth import resolve_viewer
from core.web.pages import render
from core.web.site import site_of

NOTICES = {
    "settings": Message("The site's settings are saved."),
    "user": Message("The member is updated."),
    "plugins": Message("Saved to plugins.toml. Restart the server to apply the change."),
    "plugins_applied": Message(
        "Saved to plugins.toml and applied: the server is starting fresh workers with it, which takes a few seconds."
    ),
    "template": Message("The template is applied."),
    "retried": Message("The job will be tried again now."),
    "mailed": Message("The test mail is queued: it should arrive within a minute. If not, its error shows below."),
}


async def admin_only(request: Request) -> User:
    viewer = await resolve_viewer(request)
    if viewer is None:
        raise Unauthorized()
    if not site_admin(viewer):
        raise Forbidden(Message("Only administrators reach the admin area."))
    return viewer


async def admin_page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context["notice"] = NOTICES.get(request.query_params.get("done", ""))
    context["wechat_messages"] = site_of(request).config.wechat is not None  # the menu's "WeChat messages"
    return await render(request, template, context, status=status, slots=(Slot.ADMIN_MENU,))
