"""Searching, as a viewer may: the visibility rule goes into the index query itself, so that results, pages and
snippets never show what the viewer may not see."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.accounts import service as accounts
from core.accounts.models import Role, User
from core.circles.models import Circle
from core.errors import Message, NotFound, ValidationError
from core.permissions import acting, visible_circles
from core.plugins.kinds import SearchSource
from core.search import indexer, outbox
from core.search.backend import Hit, SearchBackend, SearchRequest
from core.threads.models import Thread

MAX_QUERY_LENGTH = 200
ORDERS = ("relevance", "newest")


@dataclass
class Search:
    """The search of one process: its index, the sources of documents, and the indexer task."""

    backend: SearchBackend
    sources: dict[str, SearchSource]
    task: asyncio.Task[None] | None = field(default=None)
    holder: str = field(default_factory=indexer.holder_name)
    _draining: asyncio.Lock = field(default_factory=asyncio.Lock)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self) -> None:
        """Run this process's indexer in the background."""
        self.task = asyncio.create_task(indexer.run(self.drain, self._stopping))

    async def stop(self) -> None:
        """Stop the indexer between two rounds, never in the middle of one."""
        if self.task is None:
            return
        self._stopping.set()
        outbox.wake()
        await self.task
        self.task = None

    async def drain(self) -> int | None:
        """Index what waits in the outbox if this process gets the lease (one drain at a time in the process)."""
        async with self._draining:
            return await indexer.drain(self.backend, self.sources, self.holder)

    async def flush(self, timeout: float = 10.0) -> int:
        """Index everything waiting in the outbox now, waiting for the lease if another indexer holds it (tests;
        the server's indexer does this by itself)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while (count := await self.drain()) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the search lease stayed taken")
            await asyncio.sleep(0.05)
        return count


@dataclass(frozen=True)
class ResultItem:
    hit: Hit
    circle: Circle
    author: User | None
    thread_kind: str = ""  # what a plugin attached to the hit's thread ("poll"), for its mark


async def _allowed_circles(viewer: User | None) -> frozenset[int] | None:
    user = acting(viewer)
    if user is not None and user.role == Role.ADMIN:
        return None
    return frozenset(await Circle.filter(await visible_circles(viewer)).values_list("id", flat=True))  # type: ignore[arg-type]


def check_query(words: str) -> str:
    words = " ".join(words.split())
    if not words:
        raise ValidationError({"q": Message("Enter a word to search for.")})
    if len(words) > MAX_QUERY_LENGTH:
        raise ValidationError({"q": Message("A search has at most %(n)s characters.", n=MAX_QUERY_LENGTH)})
    return words


async def search(
    search: Search,
    viewer: User | None,
    words: str,
    *,
    circle: str | None = None,
    author: str | None = None,
    order: str = "relevance",
    offset: int = 0,
    limit: int = 20,
) -> tuple[list[ResultItem], bool]:
    """One page of what ``viewer`` may find for ``words``, and whether more follow."""
    words = check_query(words)
    if order not in ORDERS:
        raise ValidationError({"order": Message("One of: relevance, newest.")})
    allowed = await _allowed_circles(viewer)
    circle_id = None
    if circle:
        found = await Circle.get_or_none(slug=circle)
        if found is None or (allowed is not None and found.id not in allowed):
            raise NotFound(Message("No such circle."))
        circle_id = found.id
    author_id = (await accounts.get_user(author)).id if author else None
    request = SearchRequest(words, allowed, circle_id, author_id, order == "newest", offset, limit)
    hits, more = search.backend.search(request)
    circles = {c.id: c for c in await Circle.filter(id__in={hit.circle_id for hit in hits})}
    authors = {u.id: u for u in await User.filter(id__in={hit.author_id for hit in hits})}
    kinds = dict(await Thread.filter(id__in={hit.thread_id for hit in hits}, kind__not="").values_list("id", "kind"))
    items = [
        ResultItem(hit, circles[hit.circle_id], authors.get(hit.author_id), kinds.get(hit.thread_id, ""))
        for hit in hits
        if hit.circle_id in circles
    ]
    return items, more


def hit_json(item: ResultItem) -> dict[str, Any]:
    from core.accounts.serialize import user_ref

    hit = item.hit
    return {
        "type": hit.kind,
        "thread_kind": item.thread_kind or None,
        "thread_id": hit.thread_id,
        "post_id": hit.object_id if hit.kind == "post" else None,
        "id": hit.object_id,
        "title": hit.title,
        "snippet": hit.snippet,
        "url": hit.url,
        "circle": {"slug": item.circle.slug, "name": item.circle.name},
        "author": user_ref(item.author) if item.author else None,
        "created_at": datetime.fromtimestamp(hit.created_at, UTC).isoformat(),
    }
