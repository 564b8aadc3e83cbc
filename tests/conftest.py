"""The world the tests live in: a fresh data dir and SQLite file per test, the real app, members made through
the API as a person would make them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role, User
from core.app import create_app
from core.config import Config, load_config
from core.db import run_migrations

PASSWORD = "correct horse battery"


# Set QUANZI_TEST_POSTGRES=postgres://user:password@host:port to run the suite on PostgreSQL: each test then gets a
# database of its own, made from nothing and dropped afterwards.
POSTGRES = os.environ.get("QUANZI_TEST_POSTGRES", "").rstrip("/")


def make_config(data_dir: Path, **overrides: Any) -> Config:
    # Cheap argon2 parameters keep the suite fast; production uses argon2-cffi's defaults.
    settings: dict[str, Any] = {"password_time_cost": 1, "password_memory_cost": 64, "rate_limit_scale": 0.0}
    settings.update(overrides)
    env = {"QUANZI_DATA_DIR": str(data_dir)}
    if POSTGRES:
        env["QUANZI_DATABASE_URL"] = f"{POSTGRES}/{data_dir.name.lower().replace('-', '_')[:40]}_{os.getpid()}"
    return load_config(env, **settings)


async def _postgres(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_database(config: Config) -> Iterator[Config]:
    """A migrated, empty database for ``config``."""
    name = config.database_url.rsplit("/", 1)[1]
    if POSTGRES:
        asyncio.run(_postgres(f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(run_migrations(config))
        yield config
    finally:
        if POSTGRES:
            asyncio.run(_postgres(f'DROP DATABASE "{name}" WITH (FORCE)'))


@contextmanager
def site(
    data_dir: Path, *, client_address: tuple[str, int] = ("testclient", 50000), **overrides: Any
) -> Iterator[TestClient]:
    """A running site on a fresh database, with settings of the test's choosing."""
    with fresh_database(make_config(data_dir, **overrides)) as config:
        with TestClient(create_app(config), client=client_address) as test_client:
            yield test_client


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    with fresh_database(make_config(tmp_path)) as config:
        yield config


@pytest.fixture
def client(config: Config) -> Iterator[TestClient]:
    with TestClient(create_app(config)) as test_client:
        yield test_client


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


@pytest.fixture
def member(client: TestClient) -> Callable[..., Member]:
    """``member("name")`` registers a member; ``member("name", Role.ADMIN)`` an administrator."""
    return lambda username, role=Role.MEMBER: register(client, username, role)


def make_circle(client: TestClient, owner: Member, slug: str, **settings: Any) -> dict[str, Any]:
    body = {"slug": slug, "name": settings.pop("name", slug.title()), **settings}
    response = client.post("/api/v1/circles", json=body, headers=owner.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def make_thread(
    client: TestClient, author: Member, slug: str, title: str = "Hello", body: str = "First post"
) -> dict[str, Any]:
    response = client.post(f"/api/v1/circles/{slug}/threads", json={"title": title, "body": body}, headers=author.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def reply(client: TestClient, author: Member, thread_id: int, body: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/threads/{thread_id}/posts", json={"body": body}, headers=author.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]
