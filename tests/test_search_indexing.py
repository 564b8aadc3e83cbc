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
from pathlib import Path

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
        for worker in server.workers():
            os.kill(worker, signal.SIGSTOP)  # the indexer cannot run any more...
            os.kill(worker, signal.SIGCONT)
        for index in range(30):
            httpx2.post(
                f"{server.base}/api/v1/threads/{thread['id']}/posts", json={"body": f"marmalade {index}"}, headers=auth
            )
        server.kill()  # ...and dies without warning, mid-way or not
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


def test_reindex_rebuilds_everything_while_the_server_runs(config):
    """On either engine: the Whoosh index in the data dir, or PostgreSQL's in the PostgreSQL run."""
    site = {"QUANZI_DATABASE_URL": config.database_url, "QUANZI_SECRET_KEY": config.secret_key}
    with live_server(config.data_dir, **site) as server:
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
            env=server_env(config.data_dir, **site),
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
    from core.search.backend import SearchRequest
    from core.search.whoosh_index import WhooshBackend, schema

    folder = tmp_path / "search"
    old = schema()
    old.remove("audience")
    (folder / "g1").mkdir(parents=True)
    writer = index.create_in(str(folder / "g1"), old).writer()
    writer.add_document(
        key="thread:1",
        kind="thread",
        object_id=1,
        thread_id="1",
        circle_id="7",
        author_id="1",
        text="Walnut harvest",
        title="Walnut harvest",
        body="",
        heading="Walnut harvest",
        url="/t/1",
        created_at=1,
    )
    writer.commit()
    (folder / "CURRENT").write_text("g1")
    backend = WhooshBackend(folder)
    at = datetime.now(UTC)
    letter = SearchDocument("letter", 2, 7, 0, "Walnut note", "walnut", 1, at, "/l/2", audience=("user:5",))
    backend.apply_now([letter], [], [])

    def urls(keys: frozenset[str]) -> list[str]:
        return sorted(hit.url for hit in backend.search_now(SearchRequest("walnut", frozenset({7}), keys))[0])

    assert urls(frozenset()) == ["/t/1"]
    assert urls(frozenset({"user:5"})) == ["/l/2", "/t/1"]


def _damage(folder: Path) -> None:
    """Cut every segment file of the current generation to half its length."""
    generation = folder / (folder / "CURRENT").read_text().strip()
    for path in generation.glob("MAIN_*"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_damaged_index_is_said_plainly_and_reindex_mends_it(tmp_path):
    """After a restart on a damaged index: no 500, a clear 503 to searchers, the admin area and the log say to run
    reindex; once it has run, search works again without a restart."""
    from core.accounts.models import Role
    from core.search.commands import reindex
    from core.testing import make_circle, make_thread, register, running_site

    with running_site(tmp_path / "site", search_engine="whoosh") as client:
        root = register(client, "root", Role.ADMIN)
        make_circle(client, root, "club")
        make_thread(client, root, "club", "Hawthorn", "hawthorn berries")
        client.portal.call(client.app.state.search.flush)
        _damage(client.app.state.site.config.data_dir / "search")
        client.portal.call(client.app.state.search.check)  # what startup does
        answer = client.get("/api/v1/search", params={"q": "hawthorn"})
        assert answer.status_code == 503, answer.text
        assert answer.json()["error"]["code"] == "search_unavailable"
        assert "reindex" in answer.json()["error"]["message"]
        assert "server.py reindex" in client.get("/admin", headers=root.auth).text
        site = client.app.state.site
        client.portal.call(reindex, site.config, site.plugins)
        found = client.get("/api/v1/search", params={"q": "hawthorn"}).json()["items"]
        assert [item["title"] for item in found] == ["Hawthorn"]
        assert "server.py reindex" not in client.get("/admin", headers=root.auth).text


def test_a_lost_current_pointer_finds_the_index_again(tmp_path):
    from core.contract.kinds import SearchDocument
    from core.search.backend import SearchRequest
    from core.search.whoosh_index import WhooshBackend

    folder = tmp_path / "search"
    backend = WhooshBackend(folder)
    at = datetime.now(UTC)
    backend.apply_now([SearchDocument("thread", 1, 7, 1, "Loquat", "loquat", 1, at, "/t/1")], [], [])
    (folder / "CURRENT").unlink()
    again = WhooshBackend(folder)
    assert [hit.url for hit in again.search_now(SearchRequest("loquat", None))[0]] == ["/t/1"]


@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MB file system (tmpfs), to fill up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _documents(count: int, start: int = 1) -> list:
    import random

    from core.contract.kinds import SearchDocument

    words = random.Random(start)
    at = datetime.now(UTC)
    return [
        SearchDocument(
            "post",
            number,
            1,
            1,
            "T",
            " ".join("".join(words.choices("abcdefghij", k=8)) for _ in range(120)),
            1,
            at,
            f"/p/{number}",
        )
        for number in range(start, start + count)
    ]


@pytest.mark.sqlite_only
def test_a_commit_that_fills_the_disk_leaves_nothing_behind(small_disk):
    """A failed commit's segment files are removed and its lock freed: the space comes back, and the next commit,
    once there is room, works."""
    import errno
    import shutil

    from core.search.backend import SearchRequest
    from core.search.whoosh_index import WhooshBackend

    backend = WhooshBackend(small_disk / "search")
    backend.apply_now(_documents(1), [], [])
    generation = small_disk / "search" / backend.generation()
    kept = {path.name for path in generation.iterdir() if path.name.startswith(("MAIN_", "_MAIN_"))}
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - 300_000))
    free = shutil.disk_usage(small_disk).free
    with pytest.raises(OSError) as failure:  # kept alive here, with its traceback, while the space is measured
        backend.apply_now(_documents(2000, start=2), [], [])
    assert failure.value.errno == errno.ENOSPC
    left = {path.name for path in generation.iterdir() if path.name.startswith(("MAIN_", "_MAIN_"))}
    assert left == kept
    assert shutil.disk_usage(small_disk).free >= free - 16_384  # the space the failed commit took is back
    filler.unlink()
    backend.apply_now(_documents(1, start=5000), [], [])
    assert len(backend.search_now(SearchRequest(_documents(1, start=5000)[0].body.split()[0], None))[0]) == 1


def test_the_indexer_backs_off_and_says_why():
    import errno

    from core.search.health import NO_SPACE, IndexHealth

    health = IndexHealth()
    full = OSError(errno.ENOSPC, "No space left on device")
    assert [health.indexing_failed(full, every=1.0) for _ in range(11)][:4] == [1.0, 2.0, 4.0, 8.0]
    assert health.indexing_failed(full, every=1.0) == 300.0 and health.problem == NO_SPACE
    health.indexing_worked()
    assert (health.problem, health.failures) == (None, 0)
