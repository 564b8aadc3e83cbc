"""Notifications: sent only to members who may see what they are about, and shown only while they still may."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from core import sql
from core.accounts.models import User
from core.notifications.models import Notification
from core.pagination import Page, paginate
from core.permissions import circle_access, visible_circles
from core.threads.models import Thread


async def notify(kind: str, users: Iterable[User], actor: User, thread: Thread, post_id: int | None = None) -> int:
    """Tell ``users`` about ``thread``: those who may see it, other than ``actor``; the number told."""
    told = 0
    for user in {user.id: user for user in users}.values():
        if user.id == actor.id or user.suspended:
            continue
        if not (await circle_access(user, thread.circle)).can_view:
            continue  # a mention does not open a private circle
        await Notification.create(user=user, kind=kind, actor=actor, thread=thread, post_id=post_id)
        told += 1
    return told


async def _visible(viewer: User):  # type: ignore[no-untyped-def]
    return Notification.filter(
        await visible_circles(viewer, "thread__circle__"), user=viewer, thread__deleted_at__isnull=True
    )


async def notifications(viewer: User, cursor: str | None, limit: int) -> Page[Notification]:
    """The viewer's notifications, newest first, about what they may see now (leaving a circle hides its own)."""
    query = (await _visible(viewer)).select_related("actor", "thread")
    return await paginate(query, ["-id"], cursor, limit)


ANY_UNREAD_SQL = "SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT 1"


async def unread_count(viewer: User) -> int:
    """Unread notifications about what the viewer may see now (every page shows it: one indexed query when there
    is none, the usual case)."""
    if not await sql.fetch_one(ANY_UNREAD_SQL, viewer.id):
        return 0
    return await (await _visible(viewer)).filter(read_at__isnull=True).count()


async def mark_all_read(viewer: User) -> None:
    await Notification.filter(user=viewer, read_at__isnull=True).update(read_at=datetime.now(UTC))
