"""The search index behind one small interface (``SearchBackend``), with two engines: Whoosh, a folder in the data
dir (core/search/whoosh_index.py, the default on SQLite), and PostgreSQL's full-text search, a table every machine of
a site shares (core/search/postgres_index.py, the default on PostgreSQL; ``QUANZI_SEARCH`` chooses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from core.contract.kinds import SearchDocument


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    thread_id: int
    circle_id: int
    author_id: int
    title: str
    snippet: str  # HTML: the text escaped, the matched words in <mark>
    url: str
    created_at: float


@dataclass(frozen=True)
class SearchRequest:
    words: str
    allowed_circles: frozenset[int] | None  # None: every circle and audience (an administrator)
    audience_keys: frozenset[str] = frozenset()  # the audiences the viewer belongs to (core.access.audience)
    circle_id: int | None = None
    author_id: int | None = None
    newest_first: bool = False
    offset: int = 0
    limit: int = 20


class IndexDamaged(Exception):
    """The index cannot be read (a segment missing or cut short, the table missing): it must be rebuilt
    (``reindex``)."""


class SearchBackend(Protocol):
    async def apply(
        self, upserts: list[SearchDocument], removals: list[tuple[str, int]], removed_threads: list[int]
    ) -> None:
        """Add or replace ``upserts``, remove ``removals`` (kind, id) and everything of ``removed_threads``, all or
        nothing."""

    async def search(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        """One page of hits, and whether more follow."""

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> None:
        """Build a new index of every document in ``batches`` and put it in place of the current one at the end, at
        once (searches meanwhile read the current one); nothing changes if ``batches`` raises."""

    async def check(self) -> None:
        """Read a little of every part of the index; IndexDamaged when it cannot be read."""

    def generation(self) -> str:
        """The name of the index in use: a rebuild may put a new one in place."""
