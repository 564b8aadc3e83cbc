"""The job runner of one server process. Jobs are claimed one at a time so that each runs once however many
processes or machines run: on PostgreSQL the due rows are locked with ``FOR UPDATE SKIP LOCKED``, on SQLite
(where one writer at a time holds the whole database) a conditional update claims a row that nobody changed
meanwhile. A claimed job holds a lease; a worker that dies leaves its job to be taken over when the lease ends, or
at once by a process of the same machine that sees it gone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q

from core.contract.kinds import JobContext, JobKind
from core.db import transaction
from core.jobs.models import Job, JobState
from core.jobs.queue import nudge
from core.workers import dead_here, holder_name

log = logging.getLogger("quanzi.jobs")

MAX_DELAY = 6 * 3600.0
CANDIDATES = 10


def retry_delay(base: float, attempts: int) -> float:
    """Seconds to wait before the next try after ``attempts`` failed ones: ``base``, doubling, at most 6 hours."""
    return float(min(base * 2 ** max(attempts - 1, 0), MAX_DELAY))


@dataclass
class JobRunner:
    site: Any  # core.web.site.Site
    kinds: dict[str, JobKind]
    retry_seconds: float = 30.0
    every: float = 1.0  # how often it looks for due jobs when nothing wakes it
    holder: str = field(default_factory=holder_name)
    _task: asyncio.Task[None] | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def _due(self, now: datetime) -> Q:
        waiting = Q(state=JobState.WAITING, run_at__lte=now)
        abandoned = Q(state=JobState.RUNNING, lease_until__lt=now)
        return Q(kind__in=list(self.kinds)) & (waiting | abandoned)

    async def _orphans(self) -> list[int]:
        """Running jobs whose worker was a process of this machine that has died."""
        running = await Job.filter(state=JobState.RUNNING, kind__in=list(self.kinds)).values_list("id", "holder")
        return [job_id for job_id, holder in running if dead_here(holder)]

    async def claim(self) -> Job | None:
        """Take one due job (its lease starts now, its attempts grow by one), or None."""
        now = datetime.now(UTC)
        due = self._due(now)
        orphans = await self._orphans()
        if orphans:
            due |= Q(id__in=orphans)
        if self.site.config.is_sqlite:
            for job in await Job.filter(due).order_by("run_at", "id").limit(CANDIDATES):
                if await self._take(Job.filter(id=job.id, state=job.state, attempts=job.attempts), job, now):
                    return job
            return None
        async with transaction():
            locked = await Job.filter(due).order_by("run_at", "id").select_for_update(skip_locked=True).first()
            if locked is not None and await self._take(Job.filter(id=locked.id), locked, now):
                return locked
        return None

    async def _take(self, query: Any, job: Job, now: datetime) -> bool:
        lease = now + timedelta(seconds=self.kinds[job.kind].lease_seconds)
        if not await query.update(
            state=JobState.RUNNING, holder=self.holder, lease_until=lease, attempts=F("attempts") + 1
        ):
            return False
        job.attempts += 1
        return True

    async def run_one(self, job: Job) -> None:
        """Run a claimed job: done, it is deleted; failed, it waits for its next try, or is dead after its last."""
        kind = self.kinds[job.kind]
        mine = Job.filter(id=job.id, holder=self.holder, state=JobState.RUNNING)
        try:
            await asyncio.wait_for(kind.run(JobContext(job.payload, self.site, job.attempts)), kind.lease_seconds)
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:2000]
            if job.attempts >= kind.attempts:
                log.error("job %s #%s failed its last try (%s): %s", job.kind, job.id, job.attempts, reason)
                await mine.update(state=JobState.DEAD, last_error=reason, holder="", lease_until=None)
            else:
                delay = retry_delay(self.retry_seconds, job.attempts)
                log.warning(
                    "job %s #%s failed (try %s), again in %.0f s: %s", job.kind, job.id, job.attempts, delay, reason
                )
                await mine.update(
                    state=JobState.WAITING,
                    last_error=reason,
                    holder="",
                    lease_until=None,
                    run_at=datetime.now(UTC) + timedelta(seconds=delay),
                )
        else:
            await mine.delete()

    async def run_due(self) -> int:
        """Run every job due now, one after another; how many ran."""
        count = 0
        while not self._stopping.is_set() and (job := await self.claim()) is not None:
            await self.run_one(job)
            count += 1
        return count

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception("the job runner failed; it tries again in a moment")
            await nudge.wait(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self, grace: float = 10.0) -> None:
        """Stop after the job in hand (or, after ``grace`` seconds, leave it to be taken over after its lease)."""
        self._stopping.set()
        nudge.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, grace)
