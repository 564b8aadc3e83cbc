"""Notifications: sent only to members who may see what they are about, and shown only while they still may.

What a notification is about is a thread (and a post in it), seen as its circle is, or a plugin's object seen by
named people (``notify_about`` with its ``Audience``): the list checks either rule in its query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from core import sql
from core.access.audience import Audience
from core.access.scope import Scope, scope_of
from core.accounts.models import User
from core.notifications.models import Notification
from core.notifications.rows import COLUMNS, TABLES, NotificationItem
from core.pagination import Page, paginate_sql
from core.pluginhost import running
from core.threads.models import Thread


def _others(users: Iterable[User], actor: User) -> list[User]:
    return [user for user in {user.id: user for user in users}.values() if user.id != actor.id and not user.suspended]


async def notify(kind: str, users: Iterable[User], actor: User, thread: Thread, post_id: int | None = None) -> int:
    """Tell ``users`` about ``thread``: those who may see it, other than ``actor``; the number told."""
    told = 0
    for user in _others(users, actor):
        if not (await scope_of(user)).sees_circle(thread.circle):
            continue  # a mention does not open a private circle
        await Notification.create(user=user, kind=kind, actor=actor, thread=thread, post_id=post_id)
        told += 1
    return told


async def notify_about(
    kind: str, users: Iterable[User], actor: User, audience: Audience, subject: Any, title: str, url: str
) -> int:
    """Tell ``users`` about ``subject``, an object of ``audience`` (with an ``id``): those the audience lets see it,
    other than ``actor``; the number told. The list shows ``title`` and links to ``url``."""
    told = 0
    for user in _others(users, actor):
        if not audience.allows(await scope_of(user), subject):
            continue
        await Notification.create(
            user=user, kind=kind, actor=actor, subject=audience.name, subject_id=subject.id, title=title, url=url
        )
        told += 1
    return told


def _visible(scope: Scope) -> tuple[str, list[Any]]:
    """The notifications (``n``, joined as in ``rows.TABLES``) about what the viewer may see now: leaving a circle
    hides its own, and a subject's notifications follow its audience."""
    circles, params = scope.circles_sql("c")
    conditions = [f"(n.thread_id IS NOT NULL AND t.deleted_at IS NULL AND {circles})"]
    host = running.active()
    for audience in host.audiences.values() if host else ():
        allowed, allowed_params = audience.sql(scope, "o")
        conditions.append(
            f"(n.subject = ? AND EXISTS (SELECT 1 FROM {audience.table} o WHERE o.id = n.subject_id AND {allowed}))"
        )
        params += [audience.name, *allowed_params]
    return f"({' OR '.join(conditions)})", params


async def notifications(viewer: User, cursor: str | None, limit: int) -> Page[NotificationItem]:
    """The viewer's notifications, newest first, about what they may see now."""
    visible, params = _visible(await scope_of(viewer))
    return await paginate_sql(
        f"{COLUMNS} FROM {TABLES}", f"n.user_id = ? AND {visible}", [viewer.id, *params], [("n.id", "-id")], cursor,
        limit, NotificationItem.of,
    )  # fmt: skip


ANY_UNREAD_SQL = "SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT 1"


async def unread_count(viewer: User) -> int:
    """Unread notifications about what the viewer may see now (every page shows it: one indexed query when there
    is none, the usual case)."""
    if not await sql.fetch_one(ANY_UNREAD_SQL, viewer.id):
        return 0
    visible, params = _visible(await scope_of(viewer))
    row = await sql.fetch_one(
        f"SELECT COUNT(*) AS unread FROM {TABLES} WHERE n.user_id = ? AND n.read_at IS NULL AND {visible}",
        viewer.id, *params,
    )  # fmt: skip
    return int(row["unread"]) if row else 0


async def mark_all_read(viewer: User) -> None:
    await Notification.filter(user=viewer, read_at__isnull=True).update(read_at=datetime.now(UTC))
