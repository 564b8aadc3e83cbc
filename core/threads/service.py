"""Threads and posts: the only code that writes them. Counters change in the same transaction as the rows."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio.to_thread
from tortoise.expressions import F, Q, Subquery
from tortoise.models import Model

from core import remembered, sql
from core.access.actions import POST_CREATE, POST_EDIT, THREAD_CREATE, allowed
from core.access.circles import CircleAccess, circle_access
from core.access.scope import require_actor, scope_of
from core.access.threads import ThreadAccess
from core.accounts.models import User
from core.accounts.verify import check_may_post
from core.circles.models import Circle
from core.circles.service import access_by_slug
from core.db import transaction
from core.errors import Forbidden, Message, NotFound, ValidationError
from core.markdown import mentioned_names, pictures_in, render
from core.moderation import limits, words
from core.moderation.models import Review, ReviewStatus
from core.pagination import Page, paginate, paginate_sql
from core.pluginhost.running import announce_act, emit
from core.search.outbox import enqueue
from core.threads.models import Post, PostRevision, Thread
from core.threads.rows import ActivityItem, PostItem, ThreadItem
from core.times import now
from core.uploads.service import add_uses, visible_pictures

M = TypeVar("M", bound=Model)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TITLE_MAX = 200
THREAD_ORDER = [("t.pinned", "-pinned"), ("t.last_activity_at", "-last_activity_at"), ("t.id", "-id")]


def check_title(title: str) -> str:
    """A title is one line: line breaks, tabs and control characters become single spaces."""
    title = " ".join(CONTROL.sub(" ", title).split())
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationError({"title": Message("A title has 1 to %(n)s characters.", n=TITLE_MAX)})
    return title


def check_body(body: str, max_length: int) -> str:
    if not body.strip():
        raise ValidationError({"body": Message("Write something first.")})
    if len(body) > max_length:
        raise ValidationError({"body": Message("A post has at most %(n)s characters.", n=max_length)})
    return body


async def render_body(body: str, author: User) -> tuple[str, set[str]]:
    """The sanitised HTML of ``body``, with ``@mentions`` of existing members linked and the pictures its author
    may see shown (off the event loop); and those pictures' content hashes."""
    names = mentioned_names(body)
    usernames: list[str] = []
    if names:
        usernames = await User.filter(username_key__in=names).values_list("username", flat=True)  # type: ignore[assignment]
    shown = await visible_pictures(author, pictures_in(body))
    return await anyio.to_thread.run_sync(render, body, usernames, shown), set(shown)


async def create_thread(
    viewer: User | None,
    slug: str,
    title: str,
    body: str,
    *,
    max_length: int,
    kind: str = "",
    attach: Callable[[Thread], Awaitable[object]] | None = None,
) -> Thread:
    """Start a thread with its opening post. Plugins pass ``kind`` for the content they attach (a poll), and
    ``attach``, which writes it in the same transaction: a thread never exists without its poll."""
    user = require_actor(viewer)
    access = await access_by_slug(user, slug)
    access.check_post()
    if not await allowed(THREAD_CREATE, user, access.circle):
        raise Forbidden(Message("Join this circle to write in it."), code="not_a_member")
    await check_may_post(user)
    checked = await words.check(access.circle.id, check_title(title), check_body(body, max_length))
    title, body = checked.texts
    await limits.check_newcomer(access, f"{title}\n{body}", "thread")
    held = checked.review or limits.held_as_newcomer(access)
    html, pictures = await render_body(body, user)
    at = now()
    async with transaction():
        thread = await Thread.create(
            circle=access.circle, author=user, title=title, kind=kind, created_at=at, last_activity_at=at
        )
        post = await Post.create(thread=thread, author=user, body=body, html=html, created_at=at)
        await Thread.filter(id=thread.id).update(first_post_id=post.id)
        await add_uses("post", post.id, pictures, circle_id=access.circle.id)
        await Circle.filter(id=access.circle.id).update(thread_count=F("thread_count") + 1, last_activity_at=at)
        await enqueue("thread", thread.id)
        await User.filter(id=user.id).update(thread_count=F("thread_count") + 1, post_count=F("post_count") + 1)
        thread.first_post_id = post.id
        if attach is not None:
            await attach(thread)
        if held:  # hidden until a moderator reviews it, and nobody is told of it yet
            await set_hidden(post, True)
            await words.hold(post, access.circle.id, held)
            thread.deleted_at = now()  # held: the caller says so rather than show it
    thread.circle = access.circle
    if held:
        return thread
    await emit("thread_created", thread=thread, post=post, user=user)
    await announce_act(thread.circle_id, user, "thread", thread.id)
    return thread


async def get_thread(viewer: User | None, thread_id: int) -> ThreadAccess:
    """The thread as ``viewer`` may see it; a deleted thread only for its circle's moderators, and for its author
    while it is hidden until it is reviewed (its opening post flagged, or held by a watched word)."""
    view = await _thread_view(viewer, thread_id)
    if not view.can_read and not (view.may_read_held and await _opening_waits(view.thread)):
        raise NotFound(Message("No such thread."))
    return view


async def _opening_waits(thread: Thread) -> bool:
    return await Review.exists(post_id=thread.first_post_id, status=ReviewStatus.PENDING, hidden_at__isnull=False)


async def _thread_view(viewer: User | None, thread_id: int) -> ThreadAccess:
    row = await sql.fetch_one(
        f"SELECT {sql.columns(Thread, 't')}, {sql.columns(Circle, 'c')}, {sql.columns(User, 'u')} FROM threads t "
        "JOIN circles c ON c.id = t.circle_id JOIN users u ON u.id = t.author_id WHERE t.id = ?",
        thread_id,
    )
    if row is None:
        raise NotFound(Message("No such thread."))
    thread = sql.instance(Thread, row, "t")
    thread.circle = sql.instance(Circle, row, "c")
    thread.author = sql.instance(User, row, "u")
    return ThreadAccess(thread, await circle_access(viewer, thread.circle))


async def attached_content(
    viewer: User | None, model: type[M], object_id: int, missing: Message
) -> tuple[M, ThreadAccess]:
    """What a plugin attached to a thread (a row of ``model`` with a ``thread_id``: a poll, an event), as visible as
    its thread; NotFound with ``missing`` when it does not exist or the viewer may not see the thread."""
    found = await sql.model(model, "id = ?", object_id)
    if found is None:
        raise NotFound(missing)
    try:
        return found, await get_thread(viewer, found.thread_id)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound(missing) from None


async def list_threads(
    viewer: User | None, slug: str, cursor: str | None, limit: int, *, featured: bool = False
) -> Page[ThreadItem]:
    """A circle's threads: pinned first, then by last activity; ``featured``: its featured threads alone."""
    return await threads_of(await access_by_slug(viewer, slug), cursor, limit, featured=featured)


async def threads_of(
    access: CircleAccess, cursor: str | None, limit: int, *, featured: bool = False
) -> Page[ThreadItem]:
    """The threads of a circle the viewer was found to see (``access``); ``featured``: its featured ones alone."""
    if not access.can_view:
        raise NotFound(Message("No such circle."))
    return await paginate_sql(
        ThreadItem.COLUMNS + " FROM " + ThreadItem.TABLES,
        "t.circle_id = ? AND t.deleted_at IS NULL" + (" AND t.featured" if featured else ""),
        [access.circle.id],
        THREAD_ORDER,
        cursor,
        limit,
        ThreadItem.of,
        shared=True,
    )


async def latest_threads(viewer: User | None, cursor: str | None, limit: int) -> Page[ThreadItem]:
    """Threads of every circle the viewer may see, by last activity."""
    visible, params = (await scope_of(viewer)).circles_sql("c")
    return await paginate_sql(
        ThreadItem.COLUMNS + " FROM " + ThreadItem.TABLES,
        f"{visible} AND t.deleted_at IS NULL",
        params,
        [("t.last_activity_at", "-last_activity_at"), ("t.id", "-id")],
        cursor,
        limit,
        ThreadItem.of,
        shared=True,
    )


async def first_posts(threads: Sequence[Thread | ThreadItem]) -> dict[int, Post]:
    ids = [thread.first_post_id for thread in threads if thread.first_post_id]
    if not ids:
        return {}
    return {post.id: post for post in await Post.filter(id__in=ids).select_related("author")}


async def update_thread(viewer: User | None, thread_id: int, changes: dict[str, Any]) -> Thread:
    """Authors retitle their threads; moderators retitle, pin and lock."""
    user = require_actor(viewer)
    view = await get_thread(user, thread_id)
    thread, access = view.thread, view.access
    if not access.can_moderate:
        refused: dict[str, str] = {
            field: Message("Only moderators change this.")
            for field in ("pinned", "locked", "featured")
            if field in changes
        }
        if refused:
            raise ValidationError(refused)
        view.check_edit(thread.author_id, Message("Only the author and moderators change this thread."))
    review = ""
    if "title" in changes:
        (changes["title"],), review = await _watched(thread.circle_id, check_title(changes["title"]))
    newly_featured = changes.get("featured") is True and not thread.featured
    if changes:
        async with transaction():
            await Thread.filter(id=thread.id).update(**changes)
            if "title" in changes:
                await enqueue("thread", thread.id)
            opening = await Post.get_or_none(id=thread.first_post_id) if review else None
            if opening is not None and await set_hidden(opening, True):
                await words.hold(opening, thread.circle_id, review)
        for field, value in changes.items():
            setattr(thread, field, value)
    if newly_featured:
        await emit("thread_featured", thread=thread, user=user)
    return thread


async def delete_thread(viewer: User | None, thread_id: int) -> None:
    user = require_actor(viewer)
    view = await get_thread(user, thread_id)
    thread = view.thread
    view.check_delete(thread.author_id, Message("Only the author and moderators delete this thread."))
    async with transaction():
        deleted = await Thread.filter(id=thread.id, deleted_at__isnull=True).update(deleted_at=now())
        if deleted:
            await Circle.filter(id=thread.circle_id).update(thread_count=F("thread_count") - 1)
            await User.filter(id=thread.author_id).update(thread_count=F("thread_count") - 1)
            await enqueue("thread", thread.id)
    if deleted and thread.first_post_id:
        opening = await Post.get_or_none(id=thread.first_post_id)
        if opening is not None:
            await emit("post_deleted", post=opening, user=user)


async def create_post(viewer: User | None, thread_id: int, body: str, *, max_length: int) -> Post:
    """A reply; a locked thread takes replies only from moderators."""
    user = require_actor(viewer)
    view = await get_thread(user, thread_id)
    thread, access = view.thread, view.access
    view.check_reply()
    if not await allowed(POST_CREATE, user, thread):
        raise Forbidden(Message("Join this circle to write in it."), code="not_a_member")
    await check_may_post(user)
    (body,), review = await _watched(access.circle.id, check_body(body, max_length))
    await limits.check_newcomer(access, body, "post")
    review = review or limits.held_as_newcomer(access)
    html, pictures = await render_body(body, user)
    at = now()
    async with transaction():
        # the update holds the thread's row (PostgreSQL) or the database (SQLite) until commit: numbers are not shared
        await Thread.filter(id=thread.id).update(
            post_count=F("post_count") + 1, last_number=F("last_number") + 1, last_activity_at=at
        )
        number = await Thread.get(id=thread.id).values_list("last_number", flat=True)
        post = await Post.create(thread=thread, author=user, number=number, body=body, html=html, created_at=at)
        await add_uses("post", post.id, pictures, circle_id=access.circle.id)
        await Circle.filter(id=access.circle.id).update(last_activity_at=at)
        await User.filter(id=user.id).update(post_count=F("post_count") + 1)
        await enqueue("post", post.id)
        if review:
            await set_hidden(post, True)
            await words.hold(post, access.circle.id, review)
            post.deleted_at = now()  # held: the caller says so rather than show it
    post.thread = thread
    post.author = user
    if review:
        return post
    await emit("post_created", post=post, thread=thread, user=user)
    await announce_act(thread.circle_id, user, "post", post.id)
    return post


async def list_posts(viewer: User | None, thread_id: int, cursor: str | None, limit: int) -> Page[Post]:
    """A thread's posts, oldest first, with the viewer's own that are hidden until they are reviewed (their
    ``deleted_at`` set: the caller marks them waiting)."""
    view = await get_thread(viewer, thread_id)
    shown = Q(deleted_at__isnull=True)
    if viewer is not None and view.access.can_view:
        held = Review.filter(circle_id=view.thread.circle_id, status=ReviewStatus.PENDING, hidden_at__isnull=False)
        shown |= Q(author_id=viewer.id, id__in=Subquery(held.values("post_id")))
    query = Post.filter(shown, thread_id=view.thread.id).select_related("author")
    return await paginate(query, ["id"], cursor, limit)


POSTS_PER_PAGE = 20


POSTS_PAGE_SQL = (
    "SELECT p.id, p.thread_id, p.author_id, p.number, p.html, p.created_at, p.edited_at, p.like_count, u.username, "
    "u.display_name, u.avatar, p.deleted_at IS NOT NULL AS waiting "
    "FROM posts p JOIN users u ON u.id = p.author_id "
    "WHERE p.thread_id = ? AND p.number BETWEEN ? AND ? AND (p.deleted_at IS NULL OR p.author_id = ? AND EXISTS "
    "(SELECT 1 FROM reviews r WHERE r.post_id = p.id AND r.status = ? AND r.hidden_at IS NOT NULL)) ORDER BY p.number"
)


async def posts_page(viewer: User | None, thread_id: int, page: int) -> tuple[ThreadAccess, list[PostItem], int]:
    """Page ``page`` (from 1) of a thread's posts, and the number of pages: page n holds the posts numbered
    20(n-1)+1 to 20n (fewer when some were deleted), found by the index on (thread, number). The viewer's own posts
    hidden until they are reviewed are among them, marked (``PostItem.waiting_for_review``)."""
    view = await get_thread(viewer, thread_id)
    pages = max(1, -(-view.thread.last_number // POSTS_PER_PAGE))
    page = min(max(page, 1), pages)
    first = (page - 1) * POSTS_PER_PAGE + 1
    author = viewer.id if view.access.can_view and viewer is not None else 0  # no account is numbered 0
    posts = await remembered.recall(
        "posts", (view.thread.id, first, author), lambda: _posts(view.thread.id, first, author)
    )
    return view, list(posts), pages


async def _posts(thread_id: int, first: int, author: int) -> tuple[PostItem, ...]:
    rows = await sql.fetch(
        POSTS_PAGE_SQL, thread_id, first, first + POSTS_PER_PAGE - 1, author, ReviewStatus.PENDING.value
    )
    return tuple(PostItem.of(row) for row in rows)


def page_of_post(post: Post) -> int:
    """The page of its thread that ``post`` is on."""
    return (post.number - 1) // POSTS_PER_PAGE + 1


async def get_post(viewer: User | None, post_id: int) -> tuple[Post, ThreadAccess]:
    """A post as ``viewer`` may see it: a deleted one only for the circle's moderators, and one hidden until it
    is reviewed (flagged, or held by a watched word) for its author too."""
    post = await Post.get_or_none(id=post_id).select_related("author")
    if post is None:
        raise NotFound(Message("No such post."))
    view = await _thread_view(viewer, post.thread_id)
    gone = post.deleted_at is not None or view.thread.deleted_at is not None
    if not view.can_see_post(post.author_id, gone, gone and await waiting_for_review(post)):
        raise NotFound(Message("No such post."))
    return post, view


async def waiting_for_review(post: Post) -> bool:
    """Hidden until a moderator reviews it (the post, or the thread it opens)."""
    return await Review.exists(post_id=post.id, status=ReviewStatus.PENDING, hidden_at__isnull=False)


async def edit_post(viewer: User | None, post_id: int, body: str, *, max_length: int) -> Post:
    """Replace a post's text, keeping the version it replaces."""
    user = require_actor(viewer)
    post, view = await get_post(user, post_id)
    view.check_edit(post.author_id, Message("Only the author and moderators edit this post."))
    if not await allowed(POST_EDIT, user, post):
        raise Forbidden(Message("Only the author and moderators edit this post."))
    (body,), review = await _watched(view.thread.circle_id, check_body(body, max_length))
    html, pictures = await render_body(body, user)
    at = now()
    async with transaction():
        await PostRevision.create(
            post=post, editor=user, body=post.body, html=post.html, written_at=post.edited_at or post.created_at
        )
        await Post.filter(id=post.id).update(body=body, html=html, edited_at=at)
        await add_uses("post", post.id, pictures, circle_id=view.thread.circle_id)  # its earlier versions keep theirs
        await _enqueue_post(view.thread, post.id)
        if review and await set_hidden(post, True):
            await words.hold(post, view.thread.circle_id, review)
    previous_body = post.body
    post.body, post.html, post.edited_at = body, html, at
    await emit("post_edited", post=post, previous_body=previous_body, user=user)
    return post


async def _watched(circle_id: int, body: str) -> tuple[tuple[str, ...], str]:
    checked = await words.check(circle_id, body)
    return checked.texts, checked.review


async def _enqueue_post(thread: Thread, post_id: int) -> None:
    """The opening post is searched as part of its thread."""
    await enqueue(
        "thread" if thread.first_post_id == post_id else "post",
        thread.id if thread.first_post_id == post_id else post_id,
    )


async def delete_post(viewer: User | None, post_id: int) -> None:
    """Delete a reply; deleting the opening post deletes the thread."""
    user = require_actor(viewer)
    post, view = await get_post(user, post_id)
    view.check_delete(post.author_id, Message("Only the author and moderators delete this post."))
    if view.thread.first_post_id == post.id:
        return await delete_thread(user, view.thread.id)
    async with transaction():
        deleted = await Post.filter(id=post.id, deleted_at__isnull=True).update(deleted_at=now())
        if deleted:
            await Thread.filter(id=view.thread.id).update(post_count=F("post_count") - 1)
            await User.filter(id=post.author_id).update(post_count=F("post_count") - 1)
            await enqueue("post", post.id)
    if deleted:
        await emit("post_deleted", post=post, user=user)


async def set_hidden(post: Post, hidden: bool) -> bool:
    """Hide a post as deleting does (or show it again), without asking who may: a moderation decision, taken by
    the caller's rules. The opening post hides its thread. Whether it changed."""
    thread = await Thread.get(id=post.thread_id)
    at = now() if hidden else None
    async with transaction():
        if thread.first_post_id == post.id:
            if not await Thread.filter(id=thread.id, deleted_at__isnull=hidden).update(deleted_at=at):
                return False
            step = -1 if hidden else 1
            await Circle.filter(id=thread.circle_id).update(thread_count=F("thread_count") + step)
            await User.filter(id=thread.author_id).update(thread_count=F("thread_count") + step)
            await enqueue("thread", thread.id)
            return True
        if not await Post.filter(id=post.id, deleted_at__isnull=hidden).update(deleted_at=at):
            return False
        step = -1 if hidden else 1
        await Thread.filter(id=thread.id).update(post_count=F("post_count") + step)
        await User.filter(id=post.author_id).update(post_count=F("post_count") + step)
        await enqueue("post", post.id)
    return True


async def revisions(viewer: User | None, post_id: int) -> list[PostRevision]:
    """The earlier versions of a post, newest first: for whoever may see the post."""
    post, _ = await get_post(viewer, post_id)
    return await PostRevision.filter(post=post).select_related("editor").order_by("-id")


async def visible_counts(viewer: User | None, author: User) -> tuple[int, int]:
    """How many threads and posts of ``author``'s the viewer may see: a profile must not tell a guest that (or how
    much) someone writes in private circles. The member and administrators read the stored counters."""
    scope = await scope_of(viewer)
    if scope.sees_all or (scope.user is not None and scope.user.id == author.id):
        return author.thread_count, author.post_count
    visible, params = scope.circles_sql("c")
    threads = await sql.fetch_one(
        "SELECT COUNT(*) AS n FROM threads t JOIN circles c ON c.id = t.circle_id "
        f"WHERE t.author_id = ? AND t.deleted_at IS NULL AND {visible}",
        author.id,
        *params,
    )
    posts = await sql.fetch_one(
        "SELECT COUNT(*) AS n FROM posts p JOIN threads t ON t.id = p.thread_id JOIN circles c ON c.id = t.circle_id "
        f"WHERE p.author_id = ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL AND {visible}",
        author.id,
        *params,
    )
    return int(threads["n"]) if threads else 0, int(posts["n"]) if posts else 0


async def recent_activity(viewer: User | None, author: User, cursor: str | None, limit: int) -> Page[ActivityItem]:
    """What a member's profile lists: their posts, newest first, in the circles the viewer may see (plain SQL: the
    posts with their threads and circles as models cost a profile page some 15 ms)."""
    visible, params = (await scope_of(viewer)).circles_sql("c")
    return await paginate_sql(
        ActivityItem.COLUMNS + " FROM " + ActivityItem.TABLES,
        f"p.author_id = ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL AND {visible}",
        [author.id, *params],
        [("p.id", "-id")],
        cursor,
        limit,
        ActivityItem.of,
    )


async def user_activity(viewer: User | None, author: User, cursor: str | None, limit: int) -> Page[Post]:
    """A member's posts, newest first, in the circles the viewer may see, as the API gives them (whole posts)."""
    query = Post.filter(
        (await scope_of(viewer)).circles_q("thread__circle__"),
        author=author,
        deleted_at__isnull=True,
        thread__deleted_at__isnull=True,
    ).select_related("thread", "thread__circle", "author")
    return await paginate(query, ["-id"], cursor, limit)
