"""The indexer: drains the outbox into the index. One process at a time holds the lease (several workers, or the
``reindex`` command, take turns); rows are deleted only after the index has committed them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.contract.kinds import SearchDocument, SearchSource
from core.search import outbox
from core.search.backend import SearchBackend
from core.search.health import IndexHealth
from core.search.models import SearchLease, SearchOutbox
from core.workers import dead_here

log = logging.getLogger("quanzi.search")

LEASE = "indexer"
LEASE_SECONDS = 20
BATCH = 200


async def acquire_lease(holder: str) -> bool:
    """Take or renew the lease: free, expired, already ours, or held by a dead process of this machine."""
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=LEASE_SECONDS)
    current = await SearchLease.get_or_none(name=LEASE)
    free = Q(expires_at__lt=now) | Q(holder=holder)
    if current is not None and dead_here(current.holder):
        free |= Q(holder=current.holder)
    if await SearchLease.filter(Q(name=LEASE) & free).update(holder=holder, expires_at=expires):
        return True
    try:
        await SearchLease.create(name=LEASE, holder=holder, expires_at=expires)
    except IntegrityError:
        return False  # another process holds it
    return True


async def release_lease(holder: str) -> None:
    await SearchLease.filter(name=LEASE, holder=holder).update(expires_at=datetime(2000, 1, 1, tzinfo=UTC))


async def drain_once(backend: SearchBackend, sources: dict[str, SearchSource]) -> int:
    """Index one batch of the outbox; the number of rows it took (0 when the outbox is empty)."""
    rows = await SearchOutbox.all().order_by("id").limit(BATCH)
    if not rows:
        return 0
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row.kind].add(row.object_id)
    upserts: list[SearchDocument] = []
    removals: list[tuple[str, int]] = []
    removed_threads: list[int] = []
    for kind, ids in wanted.items():
        source = sources.get(kind)
        if source is None:
            continue  # a disabled plugin's documents stay as they were until it comes back or a reindex
        documents = await source.load(sorted(ids))
        upserts.extend(documents)
        missing = ids - {document.id for document in documents}
        removals.extend((kind, object_id) for object_id in missing)
        if kind == "thread":
            removed_threads.extend(missing)  # a thread that is gone takes its posts (and attached content) along
    await backend.apply(upserts, removals, removed_threads)
    await SearchOutbox.filter(id__in=[row.id for row in rows]).delete()
    return len(rows)


async def drain(backend: SearchBackend, sources: dict[str, SearchSource], holder: str) -> int | None:
    """Drain the whole outbox if ``holder`` gets the lease: the number of rows indexed, None without the lease. An
    empty outbox is left without taking the lease: an idle site's indexer writes nothing (a write would make every
    worker's remembered reads be read again, core/remembered.py)."""
    if not await SearchOutbox.exists():
        return 0
    if not await acquire_lease(holder):
        return None
    total = 0
    try:
        while count := await drain_once(backend, sources):
            total += count
            await acquire_lease(holder)  # renew while working
    finally:
        await release_lease(holder)
    return total


async def run(
    drain_outbox: Callable[[], Awaitable[int | None]], stopping: asyncio.Event, health: IndexHealth, every: float = 1.0
) -> None:
    """The indexer of a server process: drain after each write of this process, and every ``every`` seconds, until
    ``stopping`` is set (never cancelled half-way through a database call). A failed round is told to ``health``,
    and the next waits longer each time, whatever is written meanwhile (a full disk is not filled again at once)."""
    while not stopping.is_set():
        try:
            await drain_outbox()
        except Exception as error:
            delay = health.indexing_failed(error, every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), delay)
            continue
        health.indexing_worked()
        await outbox.nudge.wait(every)
