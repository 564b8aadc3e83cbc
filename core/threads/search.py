"""Threads and posts as search documents: the core's own search source, registered like a plugin's."""

from __future__ import annotations

from core.contract.kinds import SearchDocument, SearchSource
from core.markdown import plain_text
from core.threads.models import Post, Thread


async def load_threads(ids: list[int]) -> list[SearchDocument]:
    """A thread is found by its title and its opening post."""
    threads = await Thread.filter(id__in=ids, deleted_at__isnull=True)
    openings = {
        post.id: post for post in await Post.filter(id__in=[t.first_post_id for t in threads if t.first_post_id])
    }
    documents = []
    for thread in threads:
        opening = openings.get(thread.first_post_id or 0)
        documents.append(
            SearchDocument(
                kind="thread",
                id=thread.id,
                circle_id=thread.circle_id,
                thread_id=thread.id,
                title=thread.title,
                body=plain_text(opening.html) if opening else "",
                author_id=thread.author_id,
                created_at=thread.created_at,
                url=f"/t/{thread.id}",
            )
        )
    return documents


async def load_posts(ids: list[int]) -> list[SearchDocument]:
    """A reply is found by its text, and shown with its thread's title."""
    posts = await Post.filter(id__in=ids, deleted_at__isnull=True, thread__deleted_at__isnull=True).select_related(
        "thread"
    )
    return [
        SearchDocument(
            kind="post",
            id=post.id,
            circle_id=post.thread.circle_id,
            thread_id=post.thread.id,
            title=post.thread.title,
            body=plain_text(post.html),
            author_id=post.author_id,
            created_at=post.created_at,
            url=f"/p/{post.id}",
            title_searchable=False,
        )
        for post in posts
        if post.id != post.thread.first_post_id
    ]


async def all_thread_ids() -> list[int]:
    return await Thread.filter(deleted_at__isnull=True).order_by("id").values_list("id", flat=True)  # type: ignore[return-value]


async def all_post_ids() -> list[int]:
    return await Post.filter(deleted_at__isnull=True).order_by("id").values_list("id", flat=True)  # type: ignore[return-value]


SOURCES = [
    SearchSource(kind="thread", load=load_threads, all_ids=all_thread_ids),
    SearchSource(kind="post", load=load_posts, all_ids=all_post_ids),
]
