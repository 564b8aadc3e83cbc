"""What an operator's Prometheus reads at ``/metrics``, in its text format (prometheus-client).

Each worker counts what it answers (requests by route, method and status; their latency) and what it holds open
(server-sent event streams; database connections). Under ``serve`` the workers write their counts to files in
``data/metrics`` (prometheus-client's multiprocess mode; ``serve`` empties the folder at its start), so that a
scrape answered by any worker has them all; elsewhere (a test, a server run by hand) the process's own. What the
database holds (jobs waiting, late or failed, mails and text messages among them; the search index's lag) is read
at the scrape (core/site/operations.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"  # set by ``serve`` for its workers
FOLDER = "metrics"  # in the data dir

REQUESTS = Counter("quanzi_http_requests", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram(
    "quanzi_http_request_duration_seconds",
    "How long HTTP requests took to answer.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
STREAMS = Gauge("quanzi_sse_streams", "Server-sent event streams open.", multiprocess_mode="livesum")
CONNECTIONS = Gauge(
    "quanzi_database_connections", "The workers' database connections.", ["state"], multiprocess_mode="livesum"
)


def observe(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route, method, str(status)).inc()
    LATENCY.labels(route, method).observe(seconds)


class _Read(Collector):
    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = list(metrics)

    def collect(self) -> Iterable[Metric]:
        return self.metrics


def exposition(read_now: Iterable[Metric]) -> bytes:
    """The text a scrape gets: what the workers counted, and ``read_now`` (what the database holds)."""
    if os.environ.get(FOLDER_VARIABLE):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    read = CollectorRegistry(auto_describe=False)
    read.register(_Read(read_now))
    return generate_latest(counted) + generate_latest(read)


def worker_stops() -> None:
    """This worker's open streams and connections no longer count."""
    if os.environ.get(FOLDER_VARIABLE):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
