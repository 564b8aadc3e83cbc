"""The search index behind one small interface (``SearchBackend``), kept in Whoosh (core/search/whoosh_index.py).
A PostgreSQL full-text backend for installs on several machines would implement the same methods."""

from __future__ import annotations

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
    """The index cannot be read (a segment missing or cut short): it must be rebuilt (``reindex``)."""


class SearchBackend(Protocol):
    def apply(self, upserts: list[SearchDocument], removals: list[tuple[str, int]], removed_threads: list[int]) -> None:
        """Add or replace ``upserts``, remove ``removals`` (kind, id) and everything of ``removed_threads``."""

    def search(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        """One page of hits, and whether more follow."""

    def rebuild(self) -> Rebuild:
        """Start building a new index, to be put in place of the current one when finished."""

    def check(self) -> None:
        """Read a little of every part of the index; IndexDamaged when it cannot be read."""

    def generation(self) -> str:
        """The name of the index in use: a rebuild puts a new one in place."""


class Rebuild(Protocol):
    def add(self, documents: list[SearchDocument]) -> None: ...

    def finish(self) -> None:
        """Put the new index in place of the current one (atomically)."""

    def abort(self) -> None: ...
