"""Enqueueing jobs, in the caller's transaction: a write that rolls back leaves no job behind."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from core.db import after_commit, transaction
from core.jobs.models import Job, JobState
from core.nudge import Nudge
from core.pluginhost import running

nudge = Nudge()  # wakes this process's runner when a job due now has committed


async def enqueue_job(
    kind: str, payload: dict[str, Any] | None = None, *, at: datetime | None = None, key: str | None = None
) -> None:
    """Run the job ``kind`` with ``payload`` (plain JSON values) at ``at`` (now by default), once the caller's
    transaction commits. With a ``key``, a job of that key already waiting is moved instead (its payload and time
    replaced): a reminder follows the meeting when it moves, and is never sent twice."""
    host = running.active()
    if host is not None and kind not in host.job_kinds:
        raise ValueError(f"no job kind {kind!r} is registered (register_job_kinds)")
    run_at = at or datetime.now(UTC)
    values: dict[str, Any] = dict(kind=kind, payload=payload or {}, run_at=run_at)
    if key is None:
        await Job.create(**values)
    else:
        fresh = dict(values, state=JobState.WAITING, attempts=0, last_error="", holder="", lease_until=None)
        while not await Job.filter(key=key).update(**fresh):
            try:
                async with transaction():  # a savepoint: losing the race to the same key leaves the caller's work
                    await Job.create(key=key, **values)
                break
            except IntegrityError:
                continue  # created meanwhile by another request: move that one
    if run_at <= datetime.now(UTC):
        after_commit(nudge.set)


async def ensure_job(kind: str, key: str, at: datetime) -> None:
    """A job that repeats (it enqueues its next run itself): enqueue its first at ``at`` unless one of ``key``
    waits already, so that a server's restart neither doubles nor postpones it."""
    if not await Job.filter(key=key).exists():
        await enqueue_job(kind, at=at, key=key)


async def cancel_job(key: str) -> bool:
    """Forget the job of ``key`` (a meeting called off takes its reminder along); whether there was one. One
    already running finishes, and is not run again."""
    return bool(await Job.filter(key=key).delete())


async def retry_job(job_id: int) -> bool:
    """Give a dead job one more try, now (from the admin area); whether it was dead."""
    retried = await Job.filter(id=job_id, state=JobState.DEAD).update(
        state=JobState.WAITING, run_at=datetime.now(UTC), holder="", lease_until=None
    )
    if retried:
        after_commit(nudge.set)
    return bool(retried)
