"""Moderation's rules: flags (once per member and post; at the site's threshold the post is hidden until reviewed,
exactly once however many flags arrive together), the review queue and its decisions, bans from a circle,
silencing, and the log every action writes. A circle's moderators act in their circle; silencing and suspending are
the site staff's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import sql
from core.access.audience import Audience
from core.access.circles import CircleAccess, circle_access
from core.access.scope import require_actor, require_writer, scope_of
from core.access.site import may_silence, site_staff
from core.accounts.models import User
from core.accounts.service import set_suspended
from core.circles.models import Circle
from core.circles.service import access_by_slug, circle_staff, dismiss
from core.db import transaction
from core.errors import Conflict, Forbidden, Message, NotFound, ValidationError
from core.moderation.models import (
    CircleBan,
    Flag,
    FlagReason,
    LogEntry,
    Review,
    ReviewStatus,
    WatchedWord,
    WordAction,
)
from core.notifications.service import notify, notify_about
from core.threads.models import Post, Thread
from core.threads.service import get_post, set_hidden
from core.times import now

NOTE_MAX, REASON_MAX, DAYS_MAX = 500, 500, 3650
FLAG_KEPT, FLAG_UPHELD = "moderation.flag_kept", "moderation.flag_upheld"  # notification kinds, to the flaggers
FLAGGED = "moderation.flagged"  # to the circle's owners and moderators, at a post's first flag
FLAG = Audience("core.flag", "flags", user=("user_id",))  # each flagger sees their own flag (and what came of it)


class Decision:
    KEEP, HIDE, DELETE, SILENCE, SUSPEND, REMOVE = "keep", "hide", "delete", "silence", "suspend", "remove"
    ALL = (KEEP, HIDE, DELETE, SILENCE, SUSPEND, REMOVE)
    SITE_STAFF = (SILENCE, SUSPEND)  # site-wide: the site's moderators and administrators only


async def log(
    circle_id: int | None,
    actor: User | None,
    action: str,
    member_id: int | None = None,
    post_id: int | None = None,
    reason: str = "",
) -> None:
    await LogEntry.create(
        circle_id=circle_id,
        actor=actor,
        action=action,
        member_id=member_id,
        post_id=post_id,
        reason=reason[:REASON_MAX],
    )


def _days(days: int | None, field: str = "days") -> datetime | None:
    """The end of a penalty ``days`` from now; None for none (until lifted)."""
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= DAYS_MAX:
        raise ValidationError({field: Message("1 to %(n)s days.", n=DAYS_MAX)})
    return now() + timedelta(days=days)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not 1 <= len(reason) <= REASON_MAX:
        raise ValidationError(
            {"reason": Message("Say why (at most %(n)s characters): the member is shown it.", n=REASON_MAX)}
        )
    return reason


# Flags --------------------------------------------------------------------------------------------------------


async def _review_of(post: Post, circle_id: int) -> Review:
    found = await Review.get_or_none(post_id=post.id)
    while found is None:
        try:
            async with transaction():  # a savepoint: a parallel flag may make it first
                found = await Review.create(post=post, circle_id=circle_id)
        except IntegrityError:
            found = await Review.get_or_none(post_id=post.id)
    return found


async def flag(viewer: User | None, post_id: int, reason: str, note: str, *, threshold: int) -> Review:
    """The viewer flags a post they can read (not their own), once; at ``threshold`` flags from distinct members
    of its circle the post is hidden until a moderator reviews it. Anyone else's flag reaches the queue and hides
    nothing (three new accounts cannot hide a circle's posts)."""
    user = require_writer(viewer)
    post, view = await get_post(user, post_id)
    if post.deleted_at is not None or view.thread.deleted_at is not None:
        raise NotFound(Message("No such post."))
    if post.author_id == user.id:
        raise Forbidden(Message("You cannot flag your own post."))
    if reason not in set(FlagReason):
        raise ValidationError({"reason": Message("One of: ") + ", ".join(FlagReason) + "."})
    note = note.strip()
    if len(note) > NOTE_MAX or (reason == FlagReason.OTHER and not note):
        raise ValidationError({"note": Message("Say what is wrong (at most %(n)s characters).", n=NOTE_MAX)})
    review = await _review_of(post, view.thread.circle_id)
    first = not await Flag.exists(post_id=post.id)
    try:
        async with transaction():
            await Flag.create(post=post, user=user, reason=reason, note=note)
            if view.access.is_member:
                await Review.filter(id=review.id).update(flags=F("flags") + 1)
    except IntegrityError:
        raise Conflict(Message("You flagged this post already."), code="flagged") from None
    if first:  # the circle's staff hear of a flagged post once, whoever flags it next
        await notify(FLAGGED, await circle_staff(view.access.circle), user, view.thread, post.id)
    hides = Review.filter(id=review.id, status=ReviewStatus.PENDING, hidden_at__isnull=True, flags__gte=threshold)
    if await hides.update(hidden_at=now()):  # one request wins, however many flags arrive together
        await set_hidden(post, True)
        await log(view.thread.circle_id, None, "hidden_by_flags", post.author_id, post.id, f"{threshold} flags")
    return await Review.get(id=review.id)


# The queue ----------------------------------------------------------------------------------------------------


@dataclass
class QueueItem:
    review: Review
    post: Post
    thread: Thread
    circle: Circle
    flags: list[Flag]


async def _moderated(viewer: User | None, slug: str | None) -> list[int] | None:
    """The circles whose queue the viewer reads: one they moderate (``slug``), or every one they moderate (the
    site's queue); None for every circle (the site staff)."""
    user = require_actor(viewer)
    if slug is not None:
        access = await access_by_slug(user, slug)
        if not access.can_moderate:
            raise NotFound(Message("No such circle."))
        return [access.circle.id]
    scope = await scope_of(user)
    if scope.moderates_all:
        return None
    if not scope.staff_of:
        raise NotFound(Message("Nothing to review here."))
    return sorted(scope.staff_of)


async def queue(viewer: User | None, slug: str | None = None, status: str = ReviewStatus.PENDING) -> list[QueueItem]:
    """The posts waiting for a decision (``status``), the most flagged first, each with its flags."""
    circle_ids = await _moderated(viewer, slug)
    if status not in set(ReviewStatus):
        raise ValidationError({"status": Message("One of: ") + ", ".join(ReviewStatus) + "."})
    where, params = "r.status = ?", [ReviewStatus(status).value, *(circle_ids or [])]
    if circle_ids is not None:
        where = f"{where} AND r.circle_id IN ({sql.placeholders(len(circle_ids))})"
    items = []
    for row in await sql.fetch(f"{_queue_sql()} WHERE {where} ORDER BY r.flags DESC, r.id LIMIT 100", *params):
        review, post = sql.instance(Review, row, "r"), sql.instance(Post, row, "p")
        post.author, post.thread = sql.instance(User, row, "u"), sql.instance(Thread, row, "t")
        review.post, review.circle = post, sql.instance(Circle, row, "c")
        items.append(QueueItem(review, post, post.thread, review.circle, []))
    if items:
        ids = [item.post.id for item in items]
        flags = await sql.fetch(
            f"SELECT {sql.columns(Flag, 'f')}, {sql.columns(User, 'u')} FROM flags f JOIN users u ON u.id = f.user_id "
            f"WHERE f.post_id IN ({sql.placeholders(len(ids))}) ORDER BY f.id",
            *ids,
        )
        by_post = {item.post.id: item.flags for item in items}
        for row in flags:
            flag = sql.instance(Flag, row, "f")
            flag.user = sql.instance(User, row, "u")
            by_post[flag.post_id].append(flag)
    return items


@cache
def _queue_sql() -> str:
    """The reviews with their posts, the posts' authors and threads, and their circles (plain SQL: the ORM's query
    with four joined models cost a moderator's queue page a millisecond before it read a row)."""
    return (
        f"SELECT {sql.columns(Review, 'r')}, {sql.columns(Post, 'p')}, {sql.columns(User, 'u')}, "
        f"{sql.columns(Thread, 't')}, {sql.columns(Circle, 'c')} FROM reviews r JOIN posts p ON p.id = r.post_id "
        "JOIN users u ON u.id = p.author_id JOIN threads t ON t.id = p.thread_id JOIN circles c ON c.id = r.circle_id"
    )


async def _review_for(viewer: User | None, review_id: int) -> tuple[User, Review, CircleAccess]:
    user = require_actor(viewer)
    review = await Review.get_or_none(id=review_id).select_related("post", "circle")
    if review is None:
        raise NotFound(Message("No such review."))
    access = await access_by_slug(user, review.circle.slug)
    if not access.can_moderate:
        raise NotFound(Message("No such review."))
    return user, review, access


async def decide(
    viewer: User | None, review_id: int, decision: str, reason: str = "", days: int | None = None
) -> Review:
    """A moderator's decision on a flagged post: keep it (shown again), hide or delete it, or act on its author —
    silence them for ``days`` or suspend them (the site staff), or remove them from the circle (banned for ``days``).
    The flaggers are told whether the post stays."""
    user, review, access = await _review_for(viewer, review_id)
    if decision not in Decision.ALL:
        raise ValidationError({"decision": Message("One of: ") + ", ".join(Decision.ALL) + "."})
    if decision in Decision.SITE_STAFF and not site_staff(user):
        raise Forbidden(Message("Only the site's moderators silence or suspend members."))
    post = review.post
    author = await User.get(id=post.author_id)
    circle_id = review.circle_id
    if decision == Decision.KEEP:
        await set_hidden(post, False)
        status = ReviewStatus.KEPT
    elif decision == Decision.DELETE:
        await set_hidden(post, True)
        status = ReviewStatus.DELETED
    else:  # hide, and whatever is done to its author
        await set_hidden(post, True)
        status = ReviewStatus.HIDDEN
        if decision == Decision.SILENCE:
            await silence(user, author, days or 7, reason or _default_reason(review))
        elif decision == Decision.SUSPEND:
            await set_suspended(user, author, True)
            await log(None, user, "suspend", author.id, post.id, reason)
        elif decision == Decision.REMOVE:
            await ban(user, access, author, reason or _default_reason(review), days)
    await Review.filter(id=review.id).update(
        status=status,
        decided_by_id=user.id,
        decided_at=now(),
        hidden_at=None if status == ReviewStatus.KEPT else review.hidden_at,
    )
    await log(circle_id, user, decision, author.id, post.id, reason)
    await _tell_flaggers(review, user, status)
    return await Review.get(id=review.id)


async def review_post(
    viewer: User | None, post_id: int, decision: str, reason: str = "", days: int | None = None
) -> Review:
    """A moderator's decision on a post, flagged or not: as ``decide`` on its review, made for it if it has none."""
    user = require_actor(viewer)
    review = await Review.get_or_none(post_id=post_id)
    if review is None:
        post, view = await get_post(user, post_id)
        if not view.can_moderate:
            raise NotFound(Message("No such post."))
        review = await _review_of(post, view.thread.circle_id)
    return await decide(user, review.id, decision, reason, days)


def _default_reason(review: Review) -> str:
    return f"post {review.post_id}"


async def _tell_flaggers(review: Review, moderator: User, status: ReviewStatus) -> None:
    thread = await Thread.get(id=review.post.thread_id)
    kind = FLAG_KEPT if status == ReviewStatus.KEPT else FLAG_UPHELD
    for row in await Flag.filter(post_id=review.post_id).select_related("user"):
        await notify_about(kind, [row.user], moderator, FLAG, row, thread.title, f"/t/{thread.id}")


# Penalties ----------------------------------------------------------------------------------------------------


async def silence(actor: User, member: User, days: int | None, reason: str) -> None:
    """The member reads but writes nothing until the end (site staff; never another staff member)."""
    if not may_silence(actor, member):
        raise Forbidden(Message("You may not silence this member."))
    until = _days(days) or now() + timedelta(days=DAYS_MAX)
    reason = _reason(reason)
    await User.filter(id=member.id).update(silenced_until=until, silence_reason=reason)
    await log(None, actor, "silence", member.id, reason=f"{reason} (until {until.date().isoformat()})")


async def unsilence(actor: User, member: User) -> None:
    if not site_staff(actor):
        raise Forbidden(Message("You may not silence this member."))
    await User.filter(id=member.id).update(silenced_until=None, silence_reason="")
    await log(None, actor, "unsilence", member.id)


async def ban(actor: User, access: CircleAccess, member: User, reason: str, days: int | None) -> CircleBan:
    """Remove ``member`` from the circle and keep them out (no joining, no asking) until the end or until lifted.
    The circle's moderators; never one of its owners or moderators."""
    if not access.can_moderate:
        raise Forbidden(Message("Only the circle's moderators ban members."))
    if (await circle_access(member, access.circle)).can_moderate:
        raise Forbidden(Message("The circle's owners and moderators cannot be banned from it."))
    until, reason = _days(days), _reason(reason)
    async with transaction():
        updated = await CircleBan.filter(circle_id=access.circle.id, user_id=member.id).update(
            reason=reason, until=until
        )
        if not updated:
            await CircleBan.create(circle_id=access.circle.id, user=member, reason=reason, until=until)
    await dismiss(access.circle, member)
    await log(access.circle.id, actor, "ban", member.id, reason=reason)
    return await CircleBan.get(circle_id=access.circle.id, user_id=member.id)


async def lift_ban(actor: User, access: CircleAccess, member: User) -> None:
    if not access.can_moderate:
        raise Forbidden(Message("Only the circle's moderators ban members."))
    if await CircleBan.filter(circle_id=access.circle.id, user_id=member.id).delete():
        await log(access.circle.id, actor, "unban", member.id)


# The log ------------------------------------------------------------------------------------------------------


async def entries(viewer: User | None, slug: str | None = None, limit: int = 200) -> list[LogEntry]:
    """The moderation log: a circle's (its moderators), or the site's whole (its staff), newest first."""
    user = require_actor(viewer)
    query = LogEntry.all()
    if slug is not None:
        access = await access_by_slug(user, slug)
        if not access.can_moderate:
            raise NotFound(Message("No such circle."))
        query = query.filter(circle_id=access.circle.id)
    elif not site_staff(user):
        raise NotFound(Message("Nothing to see here."))
    return list(await query.select_related("actor", "member", "circle").order_by("-id").limit(limit))


# Watched words ------------------------------------------------------------------------------------------------


async def _words_scope(viewer: User | None, slug: str | None) -> tuple[User, int | None]:
    """Who manages the words: the site's staff the site's (``slug`` None), a circle's moderators the circle's."""
    user = require_actor(viewer)
    if slug is None:
        if not site_staff(user):
            raise NotFound(Message("Nothing to see here."))
        return user, None
    access = await access_by_slug(user, slug)
    if not access.can_moderate:
        raise NotFound(Message("No such circle."))
    return user, access.circle.id


async def watched_words(viewer: User | None, slug: str | None) -> list[WatchedWord]:
    _, circle_id = await _words_scope(viewer, slug)
    return list(await WatchedWord.filter(circle_id=circle_id).order_by("word"))


async def watch_word(
    viewer: User | None, slug: str | None, word: str, action: str, replacement: str = ""
) -> WatchedWord:
    user, circle_id = await _words_scope(viewer, slug)
    word, replacement = word.strip(), replacement.strip()
    if not 1 <= len(word) <= 100:
        raise ValidationError({"word": Message("A word has 1 to %(n)s characters.", n=100)})
    if action not in set(WordAction):
        raise ValidationError({"action": Message("One of: ") + ", ".join(WordAction) + "."})
    if len(replacement) > 100 or (action == WordAction.REPLACE and not replacement):
        raise ValidationError({"replacement": Message("Give what replaces it (at most %(n)s characters).", n=100)})
    await WatchedWord.filter(circle_id=circle_id, word=word).delete()
    found = await WatchedWord.create(circle_id=circle_id, word=word, action=action, replacement=replacement)
    await log(circle_id, user, "watch_word", reason=f"{word}: {action}")
    return found


async def unwatch_word(viewer: User | None, slug: str | None, word_id: int) -> None:
    user, circle_id = await _words_scope(viewer, slug)
    found = await WatchedWord.get_or_none(id=word_id, circle_id=circle_id)
    if found is None:
        raise NotFound(Message("No such word."))
    await found.delete()
    await log(circle_id, user, "unwatch_word", reason=found.word)
