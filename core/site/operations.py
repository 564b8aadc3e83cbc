"""The operator's view of a running site: what ``/metrics`` reads from the database at each scrape, whether the
site is ready to serve (``/readyz``), and each worker's database connections (core/metrics.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from tortoise import connections
from tortoise.functions import Count, Min

from core import metrics
from core.jobs.models import Job, JobState
from core.search.backend import SearchRequest
from core.search.models import SearchOutbox
from core.search.service import Search
from core.uploads.storage import Store

log = logging.getLogger("quanzi.operations")

COUNT_CONNECTIONS_SECONDS = 5.0


async def readings() -> list[Metric]:
    """The jobs by kind and state (a mail waiting to go is a ``mail.send`` job, a text message ``sms.send``), how
    late the oldest of each kind due is, and how far the search index is behind the posts."""
    now = datetime.now(UTC)
    jobs = GaugeMetricFamily(
        "quanzi_jobs",
        "Background jobs (mails, text messages, reminders, ...) by kind and state: due (waiting to run now), "
        "scheduled (later), running, failed (every try failed: an administrator looks).",
        labels=["kind", "state"],
    )
    late = GaugeMetricFamily(
        "quanzi_jobs_late_seconds", "How long the oldest job of each kind that is due has waited.", labels=["kind"]
    )
    counted = await Job.annotate(count=Count("id")).group_by("kind", "state").values("kind", "state", "count")
    due = (
        await Job.filter(state=JobState.WAITING, run_at__lte=now)
        .annotate(count=Count("id"), oldest=Min("run_at"))
        .group_by("kind")
        .values("kind", "count", "oldest")
    )
    due_by_kind = {row["kind"]: row for row in due}
    for row in counted:
        kind, state, count = row["kind"], JobState(row["state"]), row["count"]
        if state is JobState.WAITING:
            now_due = due_by_kind.get(kind, {}).get("count", 0)
            jobs.add_metric([kind, "due"], now_due)
            jobs.add_metric([kind, "scheduled"], count - now_due)
        else:
            jobs.add_metric([kind, "running" if state is JobState.RUNNING else "failed"], count)
    for kind, row in due_by_kind.items():
        late.add_metric([kind], max(0.0, (now - _aware(row["oldest"])).total_seconds()))
    (outbox,) = await SearchOutbox.annotate(count=Count("id"), oldest=Min("created_at")).values("count", "oldest")
    waiting = GaugeMetricFamily("quanzi_search_waiting", "Posts and threads written but not yet in the search index.")
    waiting.add_metric([], outbox["count"])
    lag = GaugeMetricFamily("quanzi_search_lag_seconds", "How long the oldest of them has waited to be indexed.")
    lag.add_metric([], (now - _aware(outbox["oldest"])).total_seconds() if outbox["oldest"] else 0.0)
    return [jobs, late, waiting, lag]


def _aware(when: datetime | str) -> datetime:
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def readiness(search: Search, store: Store) -> dict[str, str]:
    """Whether the database, the search index and the pictures' store answer: "ok", or what is wrong with each."""
    found: dict[str, str] = {}
    try:
        await connections.get("default").execute_query("SELECT 1")
        found["database"] = "ok"
    except Exception as error:
        found["database"] = f"{type(error).__name__}: {error}"
    try:  # a search for a word nobody writes, over every circle: it opens the index as a reader does, cheaply
        await search.backend.search(SearchRequest("quanzireadycheck", None, limit=1))
        found["search"] = "ok" if search.health.damaged is None else str(search.health.problem)
    except Exception as error:  # damaged, missing
        found["search"] = f"{type(error).__name__}: {error}"
    try:
        await store.check()
        found["store"] = "ok"
    except OSError as error:
        found["store"] = f"{type(error).__name__}: {error}"
    return found


def _connections() -> Iterable[tuple[str, int]]:
    """This worker's database connections by state: a pool's (PostgreSQL) in use and idle; SQLite's one."""
    client = connections.get("default")
    pool = getattr(client, "_pool", None)
    if pool is None:
        return (("open", 1),)
    idle = pool.get_idle_size()
    return (("in_use", pool.get_size() - idle), ("idle", idle))


async def count_connections(every: float = COUNT_CONNECTIONS_SECONDS) -> None:
    """Every ``every`` seconds, this worker's database connections, for ``/metrics``."""
    while True:
        for state, count in _connections():
            metrics.CONNECTIONS.labels(state).set(count)
        await asyncio.sleep(every)
