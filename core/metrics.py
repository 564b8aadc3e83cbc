"""What an operator's Prometheus reads at ``/metrics``, in its text format (prometheus-client).

Each worker counts what it answers (requests by route, method and status; their latency) and what it holds open
(server-sent event streams; database connections). Under ``serve`` the workers write their counts to files in
``data/metrics`` (prometheus-client's multiprocess mode; ``serve`` empties the folder at its start), so that a
scrape answered by any worker has them all; elsewhere (a test, a server run by hand) the process's own. What the
database holds (jobs waiting, late or failed, mails and text messages among them; the search index's lag) is read
at the scrape (core/site/operations.py).
"""

from __future__ import annotations

import asyncio
import os
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # set by ``serve`` for its workers
FOLDER = "metrics"  # in the data dir

BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)  # the latency buckets, in seconds
FLUSH_SECONDS = 1.0
REQUESTS = Counter("quanzi_http_requests", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram(
    "quanzi_http_request_duration_seconds", "How long HTTP requests took.", ["route", "method"], buckets=BOUNDS
)
STREAMS = Gauge("quanzi_sse_streams", "Server-sent event streams open.", multiprocess_mode="livesum")
CONNECTIONS = Gauge(
    "quanzi_database_connections", "The workers' database connections.", ["state"], multiprocess_mode="livesum"
)


# A request is counted here, in plain numbers, and handed to prometheus-client's counters once a second (``flush``):
# in multiprocess mode each of its additions writes a shared file under a lock, some 8 µs for a request's count and
# time, which a guest's kept page (20 µs in all) would feel; here it costs well under a microsecond.
_counted: defaultdict[tuple[str, str, int], int] = defaultdict(int)
_timed: dict[tuple[str, str], list[float]] = {}  # per route and method: the count in each bucket, then the sum


def observe(route: str, method: str, status: int, seconds: float) -> None:
    _counted[(route, method, status)] += 1
    timed = _timed.get((route, method))
    if timed is None:
        timed = _timed[(route, method)] = [0.0] * (len(BOUNDS) + 2)
    timed[bisect_left(BOUNDS, seconds)] += 1  # the first bucket whose bound holds it; past the last: +Inf
    timed[-1] += seconds


def flush() -> None:
    """What this worker counted since the last flush, into prometheus-client's counters and histogram."""
    counted, timed = dict(_counted), dict(_timed)
    _counted.clear()
    _timed.clear()
    for (route, method, status), count in counted.items():
        REQUESTS.labels(route, method, str(status)).inc(count)
    for (route, method), (*buckets, total) in timed.items():
        histogram = LATENCY.labels(route, method)
        for bucket, times in zip(histogram._buckets, buckets, strict=True):  # Histogram.observe adds one at a time
            if times:
                bucket.inc(times)
        histogram._sum.inc(total)


async def keep_flushing(every: float = FLUSH_SECONDS) -> None:
    while True:
        await asyncio.sleep(every)
        flush()


class _Read(Collector):
    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterable[Metric]:
        return self.metrics


def exposition(read_now: Iterable[Metric]) -> bytes:
    """The text a scrape gets: what the workers counted (this one's up to now; the others' up to their last flush),
    and ``read_now`` (what the database holds)."""
    flush()
    if os.environ.get(FOLDER_VARIABLE):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    read = CollectorRegistry(auto_describe=False)
    read.register(_Read(read_now))
    return generate_latest(counted) + generate_latest(read)


def worker_stops() -> None:
    """This worker's last counts are handed over; its open streams and connections no longer count."""
    flush()
    if os.environ.get(FOLDER_VARIABLE):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
