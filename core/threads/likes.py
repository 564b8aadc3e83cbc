"""Likes: one per member and post, never one's own; the post's count changes in the same transaction as the like,
so that parallel taps count once. Who liked a post is seen by whoever may see the post."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import sql
from core.access.scope import require_actor
from core.accounts.models import User
from core.db import transaction
from core.errors import Conflict, Forbidden, Message
from core.pagination import Page, paginate
from core.pluginhost.running import emit
from core.threads.models import Post, PostLike
from core.threads.service import get_post


async def _likeable(user: User, post_id: int) -> Post:
    """The post ``user`` may like: one they see, not theirs, in a thread not deleted, in a circle they act in."""
    post, view = await get_post(user, post_id)
    if post.deleted_at is not None or view.thread.deleted_at is not None:
        raise Conflict(Message("This post is deleted."), code="deleted")
    view.access.check_act(Message("Join this circle to like its posts."))
    if post.author_id == user.id:
        raise Forbidden(Message("You cannot like your own post."), code="own_post")
    post.thread = view.thread
    return post


async def _count(post_id: int) -> int:
    post = await Post.get(id=post_id).only("id", "like_count")
    return post.like_count


async def like(viewer: User | None, post_id: int) -> int:
    """Like a post (again: nothing changes); its number of likes."""
    user = require_actor(viewer)
    post = await _likeable(user, post_id)
    try:
        async with transaction():
            await PostLike.create(post_id=post.id, user_id=user.id)
            await Post.filter(id=post.id).update(like_count=F("like_count") + 1)
    except IntegrityError:
        return await _count(post.id)  # liked already, perhaps by a parallel tap
    post.like_count = await _count(post.id)
    await emit("post_liked", post=post, user=user)
    return post.like_count


async def unlike(viewer: User | None, post_id: int) -> int:
    """Take one's like back (none: nothing changes); the post's number of likes."""
    user = require_actor(viewer)
    post, _ = await get_post(user, post_id)
    async with transaction():
        if await PostLike.filter(post_id=post.id, user_id=user.id).delete():
            await Post.filter(id=post.id).update(like_count=F("like_count") - 1)
    return await _count(post.id)


async def liked_by(viewer: User | None, post_id: int, cursor: str | None, limit: int) -> Page[PostLike]:
    """Who liked a post, latest first: for whoever may see it."""
    post, _ = await get_post(viewer, post_id)
    return await paginate(PostLike.filter(post_id=post.id).select_related("user"), ["-id"], cursor, limit)


async def liked_among(viewer: User | None, post_ids: Sequence[int]) -> set[int]:
    """Which of ``post_ids`` the viewer liked (a page of a thread: one query)."""
    if viewer is None or not post_ids:
        return set()
    rows = await sql.fetch(
        f"SELECT post_id FROM post_likes WHERE user_id = ? AND post_id IN ({sql.placeholders(len(post_ids))})",
        viewer.id,
        *post_ids,
    )
    return {row["post_id"] for row in rows}
