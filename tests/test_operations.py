"""The operator's view: ``/metrics`` for Prometheus (guarded by a token), ``/healthz`` and ``/readyz``, a request
id on every answer and in the log's JSON lines."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import threading
from datetime import UTC, datetime, timedelta

import httpx2
import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.jobs.models import Job
from core.search.backend import IndexDamaged
from core.testing import PASSWORD, make_circle, make_thread, register, run, wait_until
from core.testing.live import live_server
from core.uploads.storage import FileStore

TOKEN = "scrape-me-1234"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape by its name and labels (prometheus-client's own parser reads it)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _requests(samples, route: str, method: str, status: str) -> float:
    labels = tuple(sorted({"route": route, "method": method, "status": status}.items()))
    return samples.get(("quanzi_http_requests_total", labels), 0.0)


@pytest.fixture
def site(quanzi_site):
    return quanzi_site(metrics_token=TOKEN, client_address=("10.0.0.2", 40000))


def test_metrics_are_only_for_whoever_holds_the_token(site):
    assert site.get("/metrics").status_code == 401
    assert site.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 401
    answer = site.get("/metrics", headers=SCRAPE)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert answer.headers.get("x-quanzi-cache") is None  # never kept for the next guest


def test_without_a_token_set_there_are_no_metrics(quanzi_site):
    assert quanzi_site().get("/metrics", headers=SCRAPE).status_code == 404


def test_requests_are_counted_by_route_method_and_status_kept_pages_too(site):
    owner = register(site, "counted")
    make_circle(site, owner, "counting")
    thread = make_thread(site, owner, "counting", "Counted", "Every look counts")
    before = _samples(site.get("/metrics", headers=SCRAPE).text)
    for _ in range(3):  # made once, then served from the guests' cache: counted all the same, under its route
        assert site.get(f"/t/{thread['id']}").status_code == 200
    site.get(f"/api/v1/threads/{thread['id']}")
    for number in range(5):  # a scanner's addresses: one series, not one each
        assert site.get(f"/wp-admin-{number}.php").status_code == 404
    after = _samples(site.get("/metrics", headers=SCRAPE).text)
    for route, status, count in (
        ("/t/{id:int}", "200", 3),
        ("/api/v1/threads/{id:int}", "200", 1),
        ("(none)", "404", 5),
    ):
        grew = _requests(after, route, "GET", status) - _requests(before, route, "GET", status)
        assert grew == count, (route, grew)
    buckets = [
        value
        for (name, labels), value in after.items()
        if name == "quanzi_http_request_duration_seconds_bucket" and ("route", "/t/{id:int}") in labels
    ]
    assert len(buckets) == 12 and max(buckets) >= 3  # eleven bounds and +Inf


def test_jobs_waiting_late_and_failed_and_the_search_lag_are_read_at_the_scrape(site):
    now = datetime.now(UTC)
    run(site, Job.create(kind="test.nobody-runs", run_at=now - timedelta(minutes=2)))
    run(site, Job.create(kind="test.nobody-runs", run_at=now + timedelta(hours=1)))
    run(site, Job.create(kind="test.nobody-runs", run_at=now, state="dead", last_error="gave up"))
    samples = _samples(site.get("/metrics", headers=SCRAPE).text)

    def jobs(state: str) -> float:
        return samples[("quanzi_jobs", (("kind", "test.nobody-runs"), ("state", state)))]

    assert (jobs("due"), jobs("scheduled"), jobs("failed")) == (1, 1, 1)
    assert 100 < samples[("quanzi_jobs_late_seconds", (("kind", "test.nobody-runs"),))] < 600
    assert ("quanzi_search_lag_seconds", ()) in samples and ("quanzi_search_waiting", ()) in samples


def test_ready_says_what_answers_and_what_does_not(site, monkeypatch):
    answer = site.get("/readyz")
    assert answer.status_code == 200 and answer.json() == {"database": "ok", "search": "ok", "store": "ok"}
    assert site.get("/healthz").text == "ok"

    async def full(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileStore, "check", full)
    answer = site.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["store"] == "OSError: [Errno 28] No space left on device"
    assert answer.json()["database"] == "ok" and answer.json()["search"] == "ok"

    async def damaged(self, request):
        raise IndexDamaged("segment _MAIN_3 is missing")

    monkeypatch.setattr(type(site.app.state.search.backend), "search", damaged)
    assert site.get("/readyz").json()["search"] == "IndexDamaged: segment _MAIN_3 is missing"


def test_every_answer_has_a_request_id(site):
    first, second = site.get("/healthz"), site.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{16}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    chosen = {"X-Request-ID": "proxy-abc-123"}
    assert site.get("/healthz", headers=chosen).headers["x-request-id"] != "proxy-abc-123"  # not a trusted proxy


def test_a_trusted_proxy_chooses_the_request_id(quanzi_site):
    behind = quanzi_site(client_address=("10.0.0.2", 40000), trusted_proxies=(ipaddress.ip_network("10.0.0.0/8"),))
    chosen = {"X-Request-ID": "proxy-abc-123"}
    assert behind.get("/healthz", headers=chosen).headers["x-request-id"] == "proxy-abc-123"
    odd = {"X-Request-ID": "<script>"}
    assert behind.get("/healthz", headers=odd).headers["x-request-id"] != "<script>"


def _stream_open(base: str, slug: str, opened: threading.Event, done: threading.Event) -> None:
    async def hold() -> None:
        async with httpx2.AsyncClient(base_url=base, timeout=30) as client:
            async with client.stream("GET", f"/api/v1/circles/{slug}/chat/stream") as stream:
                async for line in stream.aiter_lines():
                    if line.startswith("retry:"):
                        opened.set()
                        while not done.is_set():
                            await asyncio.sleep(0.05)
                        return

    asyncio.run(hold())


def test_a_served_site_counts_every_worker_streams_included_and_logs_json_lines(tmp_path):
    settings = {"QUANZI_METRICS_TOKEN": TOKEN, "QUANZI_LOG_FORMAT": "json", "QUANZI_TRUSTED_PROXIES": "127.0.0.1"}
    with live_server(tmp_path, log_level="info", **settings) as server:
        base = server.base
        account = {"username": "streamer", "email": "streamer@example.com", "password": PASSWORD}
        assert httpx2.post(f"{base}/api/v1/auth/register", json=account).status_code == 201
        login = {"login": "streamer", "password": PASSWORD}
        token = httpx2.post(f"{base}/api/v1/auth/token", json=login).json()["token"]
        circle = {"slug": "talkers", "name": "Talkers"}
        made = httpx2.post(f"{base}/api/v1/circles", json=circle, headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201
        opened, done = threading.Event(), threading.Event()
        holder = threading.Thread(target=_stream_open, args=(base, "talkers", opened, done))
        holder.start()
        try:
            assert opened.wait(10)
            samples = _samples(httpx2.get(f"{base}/metrics", headers=SCRAPE).text)
            assert samples[("quanzi_sse_streams", ())] == 1
            assert _requests(samples, "/api/v1/circles", "POST", "201") == 1  # counted in the worker's files
            assert samples[("quanzi_database_connections", (("state", "open"),))] == 1
        finally:
            done.set()
            holder.join(10)
        wait_until(
            lambda: _samples(httpx2.get(f"{base}/metrics", headers=SCRAPE).text)[("quanzi_sse_streams", ())] == 0,
            timeout=10,
        )
        answer = httpx2.get(f"{base}/c/nowhere", headers={"X-Request-ID": "proxy-abc-123"})
        assert answer.status_code == 404 and answer.headers["x-request-id"] == "proxy-abc-123"

        def logged() -> list[dict[str, str]]:
            return [json.loads(line) for line in server.lines if line.startswith("{")]

        wait_until(lambda: any(line["request_id"] == "proxy-abc-123" for line in logged()), timeout=5)
        (access,) = [line for line in logged() if line["request_id"] == "proxy-abc-123"]
        assert access["logger"] == "uvicorn.access" and '"GET /c/nowhere HTTP/1.1" 404' in access["message"]
        assert all(line.startswith("{") for line in server.lines if line.strip() and not line.startswith(" "))
