"""A circle's chat: the only code that reads or writes its lines. It is read as the circle's threads are (a private
circle's chat by its members alone) and written by its members (``CircleAccess.check_chat``: the banned, the
silenced and non-members refused, in one place), newcomers within their limits as in threads. A line keeps its
Markdown, rendered and sanitised as posts are, with its mentions notified and its pictures seen by whoever reads
the chat. Lines are never searched, in feeds or in others' exports."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from core import remembered, sql
from core.access.circles import CircleAccess, circle_access
from core.access.scope import require_actor
from core.accounts.models import User
from core.accounts.serialize import user_ref
from core.chat import rows
from core.chat.models import ChatLine
from core.chat.rows import LineItem
from core.circles.models import Circle
from core.circles.service import access_by_slug
from core.db import transaction
from core.errors import Forbidden, Message, NotFound, ValidationError
from core.live.hub import announce
from core.markdown import mentioned_names, plain_text_excerpt
from core.moderation import limits, words
from core.notifications.audiences import CIRCLE_MEMBERS
from core.notifications.service import notify_about
from core.threads.service import check_body, render_body
from core.times import now
from core.uploads.service import add_uses

LINES = 50  # the lines a chat's page and a first read show: the latest
LINE_MAX = 2000
MENTION = "chat_mention"


def channel(circle_id: int) -> str:
    """The circle's channel in the live hub."""
    return f"chat:{circle_id}"


async def room(viewer: User | None, slug: str) -> CircleAccess:
    """The circle whose chat ``viewer`` reads: NotFound when they may not read its threads."""
    return await access_by_slug(viewer, slug)


async def still_reads(viewer: User | None, circle_id: int) -> bool:
    """Whether ``viewer`` may still read the circle's chat, asked afresh (a stream asks while it lasts: they may
    have left a private circle, been removed, banned or suspended since): read again after every change to the
    database, and once a minute (a suspension that ends); the thousand guests that a line wakes at once share one
    read (core/remembered.py)."""

    async def read() -> bool:
        fresh = await User.get_or_none(id=viewer.id) if viewer is not None else None
        if viewer is not None and fresh is None:
            return False
        circle = await Circle.get_or_none(id=circle_id)
        return circle is not None and (await circle_access(fresh, circle)).can_view

    minute = int(time.time() // 60)
    return await remembered.recall("reads chat", (viewer.id if viewer else None, circle_id, minute), read)


async def reader_left(circle: Circle) -> None:
    """Someone left the circle or was removed from it: its streams ask again who may read."""
    await announce(channel(circle.id), "recheck", [])


def line_json(line: LineItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": line.id,
        "author": user_ref(line.author) if line.author else None,
        "body": line.body,
        "html": line.html,
        "created_at": line.created_at.isoformat(),
        "reply_to": None,
    }
    if line.answers is not None:
        data["reply_to"] = {
            "id": line.answers.id,
            "author": user_ref(line.answers.author) if line.answers.author else None,
            "excerpt": plain_text_excerpt(line.answers.html, 80),
        }
    return data


async def one_json(line: ChatLine) -> dict[str, Any]:
    """A line as the API shows it, with the line it answers."""
    (found,) = await rows.read(line.circle_id, "AND l.id = ?", line.id)
    return line_json(found)


async def lines(access: CircleAccess, after: int | None, limit: int = LINES) -> Sequence[LineItem]:
    """The chat's lines after the line ``after``, oldest first; without ``after``, the latest ``limit``."""
    if after is not None:
        return await rows.read(access.circle.id, "AND l.id > ?", after, limit=limit)
    return tuple(reversed(await rows.read(access.circle.id, order="l.id DESC", limit=limit)))


async def line(access: CircleAccess, line_id: int) -> LineItem | None:
    """A line of the circle's chat, if it is still there."""
    found = await rows.read(access.circle.id, "AND l.id = ?", line_id)
    return found[0] if found else None


async def as_json(circle_id: int, ids: Sequence[int] | None = None, after: int | None = None) -> list[tuple[int, str]]:
    """Lines of the circle as the stream sends them, (id, JSON) oldest first: those ``ids``, or those after
    ``after`` (a reconnecting client's last)."""
    if ids is not None:
        wanted = list(ids) or [0]
        found = await rows.read(circle_id, f"AND l.id IN ({sql.placeholders(len(wanted))})", *wanted)
    else:
        found = await rows.read(circle_id, "AND l.id > ?", after or 0)
    return [(line.id, json.dumps(line_json(line), ensure_ascii=False)) for line in found]


async def send(viewer: User | None, slug: str, body: str, reply_to: int | None = None) -> ChatLine:
    """A line in the circle's chat, perhaps answering another of its lines."""
    user = require_actor(viewer)
    access = await room(user, slug)
    access.check_chat()
    body = check_body(body, LINE_MAX)
    checked = await words.check(access.circle.id, body)
    (body,) = checked.texts
    if checked.review:
        raise ValidationError(
            {"body": Message("“%(word)s” needs a moderator's look: write it in a thread instead.", word=checked.review)}
        )
    await limits.check_newcomer(access, body, "chat")
    if reply_to is not None and not await ChatLine.exists(
        id=reply_to, circle_id=access.circle.id, deleted_at__isnull=True
    ):
        raise ValidationError({"reply_to": Message("That line is no longer in this chat.")})
    html, pictures = await render_body(body, user)
    async with transaction() as connection:
        line = await ChatLine.create(circle=access.circle, author=user, body=body, html=html, reply_to_id=reply_to)
        await add_uses("chat", line.id, pictures, circle_id=access.circle.id)
        await announce(channel(access.circle.id), "new", [line.id], connection)
    line.author = user
    await _notify_mentions(access.circle, line, user)
    return line


async def _notify_mentions(circle: Circle, line: ChatLine, author: User) -> None:
    names = mentioned_names(line.body)
    if names:
        mentioned = list(await User.filter(username_key__in=names))
        url = f"/c/{circle.slug}/chat#l{line.id}"
        await notify_about(MENTION, mentioned, author, CIRCLE_MEMBERS, circle, circle.name, url)


async def delete(viewer: User | None, line_id: int) -> ChatLine:
    """Its author deletes a line (while they may act in the circle); the circle's moderators remove any."""
    user = require_actor(viewer)
    line = await ChatLine.get_or_none(id=line_id, deleted_at__isnull=True).select_related("circle")
    if line is None:
        raise NotFound(Message("No such line."))
    access = await circle_access(user, line.circle)
    if not access.can_view:
        raise NotFound(Message("No such line."))
    if not access.may_delete(line.author_id or 0):
        raise Forbidden(Message("Only its author and the circle's moderators delete a line."))
    async with transaction() as connection:
        if await ChatLine.filter(id=line.id, deleted_at__isnull=True).update(deleted_at=now()):
            await announce(channel(line.circle_id), "deleted", [line.id], connection)
    return line
