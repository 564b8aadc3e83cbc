"""Against a real server process: parallel votes cross a real socket, and the forum outlives the plugin."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2
import pytest

from core.testing import PASSWORD, enable_plugin
from core.testing.live import live_server, server_command

pytestmark = pytest.mark.sqlite_only


def plugins_file(folder: Path, enabled: bool) -> str:
    path = folder / "plugins.toml"
    enable_plugin(path, "polls", enabled)
    return str(path)


async def _member(client: httpx2.AsyncClient, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
    token = (await client.post("/api/v1/auth/token", json={"login": username, "password": PASSWORD})).json()["token"]
    return {"Authorization": f"Bearer {token}"}


async def _thirty_votes(base: str) -> tuple[list[int], dict[str, object], int]:
    async with httpx2.AsyncClient(base_url=base, timeout=30) as client:
        owner = await _member(client, "owner")
        voter = await _member(client, "voter")
        await client.post("/api/v1/circles", json={"slug": "club", "name": "Club"}, headers=owner)
        poll = (
            await client.post(
                "/api/v1/circles/club/polls",
                json={"title": "Day?", "options": ["Sat", "Sun"], "body": "Choose"},
                headers=owner,
            )
        ).json()
    clients = [httpx2.AsyncClient(base_url=base, timeout=30) for _ in range(30)]
    try:
        responses = await asyncio.gather(
            *(
                c.post(f"/api/v1/polls/{poll['id']}/vote", json={"choices": [i % 2]}, headers=voter)
                for i, c in enumerate(clients)
            )
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    async with httpx2.AsyncClient(base_url=base, timeout=30) as client:
        seen = (await client.get(f"/api/v1/polls/{poll['id']}", headers=voter)).json()
    return [response.status_code for response in responses], seen, poll["thread_id"]


def test_thirty_parallel_votes_of_one_member_over_the_network_leave_one(tmp_path):
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=plugins_file(tmp_path, True)) as server:
        statuses, seen, _ = asyncio.run(_thirty_votes(server.base))
    assert set(statuses) <= {200, 409} and 200 in statuses
    assert seen["total_votes"] == 1 and sum(o["votes"] for o in seen["options"]) == 1  # type: ignore[attr-defined]


def test_with_the_plugin_disabled_its_threads_read_as_plain_threads(tmp_path):
    data = tmp_path / "data"
    with live_server(data, QUANZI_PLUGINS_FILE=plugins_file(tmp_path, True)) as server:
        _, seen, thread_id = asyncio.run(_thirty_votes(server.base))
        assert "📊" in httpx2.get(f"{server.base}/c/club").text
    # as the site's operator does it: the site's state is in its database
    disabled = server_command(data, "plugins", "disable", "polls", QUANZI_PLUGINS_FILE=str(tmp_path / "plugins.toml"))
    assert disabled.returncode == 0, disabled.stderr
    with live_server(data, QUANZI_PLUGINS_FILE=str(tmp_path / "plugins.toml")) as server:
        page = httpx2.get(f"{server.base}/t/{thread_id}")
        assert page.status_code == 200 and "Day?" in page.text and "Choose" in page.text
        assert 'id="poll"' not in page.text and "polls.css" not in page.text
        assert "📊" not in httpx2.get(f"{server.base}/c/club").text
        assert httpx2.get(f"{server.base}/api/v1/threads/{thread_id}").json()["title"] == "Day?"
        assert httpx2.get(f"{server.base}/api/v1/polls/{seen['id']}").status_code == 404
        assert "/polls/" not in httpx2.get(f"{server.base}/api/v1/openapi.json").text
