"""How the search index is doing, for the log, the admin area and a searcher's error: a full disk or a damaged
index is said plainly, with what to do, instead of failing silently or answering 500."""

from __future__ import annotations

import errno
import logging
from dataclasses import dataclass

from core.errors import Message

log = logging.getLogger("quanzi.search")

NO_SPACE = Message(
    "There is no space left on the disk for the search index: new posts are kept and will be "
    "indexed once space is freed."
)
DAMAGED = Message("The search index is damaged; search is off until an administrator runs `python server.py reindex`.")
FAILING = Message(
    "The search indexer is failing (see the server's log); new posts are kept and will be indexed when it recovers."
)
LONGEST_WAIT = 300.0  # seconds between tries, at most


@dataclass
class IndexHealth:
    """The index's trouble, if any: ``problem`` for people, ``failures`` in a row for the indexer's back-off."""

    problem: Message | None = None
    failures: int = 0
    damaged: str | None = None  # the generation of the index found damaged: it stays so until replaced

    def indexing_failed(self, error: BaseException, every: float) -> float:
        """Note a failed round of the indexer; how long to wait before the next (doubling, up to five minutes)."""
        self.failures += 1
        delay = min(LONGEST_WAIT, every * 2.0 ** (self.failures - 1))
        full = isinstance(error, OSError) and error.errno == errno.ENOSPC
        self.problem = NO_SPACE if full else self.problem if self.damaged else FAILING
        if full:
            log.error(
                "search index: no space left on the disk; indexing waits %.0f s (writes stay in the outbox)", delay
            )
        else:
            log.error("the search indexer failed; it tries again in %.0f s", delay, exc_info=error)
        return delay

    def indexing_worked(self) -> None:
        if self.failures:
            log.warning("the search indexer works again after %d failed rounds", self.failures)
        self.failures = 0
        if not self.damaged:
            self.problem = None

    def index_damaged(self, generation: str, error: BaseException) -> None:
        if self.damaged != generation:
            log.error("the search index is damaged (%s): run `python server.py reindex`", error)
        self.damaged, self.problem = generation, DAMAGED

    def index_readable(self) -> None:
        """The index reads (again: rebuilt by ``reindex``)."""
        if self.damaged:
            log.warning("the search index reads again")
        self.damaged = None
        self.problem = FAILING if self.failures else None
