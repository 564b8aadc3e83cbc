"""WeChat template messages, registered through the plugin hooks: the channel, and the admin page where each kind
gets its template (in the admin menu where a service account is configured)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.config import Config
from core.contract import hookimpl
from core.contract.kinds import NotificationChannel
from core.errors import Message
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
