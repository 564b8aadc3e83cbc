"""Test databases made from migrated templates: the migrations run once per set of plugins and test process, and
each test gets a copy (SQLite: the backup API into the test's own file; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``).
Migrating a fresh database for every test cost about three quarters of the suite's time."""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from core.config import Config, load_config
from core.db import run_migrations

POSTGRES = os.environ.get("QUANZI_TEST_POSTGRES", "").rstrip("/")

_templates: dict[str, str] = {}  # plugin apps' key -> template (SQLite: a file; PostgreSQL: a database name)
_folder: Path | None = None


async def postgres(statement: str) -> None:
    """Run ``statement`` on the test PostgreSQL server's maintenance database."""
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def drop(name: str) -> None:
    """Drop a test database; a moment's retry covers a connection (autovacuum's, say) still closing."""
    for attempt in range(10):
        try:
            await postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except Exception:
            if attempt == 9:
                raise
            await asyncio.sleep(0.3)


def _sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite://").split("?", 1)[0])


def _template(apps: dict[str, dict[str, Any]]) -> str:
    """The migrated template for the core with ``apps``, made on first use."""
    key = hashlib.sha256(repr(sorted((name, app["models"]) for name, app in apps.items())).encode()).hexdigest()[:12]
    if key in _templates:
        return _templates[key]
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="quanzi-templates-"))
        atexit.register(shutil.rmtree, _folder, True)
    env = {"QUANZI_DATA_DIR": str(_folder)}
    if POSTGRES:
        name = f"quanzi_template_{key}_{os.getpid()}"
        asyncio.run(drop(name))
        asyncio.run(postgres(f'CREATE DATABASE "{name}"'))
        atexit.register(lambda: asyncio.run(drop(name)))
        env["QUANZI_DATABASE_URL"] = f"{POSTGRES}/{name}"
        template = name
    else:
        template = str(_folder / f"{key}.sqlite3")
        env["QUANZI_DATABASE_URL"] = f"sqlite://{template}"
    asyncio.run(run_migrations(load_config(env), apps))
    _templates[key] = template
    return template


def create_database(config: Config, apps: dict[str, dict[str, Any]]) -> None:
    """A migrated, empty database at ``config.database_url``, copied from the template for ``apps``."""
    template = _template(apps)
    if POSTGRES:
        name = config.database_url.rsplit("/", 1)[1]
        asyncio.run(postgres(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return
    target = _sqlite_path(config.database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def drop_database(config: Config) -> None:
    if POSTGRES:
        asyncio.run(drop(config.database_url.rsplit("/", 1)[1]))
