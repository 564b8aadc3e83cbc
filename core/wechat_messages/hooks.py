"""WeChat template messages, registered through the plugin hooks: the channel, and the admin page where each kind
gets its template."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from core.config import Config
from core.contract import hookimpl
from core.contract.kinds import NotificationChannel, Slot, SlotContent
from core.errors import Message
from core.web.site import site_of
from core.wechat_messages import routes
from core.wechat_messages.sending import reachable, send_reach


def _service_account(config: Config) -> bool:
    return config.wechat is not None


@hookimpl
def register_notification_channels() -> list[NotificationChannel]:
    return [NotificationChannel("wechat", Message("WeChat message"), _service_account, reachable, send_reach)]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot != Slot.ADMIN_MENU or not _service_account(site_of(request).config):
        return None
    return SlotContent("admin/wechat_menu.html")
