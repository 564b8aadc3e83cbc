"""Newcomers (Discourse's trust level 0): an account younger than a day, or with fewer than three posts. Until they
are trusted they start at most so many threads and replies an hour, and a post of theirs holds only a few mentions
and links; a public circle may send their posts to its review queue (``Circle.review_newcomers``). Staff are always
trusted."""

from __future__ import annotations

import re
from datetime import timedelta

from core.accounts.models import User
from core.circles.models import Circle, Visibility
from core.errors import Message, TooManyRequests, ValidationError
from core.markdown import mentioned_names
from core.threads.models import Post, Thread
from core.times import now

TRUSTED_AFTER, TRUSTED_POSTS = timedelta(days=1), 3
PER_HOUR = {"thread": 3, "post": 10}
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
    return not user.is_staff and (user.created_at > now() - TRUSTED_AFTER or user.post_count < TRUSTED_POSTS)


async def check_newcomer(user: User, text: str, kind: str) -> None:
    """Refuse a newcomer's post over the limits (``kind``: ``thread`` or ``post``); nothing for anyone else."""
    if not _scale or not is_newcomer(user):
        return
    if len(mentioned_names(text)) > _limit(MENTIONS_MAX):
        raise ValidationError({"body": Message("A new member mentions at most %(n)s people in a post.",
                                               n=_limit(MENTIONS_MAX))})  # fmt: skip
    if len(LINK.findall(text)) > _limit(LINKS_MAX):
        raise ValidationError({"body": Message("A new member's post holds at most %(n)s links.", n=_limit(LINKS_MAX))})
    since = now() - timedelta(hours=1)
    if kind == "thread":
        written = await Thread.filter(author_id=user.id, created_at__gte=since).count()
    else:
        written = await Post.filter(author_id=user.id, created_at__gte=since, number__gt=1).count()
    if written >= _limit(PER_HOUR[kind]):
        raise TooManyRequests(3600, Message("New members write at most %(n)s of these an hour; try again later.",
                                            n=_limit(PER_HOUR[kind])))  # fmt: skip


def held_as_newcomer(user: User, circle: Circle) -> str:
    """Why a newcomer's post waits for review in this circle ("" when it does not)."""
    if circle.review_newcomers and circle.visibility == Visibility.PUBLIC and is_newcomer(user):
        return "a new member's post"
    return ""
