"""A real Quanzi server process (uvicorn on a free port) for tests that must cross a real socket: the core's and
the plugins' (``from core.testing.live import live_server``)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on ``data_dir`` (and its SQLite file, unless ``extra`` names a database)."""
    env = {**os.environ, "QUANZI_DATA_DIR": str(data_dir), "QUANZI_RATE_LIMIT_SCALE": "0"}
    env.pop("QUANZI_DATABASE_URL", None)
    return {**env, **extra}


def server_command(data_dir: Path, *args: str, stdin: str = "", **extra_env: str) -> subprocess.CompletedProcess[str]:
    """``server.py ARGS`` run on ``data_dir`` as an operator runs it in a shell (typing ``stdin``): its output, and
    how it ended."""
    return subprocess.run(
        [sys.executable, "server.py", *args],
        cwd=ROOT,
        env=server_env(data_dir, **extra_env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def workers(self) -> list[int]:
        """The worker processes of the server (``serve`` supervises them: ``process`` is the supervisor)."""
        return _children(self.process.pid)

    def kill(self) -> None:
        """Kill the server without warning, supervisor and workers, as a power cut would."""
        workers = self.workers()
        self.process.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            if f"\nPPid:\t{pid}\n" in status.read_text():
                found.append(int(status.parent.name))
    return found


def seed_database(data_dir: Path, **extra_env: str) -> None:
    """A fresh data dir's SQLite database, copied from the tests' migrated template (core/testing/databases.py)
    instead of migrated anew by the starting server or command, which takes some 5 to 20 seconds. A server given
    its own database (``QUANZI_DATABASE_URL``) is left to it, and so is every one in the PostgreSQL run."""
    from core.config import load_config
    from core.pluginhost.host import PluginHost
    from core.testing.databases import POSTGRES, create_database

    if "QUANZI_DATABASE_URL" in extra_env or POSTGRES:  # the templates are PostgreSQL's in that run
        return
    config = load_config(server_env(data_dir, **extra_env))
    if config.is_sqlite and not Path(config.database_url.removeprefix("sqlite://")).exists():
        create_database(config, PluginHost(config).models_apps())


@contextmanager
def live_server(
    data_dir: Path, root: Path = ROOT, workers: int = 1, log_level: str = "warning", **extra_env: str
) -> Iterator[Server]:
    """Start ``server.py serve`` (with ``workers`` processes) and wait until it answers; stop it afterwards."""
    seed_database(data_dir, **extra_env)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "server.py",
            "serve",
            "--port",
            str(port),
            "--log-level",
            log_level,
            "--workers",
            str(workers),
        ],
        cwd=root,
        env=server_env(data_dir, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: server.lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 60  # a fresh data dir's migrations, on a machine running two suites at once
        while True:
            try:
                if httpx2.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{server.output}")
            time.sleep(0.1)
        yield server
    finally:
        children = server.workers()
        process.terminate()
        process.wait(timeout=10)
        for pid in children:  # left behind only if the supervisor was killed
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reader.join(timeout=5)
        process.stdout.close()


CHROMIUM = Path("/usr/bin/chromium")
PHONE: ViewportSize = {"width": 360, "height": 740}


def require_chromium() -> None:
    """Skip the calling test module when Debian's Chromium is missing, unless the run requires the browser
    (``make test`` sets QUANZI_REQUIRE_BROWSER=1 after installing it)."""
    import pytest

    if not CHROMIUM.exists():
        if os.environ.get("QUANZI_REQUIRE_BROWSER"):
            raise RuntimeError("Chromium is missing: `make test` installs it with scripts/system-packages.sh")
        pytest.skip("Chromium is not installed (scripts/system-packages.sh installs it)", allow_module_level=True)


@contextmanager
def phone_browser(base_url: str, locale: str = "zh-CN") -> Iterator[Any]:
    """A Playwright browser context the size of a phone, on ``base_url``; ``.new_page()`` opens a tab. Each
    context has its own cookies: two contexts are two people. Options of Playwright's ``new_context`` given to the
    factory replace these (``color_scheme="dark"``, another ``viewport``). The site's service worker is blocked
    unless a test asks for it (``service_workers="allow"``): it keeps a copy of every page seen, which the offline
    test checks and the page walks would only pay for."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            yield lambda **options: browser.new_context(
                **{
                    "viewport": PHONE,
                    "locale": locale,
                    "base_url": base_url,
                    "is_mobile": True,
                    "has_touch": True,
                    "service_workers": "block",
                    **options,
                }
            )
        finally:
            browser.close()


def fits_the_phone(page: Any) -> None:
    """The page ``page`` shows is no wider than the phone: nothing to scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
