"""Test databases made from migrated templates: each test gets a copy (SQLite: the backup API into the test's own
file; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``). Migrating a fresh database for every test cost about three
quarters of the suite's time.

The core alone is migrated for the tests that need no plugin (some 5 seconds). For plugins the migrations run once
per test process, for the core with every bundled plugin (some 18 seconds: Tortoise renders every model anew for
each operation, so a migration costs more the more models there are); the template for some of the plugins is cut
from that one, by dropping the other plugins' tables and their migrations' records, which is what migrating just
those plugins would have made (tests/test_templates_of_databases.py holds the two against each other). A set of apps
that is not a part of the bundled ones (a plugin a test writes) is migrated on its own."""

from __future__ import annotations

import asyncio
import atexit
import functools
import hashlib
import importlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from tortoise.models import Model

from core.config import Config, load_config
from core.db import run_migrations

POSTGRES = os.environ.get("QUANZI_TEST_POSTGRES", "").rstrip("/")

_templates: dict[str, str] = {}  # plugin apps' key -> template (SQLite: a file; PostgreSQL: a database name)
_folder: Path | None = None  # the SQLite templates, and the plugins.toml of the bundled plugins


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


def _folder_of_templates() -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="quanzi-templates-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def _key(apps: dict[str, dict[str, Any]]) -> str:
    return hashlib.sha256(repr(sorted((name, app["models"]) for name, app in apps.items())).encode()).hexdigest()[:12]


@functools.cache
def _bundled_apps() -> dict[str, dict[str, Any]]:
    """The plugin apps of a site with every plugin of plugins/ enabled."""
    from core.pluginhost import settings_file
    from core.pluginhost.host import PLUGINS_DIR, PluginHost

    plugins_file = _folder_of_templates() / "every-plugin.toml"
    for folder in sorted(PLUGINS_DIR.iterdir()):
        if (folder / "__init__.py").exists():
            settings_file.write(plugins_file, folder.name, {"enabled": True})
    env = {"QUANZI_DATA_DIR": str(_folder_of_templates()), "QUANZI_PLUGINS_FILE": str(plugins_file)}
    return PluginHost(load_config(env)).models_apps()


def _tables(app: dict[str, Any]) -> list[str]:
    """The tables of a plugin app's models."""
    tables = []
    for module_name in app["models"]:
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Model) and value.__module__ == module_name:
                if not value._meta.abstract:
                    tables.append(value._meta.db_table)
    return tables


def _migrated(apps: dict[str, dict[str, Any]], key: str) -> str:
    """A template migrated for ``apps``."""
    env = {"QUANZI_DATA_DIR": str(_folder_of_templates())}
    if POSTGRES:
        template = f"quanzi_template_{key}_{os.getpid()}"
        asyncio.run(drop(template))
        asyncio.run(postgres(f'CREATE DATABASE "{template}"'))
        atexit.register(lambda: asyncio.run(drop(template)))
        env["QUANZI_DATABASE_URL"] = f"{POSTGRES}/{template}"
    else:
        template = str(_folder_of_templates() / f"{key}.sqlite3")
        env["QUANZI_DATABASE_URL"] = f"sqlite://{template}"
    asyncio.run(run_migrations(load_config(env), apps))
    return template


async def _cut_postgres(template: str, tables: list[str], apps: list[str]) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES}/{template}")
    try:
        for table in tables:
            await connection.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        await connection.execute("DELETE FROM tortoise_migrations WHERE app = ANY($1::text[])", apps)
    finally:
        await connection.close()


def _cut(full: str, key: str, dropped: dict[str, dict[str, Any]]) -> str:
    """A copy of the template ``full`` without the apps ``dropped``: their tables and their migrations' records."""
    tables = [table for app in dropped.values() for table in _tables(app)]
    if POSTGRES:
        template = f"quanzi_template_{key}_{os.getpid()}"
        asyncio.run(drop(template))
        asyncio.run(postgres(f'CREATE DATABASE "{template}" TEMPLATE "{full}"'))
        atexit.register(lambda: asyncio.run(drop(template)))
        asyncio.run(_cut_postgres(template, tables, list(dropped)))
        return template
    template = str(_folder_of_templates() / f"{key}.sqlite3")
    _copy_sqlite(full, Path(template))
    connection = sqlite3.connect(template)
    try:
        for table in tables:
            connection.execute(f'DROP TABLE IF EXISTS "{table}"')
        connection.execute(
            f"DELETE FROM tortoise_migrations WHERE app IN ({', '.join('?' * len(dropped))})", list(dropped)
        )
        connection.commit()
    finally:
        connection.close()
    return template


def _template(apps: dict[str, dict[str, Any]]) -> str:
    """The migrated template for the core with ``apps``, made on first use."""
    key = _key(apps)
    if key not in _templates:
        bundled = _bundled_apps()
        if apps and apps != bundled and all(bundled.get(name) == app for name, app in apps.items()):
            dropped = {name: app for name, app in bundled.items() if name not in apps}
            _templates[key] = _cut(_template(bundled), key, dropped)
        else:
            _templates[key] = _migrated(apps, key)
    return _templates[key]


def _copy_sqlite(source_path: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(source_path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


def create_database(config: Config, apps: dict[str, dict[str, Any]]) -> None:
    """A migrated, empty database at ``config.database_url``, copied from the template for ``apps``."""
    template = _template(apps)
    if POSTGRES:
        name = config.database_url.rsplit("/", 1)[1]
        asyncio.run(postgres(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return
    _copy_sqlite(template, _sqlite_path(config.database_url))


def drop_database(config: Config) -> None:
    if POSTGRES:
        asyncio.run(drop(config.database_url.rsplit("/", 1)[1]))
