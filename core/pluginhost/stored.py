"""Which plugins are enabled, and their settings, where every machine of a site reads them: the ``plugin_states``
table of the site's database.

``plugins.toml`` seeds it: a plugin the table has no row for yet is as the file says, and ``serve`` writes that
row at its start (a new site's first start writes them all). From then on the row is the plugin's state on every
machine, and a change (``server.py plugins enable|disable``, the admin area) is written to the row and to this
machine's file alike. Each worker reads the table every ``CHECK_SECONDS`` and, when it no longer holds what the
worker started with (a change made on any machine), asks its server for fresh workers, which load it (once for each
change and machine: ``core.workers.first_to_ask``): every machine has a change within ``CHECK_SECONDS`` and a
worker's start.

The table is read before the ORM starts (the plugins decide which models there are): straight from the SQLite file,
or with one asyncpg connection in a thread of its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

from core import workers
from core.config import Config
from core.db import postgres_url
from core.pluginhost import settings_file
from core.site.models import PluginState

log = logging.getLogger("quanzi.plugins")

CHECK_SECONDS = 3.0
_SELECT = "SELECT name, enabled, settings FROM plugin_states"

Tables = dict[str, dict[str, Any]]  # by plugin: {"enabled": bool, setting: value, ...}, as plugins.toml has them


def _tables(rows: Iterable[tuple[str, Any, Any]]) -> Tables:
    return {
        name: {"enabled": bool(enabled), **(json.loads(settings) if isinstance(settings, str) else settings or {})}
        for name, enabled, settings in rows
    }


def over(from_file: Tables, in_database: Tables) -> Tables:
    """plugins.toml's tables with the database's over them, key by key."""
    data = {name: dict(table) for name, table in from_file.items()}
    for name, table in in_database.items():
        data[name] = {**data.get(name, {}), **table}
    return data


def fingerprint(tables: Tables) -> str:
    """A short digest of the plugins' states, to tell whether two readings differ."""
    return hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()[:16]


def read_now(config: Config) -> Tables:
    """The table's rows, read outside of the ORM; nothing before the table exists (a new site, before its first
    migration)."""
    if config.is_sqlite:
        path = config.database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path in ("", ":memory:") or not Path(path).exists():
            return {}
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            try:
                return _tables(connection.execute(_SELECT).fetchall())
            except sqlite3.OperationalError as error:
                if "no such table" in str(error):
                    return {}
                raise
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whether or not this thread runs one
        return thread.submit(asyncio.run, _read_postgres(config.database_url)).result()


async def _read_postgres(database_url: str) -> Tables:
    import asyncpg

    try:
        connection = await asyncpg.connect(postgres_url(database_url))
    except asyncpg.InvalidCatalogNameError:  # the database is not made yet
        return {}
    try:
        return _tables(tuple(row) for row in await connection.fetch(_SELECT))
    except asyncpg.UndefinedTableError:
        return {}
    finally:
        await connection.close()


def state_now(config: Config) -> Tables:
    """The plugins' state: plugins.toml's tables with the database's over them (read outside of the ORM)."""
    return over(settings_file.read(config.plugins_file), read_now(config))


async def state(config: Config) -> Tables:
    """The plugins' state, through the ORM of a running site."""
    return over(settings_file.read(config.plugins_file), await read())


async def read() -> Tables:
    """The table's rows, through the ORM of a running site."""
    return _tables(await PluginState.all().values_list("name", "enabled", "settings"))


async def store(name: str, values: dict[str, Any], from_file: dict[str, Any]) -> None:
    """Set keys of one plugin's state (``enabled`` and settings), keeping the others it has; a plugin the table has
    no row for yet starts from what plugins.toml says of it (``from_file``)."""
    state = await PluginState.get_or_none(name=name)
    if state is None:
        table = {**from_file, **values}
        settings = {key: value for key, value in table.items() if key != "enabled"}
        await PluginState.create(name=name, enabled=table.get("enabled") is True, settings=settings)
        return
    settings = {key: value for key, value in values.items() if key != "enabled"}
    if "enabled" in values:
        state.enabled = values["enabled"] is True
    state.settings = {**state.settings, **settings}
    await state.save()


async def seed(from_file: Tables) -> list[str]:
    """Write the state of each plugin of ``plugins.toml`` that the table has no row for; what the file says of
    plugins that have one and differs from it (the table wins: a line for the operator who edited the file)."""
    stored = await read()
    for name, table in from_file.items():
        if name not in stored:
            await PluginState.create(
                name=name,
                enabled=table.get("enabled") is True,
                settings={key: value for key, value in table.items() if key != "enabled"},
            )
    return [
        f"plugins.toml says [{name}] {key} = {value!r}, but the site's database has {stored[name].get(key)!r}, "
        f"which every machine follows: change it with `server.py plugins` or in the admin area"
        for name, table in from_file.items()
        if name in stored
        for key, value in table.items()
        if key in stored[name] and stored[name][key] != value
    ]


async def watch(config: Config, started_with: str, every: float = CHECK_SECONDS) -> None:
    """Every ``every`` seconds, read the plugins' state; when it is no longer ``started_with`` (a change made on any
    machine), ask this machine's server for fresh workers, once for each change, or say that this server must be
    restarted when it cannot be asked (a server not run by ``serve``)."""
    seen = started_with
    while True:
        await asyncio.sleep(every)
        try:
            now = fingerprint(await read())
        except Exception:  # the database away for a moment: the next look
            log.exception("could not read the plugins' state")
            continue
        if now == seen:
            continue
        seen = now
        if not workers.first_to_ask(config.data_dir, now):
            continue
        if not workers.restart_workers():
            log.warning("the plugins were changed on another machine: restart this server to load the change")
