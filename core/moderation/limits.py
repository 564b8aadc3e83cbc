"""Newcomers (Discourse's trust level 0): an account younger than a day, or with fewer than three posts. Until they
are trusted they start at most so many threads and replies an hour, and a post of theirs holds only a few mentions
and links; a public circle may send their posts to its review queue (``Circle.review_newcomers``). The site's staff
are always trusted, and a circle's owners and moderators in their circle (a new club's owner sets it up)."""

from __future__ import annotations

import re
from datetime import timedelta

from core.access.circles import CircleAccess
from core.access.scope import is_public
from core.access.site import site_staff
from core.accounts.models import User
from core.chat.models import ChatLine
from core.errors import Message, TooManyRequests, ValidationError
from core.markdown import mentioned_names
from core.pluginhost.running import writing_on_behalf
from core.threads.models import Post, Thread
from core.times import now

TRUSTED_AFTER, TRUSTED_POSTS = timedelta(days=1), 3
PER_HOUR = {"thread": 3, "post": 10, "chat": 30}
MENTIONS_MAX, LINKS_MAX = 3, 2
LINK = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
_scale = 1.0  # the site's QUANZI_RATE_LIMIT_SCALE (0: no limits, as in tests)


def configure(scale: float) -> None:
    """Scale the limits as the site's rate limits are (``create_app`` calls it)."""
    global _scale
    _scale = scale


def _limit(base: int) -> int:
    return max(1, round(base * _scale))


def is_newcomer(user: User) -> bool:
    return not site_staff(user) and (user.created_at > now() - TRUSTED_AFTER or user.post_count < TRUSTED_POSTS)


def _limited(access: CircleAccess) -> User | None:
    """The writer, when they are a newcomer to hold to the limits: not in their own circle, nor writing through a
    template on an owner's behalf."""
    user = access.viewer
    if user is None or writing_on_behalf() or access.can_moderate or not is_newcomer(user):
        return None
    return user


async def check_newcomer(access: CircleAccess, text: str, kind: str) -> None:
    """Refuse a newcomer's post in the circle of ``access`` over the limits (``kind``: ``thread``, ``post`` or
    ``chat``, a line in a circle's chat); nothing for anyone else."""
    user = _limited(access)
    if not _scale or user is None:
        return
    if len(mentioned_names(text)) > _limit(MENTIONS_MAX):
        raise ValidationError(
            {"body": Message("A new member mentions at most %(n)s people in a post.", n=_limit(MENTIONS_MAX))}
        )
    if len(LINK.findall(text)) > _limit(LINKS_MAX):
        raise ValidationError({"body": Message("A new member's post holds at most %(n)s links.", n=_limit(LINKS_MAX))})
    since = now() - timedelta(hours=1)
    if kind == "thread":
        written = await Thread.filter(author_id=user.id, created_at__gte=since).count()
    elif kind == "chat":
        written = await ChatLine.filter(author_id=user.id, created_at__gte=since).count()
    else:
        written = await Post.filter(author_id=user.id, created_at__gte=since, number__gt=1).count()
    if written >= _limit(PER_HOUR[kind]):
        raise TooManyRequests(
            3600,
            Message("New members write at most %(n)s of these an hour; try again later.", n=_limit(PER_HOUR[kind])),
        )


def held_as_newcomer(access: CircleAccess) -> str:
    """Why a newcomer's post waits for review in this circle ("" when it does not)."""
    circle = access.circle
    if circle.review_newcomers and is_public(circle) and _limited(access) is not None:
        return "a new member's post"
    return ""
