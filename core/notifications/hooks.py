"""Notifications, registered through the plugin hooks: the core's own kinds, sent after the core's writes."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from core.accounts.models import User
from core.contract import hookimpl
from core.contract.kinds import JobKind, NotificationKind
from core.errors import Message
from core.markdown import mentioned_names
from core.notifications import api, routes
from core.notifications.mail import send_notification
from core.notifications.service import MAIL, notify, unread_count
from core.threads.models import Post, Thread
from core.web.jsonapi import ApiRouter

MENTION = NotificationKind(
    "mention", Message("%(actor)s mentioned you in “%(title)s”"), email=True, label=Message("Mentions of you")
)
REPLY = NotificationKind(
    "reply", Message("%(actor)s replied to “%(title)s”"), email=True, label=Message("Replies to your threads")
)


async def _mentioned(post: Post) -> list[User]:
    names = mentioned_names(post.body)
    return list(await User.filter(username_key__in=names)) if names else []


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [MENTION, REPLY]


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(MAIL, send_notification, attempts=10, lease_seconds=120)]


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
async def page_context(viewer: User | None) -> dict[str, Any]:
    """Every page shows the member's unread count."""
    return {"unread": await unread_count(viewer) if viewer is not None else 0}


@hookimpl
async def thread_created(thread: Thread, post: Post, user: User) -> None:
    await notify(MENTION.name, await _mentioned(post), user, thread, post.id)


@hookimpl
async def post_created(post: Post, thread: Thread, user: User) -> None:
    mentioned = await _mentioned(post)
    await notify(MENTION.name, mentioned, user, thread, post.id)
    if thread.author_id not in {member.id for member in mentioned}:
        await notify(REPLY.name, [await User.get(id=thread.author_id)], user, thread, post.id)
