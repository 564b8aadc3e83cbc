"""Helpful replies: in the club's circles, a thread's author (or a moderator) marks a reply by someone else as
helpful, once; its author earns points for it. Every reader sees the mark."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from core.plugins import (
    Conflict,
    Forbidden,
    Message,
    NotFound,
    PerPost,
    Post,
    SlotContent,
    ThreadAccess,
    User,
    ValidationError,
    circle_access,
    fetch_rows,
    get_thread,
    placeholders,
    require_actor,
)
from plugins.customer_club.models import HelpfulMark
from plugins.customer_club.points import club_id_of_circle, club_of_circle, credit

HELPFUL = "post.helpful"


async def mark(viewer: User | None, post_id: int) -> Post:
    user = require_actor(viewer)
    post = await Post.get_or_none(id=post_id, deleted_at__isnull=True)
    if post is None:
        raise NotFound(Message("No such post."))
    where = await get_thread(user, post.thread_id)
    club = await club_of_circle(where.thread.circle_id)
    if club is None or not where.can_read:
        raise NotFound(Message("No such post."))
    if post.number == 1:
        raise ValidationError({"post": Message("The opening post asks; mark a reply that answers.")})
    if not where.can_manage:
        raise Forbidden(Message("The thread's author and the circle's moderators mark helpful replies."))
    if post.author_id == user.id:
        raise Forbidden(Message("Not your own reply."))
    where.access.check_post()
    try:
        await HelpfulMark.create(post=post, club=club, by=user)
    except IntegrityError:
        raise Conflict(Message("This reply is marked helpful already."), code="marked") from None
    author = await User.get(id=post.author_id)
    if (await circle_access(author, await club.circle)).is_member:
        await credit(club, author, HELPFUL, f"{HELPFUL}:{post.id}")
    return post


async def under_posts(context: dict[str, Any]) -> PerPost | None:
    """A page of a club's thread: the helpful mark under marked replies, and the button for who may mark."""
    thread, posts, access = context["thread"], context["posts"], context["access"]
    if not posts or await club_id_of_circle(thread.circle_id) is None:
        return None
    ids = [post.id for post in posts]
    marks = f"SELECT post_id FROM club_helpful_marks WHERE post_id IN ({placeholders(len(ids))})"
    marked = {row["post_id"] for row in await fetch_rows(marks, *ids)}
    viewer_id = access.viewer.id if access.viewer is not None else None
    may_mark = ThreadAccess(thread, access).can_manage
    shown = SlotContent("customer_club/slots/helpful.html", {"marked": True}, shared=True)
    contents: dict[int, SlotContent | str] = {}
    for post in posts:
        if post.id in marked:
            contents[post.id] = shown
        elif may_mark and post.number > 1 and post.author_id != viewer_id:
            contents[post.id] = SlotContent("customer_club/slots/helpful.html", {"post_id": post.id}, shared=True)
    return PerPost(contents)
