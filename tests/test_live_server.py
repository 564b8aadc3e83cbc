"""Against a real server process: what the in-process client cannot show (task-local ORM context, real
concurrency on SQLite, the console's setup link)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from core.testing.live import ROOT, live_server, server_env

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.sqlite_only


async def _member(client: httpx2.AsyncClient, name: str) -> dict[str, str]:
    await client.post(
        "/api/v1/auth/register", json={"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    )
    response = await client.post("/api/v1/auth/token", json={"login": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def _two_hundred_replies(base: str) -> tuple[list[int], list[dict[str, object]], int]:
    async with httpx2.AsyncClient(base_url=base, timeout=60) as setup:
        owner = await _member(setup, "owner")
        await setup.post("/api/v1/circles", json={"slug": "busy", "name": "Busy"}, headers=owner)
        thread = (
            await setup.post("/api/v1/circles/busy/threads", json={"title": "Go", "body": "Reply here"}, headers=owner)
        ).json()
        writers = [await _member(setup, f"writer{i}") for i in range(8)]

    async def one_client(number: int) -> list[int]:
        # 32 clients, each with its own connection, 200 replies in all.
        async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
            codes = []
            for index in range(number, 200, 32):
                response = await client.post(
                    f"/api/v1/threads/{thread['id']}/posts", json={"body": f"reply {index}"}, headers=writers[index % 8]
                )
                codes.append(response.status_code)
            return codes

    codes = [code for chunk in await asyncio.gather(*(one_client(n) for n in range(32))) for code in chunk]
    async with httpx2.AsyncClient(base_url=base, timeout=60) as reader:
        posts, cursor = [], None
        while True:
            params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
            page = (await reader.get(f"/api/v1/threads/{thread['id']}/posts", params=params)).json()
            posts += page["items"]
            cursor = page["next"]
            if cursor is None:
                break
        post_count = (await reader.get(f"/api/v1/threads/{thread['id']}")).json()["post_count"]
    return codes, posts, post_count


def test_200_replies_from_32_concurrent_clients_are_all_kept(tmp_path):
    with live_server(tmp_path) as server:
        codes, posts, post_count = asyncio.run(_two_hundred_replies(server.base))
    assert codes == [201] * 200
    bodies = {post["body"] for post in posts}
    assert {f"reply {i}" for i in range(200)} <= bodies
    assert len(posts) == 201 and post_count == 201


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def test_a_worker_gives_back_the_memory_of_the_password_hashes_it_made(tmp_path):
    async def sign_ups(base: str) -> None:
        async with httpx2.AsyncClient(base_url=base, timeout=60) as client:
            await client.get("/api/v1/circles")  # what the first request loads, loaded
            before = _rss_mb(worker)
            for number in range(6):  # each hashes a password at the site's cost (7 MiB), and signs in with it
                await _member(client, f"member{number}")
            assert _rss_mb(worker) - before < 6  # left to itself, glibc would keep a hash's 7 MiB (or two)

    with live_server(tmp_path) as server:
        (worker,) = (
            pid for pid in server.workers() if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        assert b"MALLOC_MMAP_THRESHOLD_=131072" in Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
        asyncio.run(sign_ups(server.base))


def _setup_token(output: str) -> str:
    match = re.search(r"/setup\?token=([\w-]+)", output)
    assert match, output
    return match.group(1)


def test_the_setup_link_printed_at_start_creates_the_first_admin_once(tmp_path):
    with live_server(tmp_path) as server:
        old_token = _setup_token(server.output)
    with live_server(tmp_path) as server:
        token = _setup_token(server.output)
        body = {"token": old_token, "username": "root", "email": "root@example.com", "password": PASSWORD}
        assert httpx2.post(f"{server.base}/api/v1/setup", json=body).status_code == 404  # each start issues a new link
        body["token"] = token
        created = httpx2.post(f"{server.base}/api/v1/setup", json=body)
        assert created.status_code == 201 and created.json()["role"] == "admin"
        body["username"] = "intruder"
        assert httpx2.post(f"{server.base}/api/v1/setup", json=body).status_code == 404
    with live_server(tmp_path) as server:
        assert "/setup?token=" not in server.output


def test_sqlite_refuses_several_workers_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "server.py", "serve", "--workers", "2"],
        cwd=ROOT,
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "one worker" in result.stderr and "postgres://" in result.stderr


def test_a_plugin_switched_on_in_the_admin_area_or_a_shell_runs_without_a_restart(tmp_path, test_plugin):
    """``serve`` replaces its workers after a change to plugins.toml: the plugin's endpoints answer seconds later,
    the server never stopping; switched off, they are gone again."""
    import time

    path = test_plugin("chores", "quanzi_chores")
    data = tmp_path / "site"
    env = {"PYTHONPATH": path, "QUANZI_PLUGINS_FILE": str(tmp_path / "plugins.toml")}
    created = subprocess.run(
        [
            sys.executable,
            "server.py",
            "createadmin",
            "--username",
            "root",
            "--email",
            "root@example.com",
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server_env(data, **env),
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr

    def has_chores(base: str) -> bool:
        return "/api/v1/chores" in httpx2.get(f"{base}/api/v1/openapi.json", timeout=10).json()["paths"]

    def wait_for(condition) -> None:
        deadline = time.monotonic() + 60  # fresh workers on a busy machine
        while not condition():
            assert time.monotonic() < deadline, "the change was not applied"
            time.sleep(0.2)

    with live_server(data, **env) as server, httpx2.Client(base_url=server.base, timeout=30) as browser:
        csrf = browser.get("/api/v1/auth/csrf").json()["csrf_token"]
        login = browser.post(
            "/api/v1/auth/session", json={"login": "root", "password": PASSWORD}, headers={"X-CSRF-Token": csrf}
        )
        csrf = login.json()["csrf_token"]
        assert not has_chores(server.base)
        answer = browser.post("/admin/plugins/chores/enable", data={"csrf_token": csrf})
        assert answer.status_code == 303 and answer.headers["location"] == "/admin/plugins?done=plugins_applied"
        wait_for(lambda: has_chores(server.base))
        csrf = browser.get("/api/v1/auth/csrf").json()["csrf_token"]  # the session outlives the workers
        browser.post("/admin/plugins/chores/disable", data={"csrf_token": csrf})
        wait_for(lambda: not has_chores(server.base))
        assert server.process.poll() is None  # one server all along

        # the same from a shell: the command has the running server take the change
        enabled = subprocess.run(
            [sys.executable, "server.py", "plugins", "enable", "chores"],
            cwd=ROOT,
            env=server_env(data, **env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert enabled.returncode == 0 and f"pid {server.process.pid}" in enabled.stdout, enabled.stdout
        wait_for(lambda: has_chores(server.base))
        assert server.process.poll() is None
