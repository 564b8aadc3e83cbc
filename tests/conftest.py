"""The world the tests live in: a fresh data dir and SQLite file per test, the real app, members made through
the API as a person would make them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role
from core.app import create_app
from core.config import Config
from core.testing import (  # noqa: F401 (the tests import the helpers from here)
    PASSWORD,
    Member,
    fresh_database,
    make_circle,
    make_config,
    make_thread,
    register,
    reply,
)


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    with fresh_database(make_config(tmp_path)) as config:
        yield config


@pytest.fixture
def client(config: Config) -> Iterator[TestClient]:
    with TestClient(create_app(config)) as test_client:
        yield test_client


@pytest.fixture
def member(client: TestClient) -> Callable[..., Member]:
    """``member("name")`` registers a member; ``member("name", Role.ADMIN)`` an administrator."""
    return lambda username, role=Role.MEMBER: register(client, username, role)
