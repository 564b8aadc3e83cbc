"""The world the tests live in: a fresh data dir and SQLite file per test, the real app, members made through
the API as a person would make them."""

from __future__ import annotations

import importlib
import sys
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
from core.testing.buckets import BucketServer


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    with fresh_database(make_config(tmp_path)) as config:
        yield config


@pytest.fixture(scope="session")
def bucket_server() -> Iterator[BucketServer]:
    """A real S3 protocol server (moto's), for sites that keep their pictures in a bucket."""
    server = BucketServer().start()
    yield server
    server.stop()


@pytest.fixture
def client(config: Config) -> Iterator[TestClient]:
    with TestClient(create_app(config)) as test_client:
        yield test_client


@pytest.fixture
def member(client: TestClient) -> Callable[..., Member]:
    """``member("name")`` registers a member; ``member("name", Role.ADMIN)`` an administrator."""
    return lambda username, role=Role.MEMBER: register(client, username, role)


@pytest.fixture
def test_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], str]]:
    """``test_plugin(name, package)`` installs the test plugin ``package`` (a folder of tests/) as a distribution
    with its ``quanzi.plugins`` entry point, and returns the PYTHONPATH on which a server process finds it too.
    Its modules are forgotten after the test."""
    installed: list[str] = []

    def install(name: str, package: str) -> str:
        site_packages = tmp_path / "site-packages"
        info = site_packages / f"{package}-1.0.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package.replace('_', '-')}\nVersion: 1.0.0\n")
        (info / "entry_points.txt").write_text(f"[quanzi.plugins]\n{name} = {package}\n")
        monkeypatch.syspath_prepend(str(site_packages))
        importlib.invalidate_caches()
        installed.append(package)
        return f"{site_packages}:{Path(__file__).parent}"

    yield install
    for module in [module for module in sys.modules if module.split(".")[0] in installed]:
        sys.modules.pop(module)
