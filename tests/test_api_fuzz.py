"""Schemathesis over the whole JSON API, the plugins' included, against a real server: whatever it sends, no answer
is a server error. Bounded (a few examples an operation, a fixed seed), so that it runs in every CI run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

from core.testing.live import ROOT, live_server, server_env

PASSWORD = "a fuzzing password 1"
# Names are fixed so that requests reach the circle and the member the run made; numbers are generated (the first
# objects are number 1, which the generator tries early, beside 0, negatives and numbers no database holds).
CONFIG = """
[parameters]
"path.slug" = "club"
"path.username" = "target"
"""


def _world(base: str) -> str:
    """An administrator's token, and a circle with a thread, a reply, a poll and a survey, each the first of its
    kind (id 1), so that generated requests reach real objects."""
    with httpx2.Client(base_url=f"{base}/api/v1", timeout=30) as api:
        token = api.post("/auth/token", json={"login": "fuzzer", "password": PASSWORD}).json()["token"]
        api.headers["authorization"] = f"Bearer {token}"
        api.post("/auth/register", json={"username": "target", "email": "t@example.com", "password": PASSWORD})
        for path, body in [
            ("/circles", {"slug": "club", "name": "Club"}),
            ("/circles/club/threads", {"title": "First", "body": "opening"}),
            ("/threads/1/posts", {"body": "a reply"}),
            ("/circles/club/polls", {"title": "Poll", "options": ["a", "b"]}),
            ("/circles/club/surveys", {"title": "Survey", "questions": [{"kind": "text", "text": "Why?"}]}),
        ]:
            assert api.post(path, json=body).status_code == 201, path
    return token


@pytest.mark.sqlite_only
def test_no_request_to_the_api_is_a_server_error(tmp_path: Path) -> None:
    created = subprocess.run(
        [
            sys.executable,
            "server.py",
            "createadmin",
            "--username",
            "fuzzer",
            "--email",
            "f@example.com",
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server_env(tmp_path),
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    with live_server(tmp_path) as server:
        token = _world(server.base)
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "--config-file",
                str(tmp_path / "schemathesis.toml"),
                "run",
                f"{server.base}/api/v1/openapi.json",
                "--checks",
                "not_a_server_error",
                # three generated examples an operation, besides the coverage phase's boundary cases (eight made the
                # test half a minute longer: 129 s against 100 s on a 2-core machine)
                "--max-examples",
                "3",
                # one worker: hypothesis parses lambdas' source with ast, which on Python 3.11 fails at random when two
                # threads parse at once ("AST constructor recursion depth mismatch", CPython issue 106905)
                "--seed",
                "20261201",
                "--workers",
                "1",
                "-H",
                f"Authorization: Bearer {token}",
                # what would end the token or the account the run works with
                "--exclude-path",
                "/api/v1/auth/token",
                "--exclude-path",
                "/api/v1/auth/session",
                "--exclude-path",
                "/api/v1/me/password",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert run.returncode == 0, run.stdout[-6000:] + "\n" + server.output[-4000:]
