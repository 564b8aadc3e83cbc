"""Moderation, registered through the plugin hooks: its API, pages, the flaggers' notifications and their audience."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.access.audience import Audience
from core.contract import hookimpl
from core.contract.kinds import NotificationKind
from core.errors import Message
from core.moderation import api, routes
from core.moderation.service import FLAG, FLAG_KEPT, FLAG_UPHELD, FLAGGED
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        NotificationKind(
            FLAG_KEPT,
            Message("A moderator looked at the post you flagged in “%(title)s” and kept it"),
            label=Message("Posts you flagged and kept"),
        ),
        NotificationKind(
            FLAG_UPHELD,
            Message("The post you flagged in “%(title)s” was taken down: thank you"),
            label=Message("Posts you flagged and taken down"),
        ),
        NotificationKind(
            FLAGGED,
            Message("%(actor)s flagged a post in “%(title)s”: it waits in the review queue"),
            email=True,
            label=Message("Flagged posts in circles you moderate"),
        ),
    ]


@hookimpl
def register_audiences() -> list[Audience]:
    return [FLAG]
