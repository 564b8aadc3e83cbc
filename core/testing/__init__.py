"""A pytest plugin for Quanzi's tests and every plugin's own: a running site on a fresh database, with the
plugins of the test's choosing enabled.

    def test_hello_page(quanzi_site):
        client = quanzi_site(plugins=["hello"])
        assert client.get("/hello").status_code == 200

Set QUANZI_TEST_POSTGRES=postgres://user:password@host:port to run on PostgreSQL: each site then gets a database of
its own, created empty and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role as Role  # re-exported: tests make administrators with it
from core.accounts.models import User
from core.app import create_app
from core.config import Config, load_config
from core.config import WeChatApp as WeChatApp  # re-exported: tests configure a service account with it
from core.pluginhost import settings_file
from core.pluginhost.host import PluginHost
from core.testing.databases import POSTGRES, create_database, drop_database
from core.testing.gateway import TextGateway
from core.testing.mail import Mailbox
from core.testing.push import PushService

PASSWORD = "correct horse battery"

T = TypeVar("T")


def make_config(data_dir: Path, **overrides: Any) -> Config:
    """A configuration for tests: its own data dir and plugins.toml, cheap password hashing, no rate limits."""
    settings: dict[str, Any] = {
        "password_time_cost": 1,
        "password_memory_cost": 64,
        "rate_limit_scale": 0.0,
        "plugins_file": data_dir / "plugins.toml",
    }
    settings.update(overrides)
    env = {"QUANZI_DATA_DIR": str(data_dir)}
    if POSTGRES:
        env["QUANZI_DATABASE_URL"] = f"{POSTGRES}/{data_dir.name.lower().replace('-', '_')[:40]}_{os.getpid()}"
    return load_config(env, **settings)


@contextmanager
def fresh_database(config: Config, host: PluginHost | None = None) -> Iterator[Config]:
    """A migrated, empty database for ``config`` (and the plugins of ``host``), copied from a template."""
    create_database(config, host.models_apps() if host else {})
    try:
        yield config
    finally:
        drop_database(config)


@contextmanager
def running_site(
    data_dir: Path,
    plugins: list[str] | tuple[str, ...] = (),
    plugin_settings: dict[str, dict[str, Any]] | None = None,
    client_address: tuple[str, int] = ("testclient", 50000),
    **overrides: Any,
) -> Iterator[TestClient]:
    """A site with ``plugins`` enabled (and their settings), on a fresh database, served in-process."""
    config = make_config(data_dir, **overrides)
    for name in plugins:
        settings_file.write(config.plugins_file, name, {"enabled": True, **(plugin_settings or {}).get(name, {})})
    host = PluginHost(config)
    with fresh_database(config, host), TestClient(create_app(config, host), client=client_address) as client:
        yield client


@contextmanager
def _site_starter(folder: Path) -> Iterator[Callable[..., TestClient]]:
    with ExitStack() as stack:
        started = 0

        def start(**options: Any) -> TestClient:
            nonlocal started
            started += 1
            data_dir = folder / f"site{started}"
            data_dir.mkdir()
            return stack.enter_context(running_site(data_dir, **options))

        yield start


@pytest.fixture
def quanzi_site(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``quanzi_site(plugins=[...], plugin_settings={...}, **config)`` starts a site and returns its client."""
    with _site_starter(tmp_path) as start:
        yield start


@pytest.fixture(scope="module")
def module_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., TestClient]]:
    """``quanzi_site`` for a world that a module's tests share: built once, each test adding its own members."""
    with _site_starter(tmp_path_factory.mktemp("module")) as start:
        yield start


@pytest.fixture
def text_gateway() -> Iterator[TextGateway]:
    """A real HTTP server standing in for a text-message gateway: start a site with ``sms=text_gateway.sender``."""
    gateway = TextGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture
def push_service() -> Iterator[PushService]:
    """A real HTTP server standing in for a push service: start a site with ``push_services=(push_service.url,)``."""
    service = PushService().start()
    yield service
    service.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server that keeps what it accepts: start a site with ``smtp=mailbox.server``."""
    box = Mailbox().start()
    yield box
    box.stop()


def enable_plugin(plugins_file: Path, name: str, enabled: bool = True, **settings: Any) -> None:
    """Switch a plugin on (or off) in ``plugins_file``, with its ``settings``, as ``plugins enable`` would."""
    settings_file.write(plugins_file, name, {"enabled": enabled, **settings})


def apply_template(client: TestClient, name: str, slug: str, title: str | None = None) -> Any:
    """Apply the scenario template ``name`` to the circle ``slug`` of the running site, as the CLI would."""
    from core.circles.scenarios import apply_scenario

    app: Any = client.app
    return client.portal.call(apply_scenario, app.state.site.plugins, name, slug, title)  # type: ignore[union-attr]


def run(client: TestClient, awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` (a query, a service call) on the running site's event loop, from the test's thread."""

    async def wait() -> T:
        return await awaitable

    return client.portal.call(wait)  # type: ignore[union-attr]


def another_browser(client: TestClient) -> TestClient:
    """A second browser on the same running site: its own cookies, the site's event loop."""
    browser = TestClient(client.app, base_url=str(client.base_url), headers=dict(client.headers))
    browser.portal = client.portal
    return browser


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Register ``username`` and log this client's browser session in; returns the session's CSRF token."""
    body = {"username": username, "email": f"{username}@example.com", "password": password}
    client.post("/api/v1/auth/register", json=body)
    csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/session", json={"login": username, "password": password}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


@dataclass
class Member:
    """A registered member with an API token."""

    username: str
    token: str
    email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register(client: TestClient, username: str, role: Role = Role.MEMBER) -> Member:
    email = f"{abs(hash(username))}@example.com"
    response = client.post("/api/v1/auth/register", json={"username": username, "email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    if role != Role.MEMBER:
        client.portal.call(_set_role, username, role)  # type: ignore[union-attr]
    response = client.post("/api/v1/auth/token", json={"login": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return Member(username=username, token=response.json()["token"], email=email)


async def _set_role(username: str, role: Role) -> None:
    await User.filter(username=username).update(role=role)


def make_circle(client: TestClient, owner: Member, slug: str, **settings: Any) -> dict[str, Any]:
    body = {"slug": slug, "name": settings.pop("name", slug.title()), **settings}
    response = client.post("/api/v1/circles", json=body, headers=owner.auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def make_thread(
    client: TestClient, author: Member, slug: str, title: str = "Hello", body: str = "First post"
) -> dict[str, Any]:
    response = client.post(f"/api/v1/circles/{slug}/threads", json={"title": title, "body": body}, headers=author.auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def reply(client: TestClient, author: Member, thread_id: int, body: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": body}, headers=author.auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def at_once(
    client: TestClient, count: int, request: Callable[[httpx2.AsyncClient, int], Awaitable[httpx2.Response]]
) -> list[httpx2.Response]:
    """``count`` requests to the site, all in flight together: ``request(http, index)`` makes each with ``http``, an
    async client on the same application (votes, replies, guests arriving at once)."""

    async def crowd() -> list[httpx2.Response]:
        transport = httpx2.ASGITransport(app=client.app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return list(await asyncio.gather(*(request(http, index) for index in range(count))))

    return client.portal.call(crowd)  # type: ignore[union-attr]


def jobs_of(client: TestClient, kind: str) -> dict[str, datetime]:
    """The waiting jobs of ``kind`` on the running site: when each (by its key) is due."""
    from core.jobs.models import Job

    async def found() -> dict[str, datetime]:
        rows = await Job.filter(kind=kind, key__isnull=False).values("key", "run_at")
        return {row["key"]: row["run_at"] for row in rows}

    return client.portal.call(found)  # type: ignore[union-attr]


def run_job_now(client: TestClient, key: str) -> None:
    """Time passes for one job: the job of ``key`` is due now, and the site's runner is woken to run it."""
    from core.jobs.models import Job
    from core.jobs.queue import nudge

    async def due() -> int:
        moved = await Job.filter(key=key).update(run_at=datetime.now(UTC))
        nudge.set()
        return moved

    assert client.portal.call(due) == 1, f"no job {key}"  # type: ignore[union-attr]


def wait_for_jobs(client: TestClient, timeout: float = 15.0) -> None:
    """Wait until the running site has no job due now left (run, or given up)."""
    from core.jobs.models import Job

    async def left() -> int:
        return await Job.filter(run_at__lte=datetime.now(UTC)).count()

    deadline = time.monotonic() + timeout
    while client.portal.call(left):  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "jobs still waiting"
        time.sleep(0.05)


def wait_until(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Wait until ``condition()`` is true (checked every 50 ms); AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
