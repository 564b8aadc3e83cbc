"""Background jobs, as a plugin uses them (tests/quanzi_chores: each run is written down in chores.log): enqueued
in the caller's transaction, run once each however many processes run, on time with no request arriving, retried,
then dead and retried from the admin area, and taken over when their worker is killed."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

import httpx2
import pytest
from conftest import register

from core.accounts.models import Role
from core.pluginhost.host import PluginHost
from core.testing import PASSWORD, enable_plugin, fresh_database, make_config, wait_until
from core.testing.databases import POSTGRES
from core.testing.live import live_server


def runs(data_dir: Path) -> list[tuple[str, int, int, int]]:
    """(event, job number, process, try) for each line of chores.log."""
    log = data_dir / "chores.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [(event, int(n), int(pid), int(attempt)) for event, n, pid, attempt in (line.split() for line in lines)]


def ran(data_dir: Path) -> list[int]:
    return [n for event, n, _, _ in runs(data_dir) if event == "ran"]


@pytest.fixture
def chores(test_plugin, quanzi_site):
    test_plugin("chores", "quanzi_chores")
    client = quanzi_site(plugins=["chores"], job_retry_seconds=0.1)
    owner = register(client, "owner", Role.ADMIN)
    return client, owner, client.app.state.site.config.data_dir


def add(client, member, **body):
    response = client.post("/api/v1/chores", json=body, headers=member.auth)
    return response


def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_runs(chores):
    client, owner, data = chores
    assert add(client, owner, first=1, roll_back=True).status_code == 400
    assert add(client, owner, first=2).status_code == 201
    wait_until(lambda: 2 in ran(data))
    assert ran(data) == [2]
    page = client.get("/admin/background", headers=owner.auth)
    assert page.status_code == 200


def test_a_job_due_in_three_seconds_runs_then_with_no_request_arriving(chores):
    client, owner, data = chores
    started = time.monotonic()
    assert add(client, owner, first=5, in_seconds=3).status_code == 201
    wait_until(lambda: ran(data) == [5], timeout=10)
    assert 3 <= time.monotonic() - started < 6


def test_a_failing_job_is_retried_then_dead_then_retried_by_an_administrator(chores):
    client, owner, data = chores
    add(client, owner, first=1, succeed_on=2)  # fails once, then runs
    add(client, owner, first=2, succeed_on=4)  # three tries (its kind's attempts), all failing: dead
    wait_until(lambda: 1 in ran(data) and [e for e, n, _, _ in runs(data) if n == 2].count("failed") == 3)
    page = client.get("/admin/background")
    assert page.url.path == "/login" and "chores.note" not in page.text  # administrators only
    client.post(
        "/api/v1/auth/session",
        json={"login": "owner", "password": PASSWORD},
        headers={"X-CSRF-Token": client.get("/api/v1/auth/csrf").json()["csrf_token"]},
    )
    wait_until(lambda: "RuntimeError: not yet (try 3)" in client.get("/admin/background").text)
    page = client.get("/admin/background", headers={"Accept-Language": "en"}).text
    assert "chores.note" in page and "Retry now" in page
    job_id = page.split("/admin/background/jobs/")[1].split("/")[0]
    csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(f"/admin/background/jobs/{job_id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    wait_until(lambda: 2 in ran(data))  # its fourth try succeeds
    assert Counter(ran(data)) == {1: 1, 2: 1}
    assert "Retry now" not in client.get("/admin/background", headers={"Accept-Language": "en"}).text


def test_a_keyed_job_enqueued_again_is_moved_not_doubled(chores):
    client, owner, data = chores
    add(client, owner, first=1, in_seconds=1, key="reminder:1")
    add(client, owner, first=2, in_seconds=1, key="reminder:1")
    add(client, owner, first=3, in_seconds=1.5)
    wait_until(lambda: 3 in ran(data))
    wait_until(lambda: 2 in ran(data))
    assert sorted(ran(data)) == [2, 3]


@pytest.fixture
def shared_database(test_plugin, tmp_path):
    """A migrated database with the chores plugin enabled, and the environment for servers on it."""
    path = test_plugin("chores", "quanzi_chores")
    config = make_config(tmp_path / "data", job_retry_seconds=0.1)
    enable_plugin(config.plugins_file, "chores")
    with fresh_database(config, PluginHost(config)):
        yield (
            config,
            {
                "QUANZI_DATABASE_URL": config.database_url,
                "QUANZI_PLUGINS_FILE": str(config.plugins_file),
                "QUANZI_JOB_RETRY_SECONDS": "0.1",
                "PYTHONPATH": path,
            },
        )


def member_token(base: str) -> dict[str, str]:
    body = {"username": "owner", "email": "owner@example.com", "password": PASSWORD}
    httpx2.post(f"{base}/api/v1/auth/register", json=body)
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": "owner", "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_two_hundred_jobs_over_two_worker_processes_run_exactly_once_each(shared_database):
    config, env = shared_database
    data = config.data_dir
    # PostgreSQL: one server with two worker processes; SQLite (one worker per server): two servers on one file.
    with live_server(data, workers=2 if POSTGRES else 1, **env) as first, live_server(data, **env) as second:
        auth = member_token(first.base)
        for start in range(0, 200, 50):
            body = {"first": start, "count": 50, "seconds": 0.02}  # 4 s of work in all: both servers take some
            answer = httpx2.post(f"{first.base}/api/v1/chores", json=body, headers=auth)
            assert answer.status_code == 201, answer.text
        wait_until(lambda: len(ran(data)) >= 200, timeout=60)
        time.sleep(0.5)  # a job run twice would be written down by now
        assert Counter(ran(data)) == {n: 1 for n in range(200)}
        assert len({pid for _, _, pid, _ in runs(data)}) >= 2, second.output


def test_a_job_whose_worker_is_killed_runs_again_after_its_lease(shared_database):
    config, env = shared_database
    data = config.data_dir
    with live_server(data, **env) as first, live_server(data, **env) as second:
        auth = member_token(first.base)
        assert (
            httpx2.post(
                f"{first.base}/api/v1/chores", json={"first": 7, "kind": "chores.stall"}, headers=auth
            ).status_code
            == 201
        )
        wait_until(lambda: any(event == "started" for event, *_ in runs(data)))
        ((_, _, worker, _),) = runs(data)
        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: ran(data) == [7], timeout=20)
        ((_, _, survivor, attempt),) = [run for run in runs(data) if run[0] == "ran"]
        assert survivor != worker and attempt == 2
        assert parent_of(survivor) in {first.process.pid, second.process.pid}  # a worker of one of the servers


def parent_of(pid: int) -> int:
    """The process that started ``pid`` (a server's worker: its ``serve`` supervisor)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def test_a_hung_mail_server_delays_no_other_job(test_plugin, quanzi_site):
    """Mail has a lane of its own: while a server that accepts and never answers holds three mails, a chore runs."""
    import socket

    from core.mail.outbox import queue_mail
    from core.mail.smtp import SmtpServer

    hung = socket.create_server(("127.0.0.1", 0), backlog=10)  # accepts connections, never says hello
    try:
        test_plugin("chores", "quanzi_chores")
        client = quanzi_site(plugins=["chores"], smtp=SmtpServer("smtp", "127.0.0.1", hung.getsockname()[1]))
        owner = register(client, "owner", Role.ADMIN)
        for number in range(3):
            assert client.portal.call(queue_mail, f"reader{number}@example.com", "verify_email", {"url": "x"})
        assert add(client, owner, first=7).status_code == 201
        wait_until(lambda: 7 in ran(client.app.state.site.config.data_dir), timeout=8.0)  # not after 3 × the timeout
    finally:
        hung.close()
