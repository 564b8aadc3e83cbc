"""A circle's chat, registered through the plugin hooks like any plugin: its API and page, the kind of
notification a mention in it sends, and the live hub's feed of its lines (heard, on PostgreSQL, through the worker's
listening connection)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from core.accounts.models import User
from core.chat import api, routes, service
from core.circles.models import Circle
from core.contract import hookimpl
from core.contract.kinds import NotificationKind
from core.errors import Message
from core.live.hub import PG_CHANNEL, hub
from core.live.postgres import Hearing
from core.web.jsonapi import ApiRouter
from core.web.site import Site

MENTION = NotificationKind(
    service.MENTION,
    Message("%(actor)s mentioned you in the chat of “%(title)s”"),
    email=True,
    label=Message("Mentions of you in a circle's chat"),
)


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [MENTION]


async def _feed(key: str, ids: Sequence[int]) -> list[tuple[int, str]]:
    return await service.as_json(int(key), ids=ids)


@hookimpl
async def member_left(circle: Circle, user: User) -> None:
    await service.reader_left(circle)


@hookimpl
async def startup(app: Starlette) -> None:
    site: Site = app.state.site
    live = hub()
    live.feed("chat", _feed)
    live.postgres = not site.config.is_sqlite
    if live.postgres:  # announced by NOTIFY, heard by the worker's listener; a break may have lost some
        app.state.listener.on(PG_CHANNEL, Hearing(live.heard, back=live.resync))
