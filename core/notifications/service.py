"""Notifications: sent only to members who may see what they are about, and shown only while they still may.

What a notification is about is a thread (and a post in it), seen as its circle is, or a plugin's object seen by
named people (``notify_about`` with its ``Audience``): the list checks either rule in its query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core import remembered, sql
from core.access.audience import Audience
from core.access.scope import Scope, scope_of
from core.accounts.models import User
from core.contract.kinds import NotificationChannel
from core.errors import Message, ValidationError
from core.jobs.queue import enqueue_job
from core.mail.outbox import mail_enabled
from core.markdown import plain_text_excerpt
from core.notifications.models import Channel, Notification, NotificationReach, NotificationSetting, ReachFailure
from core.notifications.rows import COLUMNS, TABLES, NotificationItem
from core.pagination import Page, paginate_sql
from core.pluginhost import running
from core.site.models import Setting
from core.site.service import SITE_DEFAULTS
from core.threads.models import Post, Thread
from core.times import site_timezone

MAIL = "mail.notification"  # the job that mails one notification, if its member may still see what it is about
REACH = "notification.reach"  # the job that carries one by a channel outside the site (a text message...)
REACH_ATTEMPTS = 6
SWITCH_OFF = 3  # notifications in a row a channel failed to carry to a member that switch it off for them
DIGEST = "mail.digest"  # the job that mails a member's daily digest
DIGEST_HOUR = 8
DIGEST_ITEMS = 50
MAILED = (Channel.EMAIL, Channel.DIGEST)
EXCERPT = 600


def _emails(kind: str) -> bool:
    """Whether ``kind`` is one members may be mailed."""
    host = running.active()
    declared = host.notification_kinds.get(kind) if host else None
    return declared is not None and declared.email


def _channel(kind: str, chosen: str | None) -> Channel:
    """How a member hears of ``kind``: their choice, else the kind's default; never by mail when it mails none."""
    emails = _emails(kind)
    channel = Channel(chosen or (Channel.EMAIL if emails else Channel.APP))
    return Channel.APP if channel in MAILED and not emails else channel


async def _channels(users: list[User], kind: str) -> dict[int, Channel]:
    """How each of ``users`` hears of ``kind``."""
    chosen = dict(
        await NotificationSetting.filter(user_id__in=[user.id for user in users], kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {user.id: _channel(kind, chosen.get(user.id)) for user in users}


async def next_digest_time() -> datetime:
    """When the next daily digest goes: the next DIGEST_HOUR o'clock in the site's time zone."""
    stored = await Setting.get_or_none(key="timezone")
    zone = site_timezone(stored.value if stored else SITE_DEFAULTS["timezone"])
    local = datetime.now(UTC).astimezone(zone)
    at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return (at if at > local else at + timedelta(days=1)).astimezone(UTC)


async def _send(notification: Notification, channel: Channel) -> None:
    if channel not in MAILED or not mail_enabled():
        return
    if channel == Channel.EMAIL:
        await enqueue_job(MAIL, {"notification_id": notification.id})
    else:  # one digest a day for the member: enqueued once, however many notifications wait for it
        await enqueue_job(
            DIGEST, {"user_id": notification.user_id}, at=await next_digest_time(), key=f"digest:{notification.user_id}"
        )


async def _reaches(users: list[User], kind: str) -> dict[int, list[str]]:
    """The channels outside the site each member chose for ``kind`` (most choose none: one query)."""
    chosen: dict[int, list[str]] = {}
    rows = await NotificationReach.filter(user_id__in=[user.id for user in users], kind=kind)
    for row in rows:
        chosen.setdefault(row.user_id, []).append(row.channel)
    return chosen


async def _reach(notification: Notification, channels: list[str]) -> None:
    for channel in channels:
        await enqueue_job(REACH, {"notification_id": notification.id, "channel": channel})


def _others(users: Iterable[User], actor: User | None) -> list[User]:
    actor_id = actor.id if actor is not None else None
    return [user for user in {user.id: user for user in users}.values() if user.id != actor_id and not user.suspended]


async def notify(
    kind: str, users: Iterable[User], actor: User | None, thread: Thread, post_id: int | None = None
) -> int:
    """Tell ``users`` about ``thread``: those who may see it, other than ``actor`` (None: the site itself, a
    reminder); the number told."""
    told = 0
    others = _others(users, actor)
    channels, reaches = await _channels(others, kind), await _reaches(others, kind)
    for user in others:
        if channels[user.id] == Channel.OFF or not (await scope_of(user)).sees_circle(thread.circle):
            continue  # a mention does not open a private circle
        notification = await Notification.create(user=user, kind=kind, actor=actor, thread=thread, post_id=post_id)
        await _send(notification, channels[user.id])
        await _reach(notification, reaches.get(user.id, []))
        told += 1
    return told


async def notify_gathered(kind: str, user: User, actor: User, post: Post, most: int) -> None:
    """Tell ``user`` that ``actor`` did ``kind`` to their ``post`` (liked it), gathered into the unread notification
    of that kind about that post if there is one: its actor becomes ``actor`` and its count grows by one, to at most
    ``most`` (the acts standing: "12 people liked your post")."""
    async with in_transaction():
        waiting = await Notification.select_for_update().get_or_none(
            user_id=user.id, kind=kind, post_id=post.id, read_at__isnull=True
        )
        if waiting is not None:
            await Notification.filter(id=waiting.id).update(actor_id=actor.id, count=min(waiting.count + 1, most))
            return
    await notify(kind, [user], actor, post.thread, post.id)


async def notify_about(
    kind: str, users: Iterable[User], actor: User | None, audience: Audience, subject: Any, title: str, url: str
) -> int:
    """Tell ``users`` about ``subject``, an object of ``audience`` (with an ``id``): those the audience lets see it,
    other than ``actor`` (None: the site itself, as a deadline's reminder, or a guest); the number told. The list
    shows ``title`` and links to ``url``."""
    told = 0
    others = _others(users, actor)
    channels, reaches = await _channels(others, kind), await _reaches(others, kind)
    for user in others:
        if channels[user.id] == Channel.OFF or not audience.allows(await scope_of(user), subject):
            continue
        notification = await Notification.create(
            user=user, kind=kind, actor=actor, subject=audience.name, subject_id=subject.id, title=title, url=url
        )
        await _send(notification, channels[user.id])
        await _reach(notification, reaches.get(user.id, []))
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
        f"{COLUMNS} FROM {TABLES}",
        f"n.user_id = ? AND {visible}",
        [viewer.id, *params],
        [("n.id", "-id")],
        cursor,
        limit,
        NotificationItem.of,
    )


ANY_UNREAD_SQL = "SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT 1"


async def unread_count(viewer: User) -> int:
    """Unread notifications about what the viewer may see now (every page shows it: one indexed query when there
    is none, the usual case; remembered until the database changes)."""
    return await remembered.recall("unread notifications", viewer.id, lambda: _unread_count(viewer))


async def _unread_count(viewer: User) -> int:
    if not await sql.fetch_one(ANY_UNREAD_SQL, viewer.id):
        return 0
    visible, params = _visible(await scope_of(viewer))
    row = await sql.fetch_one(
        f"SELECT COUNT(*) AS unread FROM {TABLES} WHERE n.user_id = ? AND n.read_at IS NULL AND {visible}",
        viewer.id,
        *params,
    )
    return int(row["unread"]) if row else 0


async def mark_all_read(viewer: User) -> None:
    await Notification.filter(user=viewer, read_at__isnull=True).update(read_at=datetime.now(UTC))


async def to_mail(notification_id: int) -> tuple[User, NotificationItem, str] | None:
    """The member, notification and post excerpt to mail, if the notification is still unread and its member may
    still see what it is about (they may have left the circle, or the post may be gone, since it was sent)."""
    notification = await Notification.get_or_none(id=notification_id)
    if notification is None or notification.read_at is not None:
        return None
    user = await User.get(id=notification.user_id)
    if user.suspended:
        return None
    visible, params = _visible(await scope_of(user))
    row = await sql.fetch_one(f"SELECT {COLUMNS} FROM {TABLES} WHERE n.id = ? AND {visible}", notification_id, *params)
    if row is None:
        return None
    excerpt = ""
    if notification.post_id is not None:
        post = await Post.get_or_none(id=notification.post_id, deleted_at__isnull=True)
        if post is None:
            return None
        excerpt = plain_text_excerpt(post.html, EXCERPT)
    host = running.active()
    kind = host.notification_kinds.get(notification.kind) if host else None
    if kind is not None and kind.excerpt is not None and notification.subject_id is not None:
        excerpt = await kind.excerpt(notification.subject_id)
    return user, NotificationItem.of(row), excerpt


async def choices(user: User) -> dict[str, Channel]:
    """The member's channel for every kind of notification."""
    host = running.active()
    chosen = dict(await NotificationSetting.filter(user_id=user.id).values_list("kind", "channel"))
    return {kind: _channel(kind, chosen.get(kind)) for kind in (host.notification_kinds if host else ())}


async def set_choices(user: User, changes: dict[str, str]) -> None:
    """Set how the member hears of each kind named (``email``, ``app`` or ``off``)."""
    host = running.active()
    known = host.notification_kinds if host else {}
    errors: dict[str, str] = {}
    for kind, channel in changes.items():
        if kind not in known:
            errors[kind] = Message("No such kind of notification.")
        elif channel not in {choice.value for choice in Channel} or (channel in MAILED and not _emails(kind)):
            errors[kind] = Message("Choose one of the options offered.")
    if errors:
        raise ValidationError(errors)
    for kind, channel in changes.items():
        await NotificationSetting.update_or_create(defaults={"channel": Channel(channel)}, user_id=user.id, kind=kind)


async def reaches(user: User) -> set[tuple[str, str]]:
    """The (kind, channel) pairs the member chose: kinds of notification they also hear of outside the site."""
    return {(row.kind, row.channel) for row in await NotificationReach.filter(user_id=user.id)}


async def channels_for(user: User) -> list[tuple[NotificationChannel, bool]]:
    """The channels outside the site this site offers, each with whether it reaches ``user`` now (a text message
    needs a bound number)."""
    host = running.active()
    if host is None:
        return []
    offered = [channel for channel in host.notification_channels.values() if channel.available(host.config)]
    return [(channel, await channel.reachable(user)) for channel in offered]


async def set_reaches(user: User, chosen: set[tuple[str, str]]) -> None:
    """Replace the member's choices of channels outside the site: each for an urgent kind, by a channel offered."""
    host = running.active()
    kinds = host.notification_kinds if host else {}
    channels = host.notification_channels if host else {}
    wrong = [
        kind for kind, channel in chosen if not getattr(kinds.get(kind), "urgent", False) or channel not in channels
    ]
    if wrong:
        raise ValidationError({wrong[0]: Message("Choose one of the options offered.")})
    await NotificationReach.filter(user_id=user.id).delete()
    for kind, channel in sorted(chosen):
        await NotificationReach.create(user_id=user.id, kind=kind, channel=channel)


async def reach_failed(user: User, channel: str, reason: str) -> bool:
    """Count a notification ``channel`` failed to carry to ``user``: at ``SWITCH_OFF`` in a row, their choices of it
    are dropped, and True says so (the caller tells them)."""
    async with in_transaction():
        row, _ = await ReachFailure.get_or_create(user_id=user.id, channel=channel)
        await ReachFailure.filter(id=row.id).update(failures=F("failures") + 1, last_error=reason[:200])
        if (await ReachFailure.get(id=row.id)).failures < SWITCH_OFF:
            return False
        await NotificationReach.filter(user_id=user.id, channel=channel).delete()
        await ReachFailure.filter(id=row.id).delete()
    return True


async def reach_arrived(user: User, channel: str) -> None:
    """``channel`` carried a notification to ``user``: its failures before are forgotten."""
    await ReachFailure.filter(user_id=user.id, channel=channel).delete()


async def digest_of(user_id: int) -> tuple[User, list[NotificationItem]] | None:
    """A member's daily digest: their unread notifications of the kinds they chose a digest for, from the last day,
    about what they may see now; None when there is nothing to send."""
    user = await User.get_or_none(id=user_id)
    if user is None or user.suspended:
        return None
    kinds = [kind for kind, channel in (await choices(user)).items() if channel == Channel.DIGEST]
    since = datetime.now(UTC) - timedelta(days=1)
    page = await notifications(user, None, DIGEST_ITEMS)
    items = [item for item in page.items if item.read_at is None and item.kind in kinds and item.created_at >= since]
    return (user, items) if items else None
