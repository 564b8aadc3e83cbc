"""Threads and posts as the JSON API shows them."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import user_ref
from core.threads.models import Post, PostRevision, Thread
from core.threads.rows import ThreadItem


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def post_json(post: Post, *, with_thread: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": post.id,
        "thread_id": post.thread_id,
        "number": post.number,
        "author": user_ref(post.author),
        "body": post.body,
        "html": post.html,
        "created_at": post.created_at.isoformat(),
        "edited_at": _time(post.edited_at),
        "likes": post.like_count,
        "url": f"/t/{post.thread_id}#p{post.id}",
    }
    if post.deleted_at is not None:
        data["deleted_at"] = post.deleted_at.isoformat()
    if with_thread:
        thread = post.thread
        data["thread"] = {"id": thread.id, "title": thread.title, "circle": thread.circle.slug}
    return data


def thread_json(thread: Thread | ThreadItem, first_post: Post | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": thread.id,
        "title": thread.title,
        "kind": thread.kind or None,
        "circle": {"slug": thread.circle.slug, "name": thread.circle.name},
        "author": user_ref(thread.author),
        "created_at": thread.created_at.isoformat(),
        "post_count": thread.post_count,
        "reply_count": thread.post_count - 1,
        "last_activity_at": thread.last_activity_at.isoformat(),
        "pinned": thread.pinned,
        "locked": thread.locked,
        "featured": thread.featured,
        "first_post": post_json(first_post) if first_post else None,
        "url": f"/t/{thread.id}",
    }
    if thread.deleted_at is not None:
        data["deleted_at"] = thread.deleted_at.isoformat()
    return data


def revision_json(revision: PostRevision) -> dict[str, Any]:
    return {
        "body": revision.body,
        "html": revision.html,
        "written_at": revision.written_at.isoformat(),
        "replaced_at": revision.replaced_at.isoformat(),
        "editor": user_ref(revision.editor) if revision.editor else None,
    }
