"""Searching, as a viewer may: the visibility rule goes into the index query itself, so that results, pages and
snippets never show what the viewer may not see."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from core import remembered, sql
from core.access.scope import scope_of
from core.accounts import service as accounts
from core.accounts.models import User
from core.accounts.rows import Author
from core.circles.models import Circle
from core.config import Config
from core.contract.kinds import SearchSource
from core.errors import Message, NotFound, Unavailable, ValidationError
from core.pluginhost.host import PluginHost
from core.search import indexer, outbox
from core.search.backend import Hit, IndexDamaged, SearchBackend, SearchRequest
from core.search.health import DAMAGED, IndexHealth
from core.sql import Row
from core.threads.rows import CircleRef
from core.workers import holder_name

MAX_QUERY_LENGTH = 200
ORDERS = ("relevance", "newest")


@dataclass
class Search:
    """The search of one process: its index, the sources of documents, and the indexer task."""

    backend: SearchBackend
    sources: dict[str, SearchSource]
    task: asyncio.Task[None] | None = field(default=None)
    holder: str = field(default_factory=holder_name)
    health: IndexHealth = field(default_factory=IndexHealth)
    # Told after the index changed (the guest page cache forgets its search answers, made before the change).
    changed: Callable[[], None] = field(default=lambda: None)
    drained: int = 0  # how often this process changed the index: part of a remembered result's key
    _draining: asyncio.Lock = field(default_factory=asyncio.Lock)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def check(self) -> bool:
        """Whether the index can be read; a damaged one is told to ``health`` (and the log), not found at the first
        search."""
        try:
            await self.backend.check()
        except IndexDamaged as error:
            self.health.index_damaged(self.backend.generation(), error)
            return False
        self.health.index_readable()
        return True

    async def start(self) -> None:
        """Run this process's indexer in the background."""
        await self.check()
        self.task = asyncio.create_task(indexer.run(self.drain, self._stopping, self.health))

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
            count = await indexer.drain(self.backend, self.sources, self.holder)
        if count:
            self.drained += 1
            self.changed()
        return count

    async def flush(self, timeout: float = 10.0) -> int:
        """Index everything waiting in the outbox now, waiting for the lease if another indexer holds it (tests;
        the server's indexer does this by itself)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while (count := await self.drain()) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the search lease stayed taken")
            await asyncio.sleep(0.05)
        return count


def make_backend(config: Config) -> SearchBackend:
    """The index ``config`` names: in PostgreSQL, or in the data dir (the word splitter, and Whoosh, loaded where
    one searches)."""
    if config.search == "postgres":
        from core.search.postgres_index import PostgresBackend

        return PostgresBackend()
    from core.search.whoosh_index import WhooshBackend

    return WhooshBackend(config.data_dir / "search")


def make_search(config: Config, host: PluginHost) -> Search:
    """The search of one process: its index, and the sources of the core and the enabled plugins."""
    offered = host.call_startup("register_search_sources")
    return Search(make_backend(config), {source.kind: source for _, found in offered for source in found})


@dataclass(frozen=True)
class ResultItem:
    hit: Hit
    circle: CircleRef
    author: Author | None
    thread_kind: str = ""  # what a plugin attached to the hit's thread ("poll"), for its mark


async def _by_id(select: str, ids: set[int]) -> Sequence[Row]:
    """The rows of ``select`` (which ends with ``WHERE id IN``) for ``ids``."""
    return await sql.fetch(f"{select} ({sql.placeholders(len(ids))})", *ids) if ids else []


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
    scope = await scope_of(viewer)
    allowed = await scope.visible_circle_ids()
    circle_id = None
    if circle:
        found = await Circle.get_or_none(slug=circle)
        if found is None or (allowed is not None and found.id not in allowed):
            raise NotFound(Message("No such circle."))
        circle_id = found.id
    author_id = (await accounts.get_user(author)).id if author else None
    request = SearchRequest(
        words, allowed, scope.audience_keys(), circle_id, author_id, order == "newest", offset, limit
    )
    # A damaged index stays refused until ``reindex`` (in another process) has put a new one in place.
    if search.health.damaged and (search.health.damaged == search.backend.generation() or not await search.check()):
        raise Unavailable(DAMAGED, code="search_unavailable")
    try:
        # Remembered (core/remembered.py) with the index as this process last changed it and its generation
        # (``reindex`` in another process puts a new one in place): members asking the same of the same circles
        # share one search until anything changes.
        hits, more = await remembered.recall(
            "search", (request, search.drained, search.backend.generation()), lambda: search.backend.search(request)
        )
    except IndexDamaged as error:
        search.health.index_damaged(search.backend.generation(), error)
        raise Unavailable(DAMAGED, code="search_unavailable") from None
    circles = {
        row["id"]: CircleRef(row["id"], row["slug"], row["name"])
        for row in await _by_id("SELECT id, slug, name FROM circles WHERE id IN", {hit.circle_id for hit in hits})
    }
    authors = {
        row["id"]: Author(row["id"], row["username"], row["display_name"])
        for row in await _by_id("SELECT id, username, display_name FROM users WHERE id IN", {h.author_id for h in hits})
    }
    threads = {
        row["id"]: row
        for row in await _by_id("SELECT id, kind, title FROM threads WHERE id IN", {h.thread_id for h in hits})
    }
    items = [
        ResultItem(
            # a reply is shown under its thread's title as it is now, not as it was when the reply was indexed
            replace(hit, title=threads[hit.thread_id]["title"])
            if hit.kind == "post" and hit.thread_id in threads
            else hit,
            circles[hit.circle_id],
            authors.get(hit.author_id),
            threads[hit.thread_id]["kind"] if hit.thread_id in threads else "",
        )
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
