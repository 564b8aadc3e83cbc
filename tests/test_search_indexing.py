"""The index is fed from the outbox: nothing is lost when the server dies, one indexer works at a time, and a full
rebuild is safe while the server runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from core.search import indexer
from core.search.models import SearchLease
from core.testing.live import ROOT, live_server, server_env

PASSWORD = "correct horse battery"


def token(base: str, name: str) -> dict[str, str]:
    httpx2.post(
        f"{base}/api/v1/auth/register", json={"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    )
    response = httpx2.post(f"{base}/api/v1/auth/token", json={"login": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


class ServerError(AssertionError):
    pass


def found(base: str, word: str) -> int:
    answer = httpx2.get(f"{base}/api/v1/search", params={"q": word, "limit": 100}).json()
    if "items" not in answer:
        raise ServerError(answer)
    return len(answer["items"])


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.sqlite_only
def test_writes_outlive_a_killed_server_and_reach_the_index_after_restart(tmp_path):
    with live_server(tmp_path) as server:
        auth = token(server.base, "alice")
        httpx2.post(f"{server.base}/api/v1/circles", json={"slug": "club", "name": "Club"}, headers=auth)
        thread = httpx2.post(
            f"{server.base}/api/v1/circles/club/threads", json={"title": "Start", "body": "nothing"}, headers=auth
        ).json()
        os.kill(server.process.pid, signal.SIGSTOP)  # the indexer cannot run any more...
        os.kill(server.process.pid, signal.SIGCONT)
        for index in range(30):
            httpx2.post(
                f"{server.base}/api/v1/threads/{thread['id']}/posts", json={"body": f"marmalade {index}"}, headers=auth
            )
        os.kill(server.process.pid, signal.SIGKILL)  # ...and dies without warning, mid-way or not
        server.process.wait()
    with live_server(tmp_path) as server:
        try:
            assert wait_until(lambda: found(server.base, "marmalade") == 30), server.output
        except ServerError as error:
            raise AssertionError(f"{error}\n{server.output}") from None  # what the restarted server logged


def test_one_indexer_holds_the_lease_at_a_time(client):
    async def scenario():
        await client.app.state.search.stop()  # the site's own indexer stays out of the way
        assert await indexer.acquire_lease("first")
        assert not await indexer.acquire_lease("second")
        assert await indexer.acquire_lease("first")  # renewing
        await indexer.release_lease("first")
        assert await indexer.acquire_lease("second")
        await SearchLease.filter(name=indexer.LEASE).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        assert await indexer.acquire_lease("third")  # a crashed holder's lease runs out
        await SearchLease.filter(name=indexer.LEASE).update(holder=f"{socket.gethostname()[:30]}:999999999:abcd")
        assert await indexer.acquire_lease("fourth")  # a dead process of this machine needs no waiting

    client.portal.call(scenario)


@pytest.mark.sqlite_only
def test_reindex_rebuilds_everything_while_the_server_runs(tmp_path):
    with live_server(tmp_path) as server:
        auth = token(server.base, "alice")
        httpx2.post(f"{server.base}/api/v1/circles", json={"slug": "club", "name": "Club"}, headers=auth)
        for index in range(20):
            httpx2.post(
                f"{server.base}/api/v1/circles/club/threads",
                json={"title": f"Quince {index}", "body": "fruit"},
                headers=auth,
            )
        assert wait_until(lambda: found(server.base, "quince") == 20)
        rebuild = subprocess.Popen(
            [sys.executable, "server.py", "reindex"],
            cwd=ROOT,
            env=server_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for index in range(10):  # written while the rebuild runs
            httpx2.post(
                f"{server.base}/api/v1/circles/club/threads",
                json={"title": f"Quince late {index}", "body": "fruit"},
                headers=auth,
            )
        output = rebuild.communicate(timeout=120)[0]
        assert rebuild.returncode == 0, output
        assert "Indexed" in output
        assert wait_until(lambda: found(server.base, "quince") == 30), found(server.base, "quince")
        assert found(server.base, "fruit") == 30


def test_an_index_written_before_audiences_is_upgraded_in_place(tmp_path):
    """Its documents keep being found by their circle's viewers; the audience field is there for new ones."""
    from whoosh import index

    from core.contract.kinds import SearchDocument
    from core.search.backend import SearchRequest, WhooshBackend, schema

    folder = tmp_path / "search"
    old = schema()
    old.remove("audience")
    (folder / "g1").mkdir(parents=True)
    writer = index.create_in(str(folder / "g1"), old).writer()
    writer.add_document(key="thread:1", kind="thread", object_id=1, thread_id="1", circle_id="7", author_id="1",
                        text="Walnut harvest", title="Walnut harvest", body="", heading="Walnut harvest", url="/t/1",
                        created_at=1)  # fmt: skip
    writer.commit()
    (folder / "CURRENT").write_text("g1")
    backend = WhooshBackend(folder)
    at = datetime.now(UTC)
    letter = SearchDocument("letter", 2, 7, 0, "Walnut note", "walnut", 1, at, "/l/2", audience=("user:5",))
    backend.apply([letter], [], [])

    def urls(keys: frozenset[str]) -> list[str]:
        return sorted(hit.url for hit in backend.search(SearchRequest("walnut", frozenset({7}), keys))[0])

    assert urls(frozenset()) == ["/t/1"]
    assert urls(frozenset({"user:5"})) == ["/l/2", "/t/1"]
