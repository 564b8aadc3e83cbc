"""Two machines of one site: two servers, each with its own data dir and plugins.toml, sharing the site's database
(SQLite's file here, PostgreSQL in the PostgreSQL run), its secret and its bucket of pictures (a real S3 protocol
server)."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from PIL import Image

from core.testing import PASSWORD, enable_plugin, wait_until
from core.testing.databases import POSTGRES, drop, postgres
from core.testing.live import ROOT, live_server, server_command, server_env


def _machine(data_dir: Path, config, storage_url: str, mailbox) -> dict[str, str]:
    return {
        "QUANZI_DATABASE_URL": config.database_url,
        "QUANZI_SECRET_KEY": config.secret_key,
        "QUANZI_STORAGE_URL": storage_url,
        "QUANZI_PLUGINS_FILE": str(data_dir / "plugins.toml"),
        "QUANZI_SMTP_URL": f"smtp://{mailbox.server.host}:{mailbox.server.port}",
        # guests' kept answers outlive the test: what another machine's write changes must be forgotten by being told
        "QUANZI_GUEST_CACHE_SECONDS": "600",
    }


def _found(base: str, word: str) -> list[str]:
    answer = httpx2.get(f"{base}/api/v1/search", params={"q": word}, timeout=5)
    return [item["title"] for item in answer.json()["items"]]


def _polls_answer(base: str) -> bool:
    return "/polls/" in httpx2.get(f"{base}/api/v1/openapi.json", timeout=5).text


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def test_two_machines_share_members_pictures_search_jobs_and_plugin_changes(config, bucket_server, mailbox):
    enable_plugin(config.plugins_file, "polls")
    storage_url = bucket_server.new_bucket()
    other_dir = config.data_dir.parent / "machine-b"
    machine_a = _machine(config.data_dir, config, storage_url, mailbox)
    machine_b = _machine(other_dir, config, storage_url, mailbox)
    with live_server(config.data_dir, **machine_a) as first, live_server(other_dir, **machine_b) as second:
        # a member made on one machine signs in on the other; a picture sent to one is shown by the other
        account = {"username": "mei", "email": "mei@example.com", "password": PASSWORD}
        assert httpx2.post(f"{first.base}/api/v1/auth/register", json=account).status_code == 201
        login = {"login": "mei", "password": PASSWORD}
        token = httpx2.post(f"{second.base}/api/v1/auth/token", json=login).json()["token"]
        mei = {"Authorization": f"Bearer {token}"}
        files = {"file": ("walk.jpg", _photo(), "image/jpeg")}
        sent = httpx2.post(f"{first.base}/api/v1/uploads", files=files, headers=mei, timeout=30)
        assert sent.status_code == 201, sent.text
        shown = httpx2.get(f"{second.base}{sent.json()['url']}", headers=mei)
        assert (
            shown.status_code == 200
            and shown.content == httpx2.get(f"{first.base}{sent.json()['url']}", headers=mei).content
        )
        assert not (config.data_dir / "uploads").exists() and not (other_dir / "uploads").exists()

        # the mail that confirms her address is a job: both machines run jobs, one of them sends it, once
        (confirming,) = mailbox.wait(1)
        assert confirming["To"] == "mei@example.com"
        with pytest.raises(AssertionError):
            mailbox.wait(2, timeout=2)

        # what is written through one machine is found through the other within 5 seconds (PostgreSQL's search;
        # on SQLite each machine's Whoosh index is its own: a site on several machines runs on PostgreSQL)
        if config.search == "postgres":
            circle = {"slug": "walkers", "name": "Walkers"}
            assert httpx2.post(f"{first.base}/api/v1/circles", json=circle, headers=mei).status_code == 201
            assert _found(second.base, "银杏") == []  # a guest's answer, kept by the second machine
            thread = {"title": "银杏大道秋游", "body": "周六上午在银杏大道集合"}
            made = httpx2.post(f"{first.base}/api/v1/circles/walkers/threads", json=thread, headers=mei)
            assert made.status_code == 201, made.text
            wait_until(lambda: _found(second.base, "银杏") == ["银杏大道秋游"], timeout=5)

        # a plugin switched off on one machine stops answering on both, and back on
        assert _polls_answer(first.base) and _polls_answer(second.base)  # b's own plugins.toml says nothing
        disabled = server_command(config.data_dir, "plugins", "disable", "polls", **machine_a)
        assert disabled.returncode == 0, disabled.stderr
        wait_until(lambda: not _polls_answer(second.base), timeout=10)
        wait_until(lambda: not _polls_answer(first.base), timeout=10)
        assert not (other_dir / "plugins.toml").exists()  # the other machine's file was never needed
        enabled = server_command(other_dir, "plugins", "enable", "polls", **machine_b)
        assert enabled.returncode == 0, enabled.stderr
        wait_until(lambda: _polls_answer(first.base), timeout=10)


@pytest.mark.skipif(not POSTGRES, reason="machines share a PostgreSQL database (the PostgreSQL run)")
def test_two_machines_starting_together_migrate_a_new_database_once(tmp_path):
    name = f"fresh_{os.getpid()}"
    asyncio.run(postgres(f'CREATE DATABASE "{name}"'))
    try:
        settings = {"QUANZI_DATABASE_URL": f"{POSTGRES}/{name}"}
        machines = [
            subprocess.Popen(
                [sys.executable, "server.py", "migrate"],
                cwd=ROOT,
                env=server_env(tmp_path / machine, **settings),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for machine in ("a", "b")
        ]
        outputs = [machine.communicate(timeout=180)[0] for machine in machines]
        assert [machine.returncode for machine in machines] == [0, 0], outputs
        applied = [output.count("applied core.") for output in outputs]
        assert sorted(applied)[0] == 0 and sorted(applied)[1] > 20  # one machine migrated, the other found it done
    finally:
        asyncio.run(drop(name))
