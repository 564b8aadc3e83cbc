"""Web push, registered through the plugin hooks: the channel, the pages that make the site installable, and the
API a browser subscribes through."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.contract import hookimpl
from core.contract.kinds import NotificationChannel
from core.errors import Message
from core.push import api, routes
from core.push.sending import send_reach
from core.push.service import subscribed
from core.web.jsonapi import ApiRouter


@hookimpl
def register_notification_channels() -> list[NotificationChannel]:
    return [NotificationChannel("push", Message("Push to my devices"), lambda config: True, subscribed, send_reach)]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]
