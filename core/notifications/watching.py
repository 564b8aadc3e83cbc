"""Watching, as Discourse and NodeBB have it: a member may watch a thread (told of every reply) or mute it (told of
nothing but mentions), and watch a circle (told of every new thread). Who is told is still checked against what
they may see, by ``notify``."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from core import sql
from core.accounts.models import User
from core.circles.models import Circle
from core.errors import Message, ValidationError
from core.notifications.models import Watch, WatchLevel
from core.threads.models import Thread

NORMAL = "normal"  # no choice kept: the default
THREAD_LEVELS = (WatchLevel.WATCHING, WatchLevel.MUTED, NORMAL)
CIRCLE_LEVELS = (WatchLevel.WATCHING, NORMAL)


async def level_of(user: User, *, thread: Thread | None = None, circle: Circle | None = None) -> str:
    """The member's choice for ``thread`` or ``circle`` (asked on every thread page: plain SQL, core/sql.py)."""
    column, target = ("thread_id", thread) if thread is not None else ("circle_id", circle)
    assert target is not None
    row = await sql.fetch_one(f"SELECT level FROM watches WHERE user_id = ? AND {column} = ?", user.id, target.id)
    return str(row["level"]) if row else NORMAL


async def set_level(user: User, level: str, *, thread: Thread | None = None, circle: Circle | None = None) -> str:
    """Watch, mute or go back to normal for one thread or circle; the level now."""
    allowed = THREAD_LEVELS if thread is not None else CIRCLE_LEVELS
    if level not in allowed:
        raise ValidationError({"level": Message("One of: ") + ", ".join(allowed) + "."})
    if level == NORMAL:
        await Watch.filter(user_id=user.id, thread=thread, circle=circle).delete()
        return level
    if not await Watch.filter(user_id=user.id, thread=thread, circle=circle).update(level=WatchLevel(level)):
        try:
            await Watch.create(user_id=user.id, thread=thread, circle=circle, level=WatchLevel(level))
        except IntegrityError:  # made meanwhile by a second click
            await Watch.filter(user_id=user.id, thread=thread, circle=circle).update(level=WatchLevel(level))
    return level


async def thread_watchers(thread: Thread) -> tuple[list[User], set[int]]:
    """Those watching ``thread``, and the ids of those who muted it."""
    watches = await Watch.filter(thread_id=thread.id).values_list("user_id", "level")
    muted = {user_id for user_id, level in watches if level == WatchLevel.MUTED}
    watching = [user_id for user_id, level in watches if level == WatchLevel.WATCHING]
    return list(await User.filter(id__in=watching)), muted


async def circle_watchers(circle_id: int) -> list[User]:
    ids = await Watch.filter(circle_id=circle_id, level=WatchLevel.WATCHING).values_list("user_id", flat=True)
    return list(await User.filter(id__in=list(ids)))
