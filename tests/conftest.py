"""The world the tests live in: a fresh data dir and SQLite file per test, the real app, members made through
the API as a person would make them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role, User
from core.app import create_app
from core.config import Config
from core.plugins.testing import fresh_database, make_config

PASSWORD = "correct horse battery"


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
