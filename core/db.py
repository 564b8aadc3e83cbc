"""The database: Tortoise configuration, migrations and the transaction helper."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as migrate_api
from tortoise.transactions import in_transaction

from core.config import Config
from core.remembered import announce_changes, counting_connection

CORE_MODELS = [
    "core.accounts.models",
    "core.circles.models",
    "core.threads.models",
    "core.site.models",
    "core.search.models",
    "core.notifications.models",
    "core.jobs.models",
    "core.uploads.models",
    "core.moderation.models",
    "core.push.models",
    "core.messages.models",
    "core.chat.models",
]

# SQLite: WAL and foreign keys are Tortoise's defaults; a busy timeout lets a second process (backup, the CLI)
# wait for the server's write instead of failing, and NORMAL keeps every commit across an application crash.
SQLITE_PRAGMAS = {"busy_timeout": "10000", "synchronous": "NORMAL", "foreign_keys": "ON", "journal_mode": "WAL"}


def connection_url(database_url: str) -> str:
    """The database URL with the pragmas (SQLite) or pool size (PostgreSQL) that Quanzi relies on."""
    parts = urlsplit(database_url)
    query = dict(parse_qsl(parts.query))
    if database_url.startswith("sqlite"):
        for key, value in SQLITE_PRAGMAS.items():
            query.setdefault(key, value)
    else:
        query.setdefault("maxsize", "10")
    return urlunsplit(parts._replace(query=urlencode(query)))


def postgres_url(database_url: str) -> str:
    """The address that asyncpg and PostgreSQL's own tools take: their scheme, without the options of Tortoise's pool."""
    return "postgresql://" + database_url.split("://", 1)[1].split("?", 1)[0]


def _connection(database_url: str) -> str | dict[str, Any]:
    """Tortoise's connection settings: on PostgreSQL its connections count the writes they make (core/remembered.py)."""
    url = connection_url(database_url)
    if database_url.startswith("sqlite"):
        return url
    settings = expand_db_url(url)
    settings["credentials"]["connection_class"] = counting_connection()
    return settings


def tortoise_config(config: Config, plugin_apps: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The Tortoise configuration: one app for the core, one per enabled plugin that has models."""
    apps: dict[str, dict[str, Any]] = {
        "core": {"models": CORE_MODELS, "default_connection": "default", "migrations": "core.migrations"}
    }
    apps.update(plugin_apps or {})
    return {
        "connections": {"default": _connection(config.database_url)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


@asynccontextmanager
async def database(config: Config, plugin_apps: dict[str, dict[str, Any]] | None = None) -> AsyncIterator[None]:
    """The ORM, open for the length of a CLI command."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(config, plugin_apps))
        yield


async def run_migrations(
    config: Config,
    plugin_apps: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[str, str, str], object] | None = None,
) -> None:
    """Apply every pending migration of the core and of the enabled plugins' apps."""
    settings = tortoise_config(config, plugin_apps)
    async with _one_at_a_time(config), database(config, plugin_apps):
        await migrate_api(config=settings, progress=progress)
        if not config.is_sqlite:
            async with transaction() as connection:
                await announce_changes(connection)


@asynccontextmanager
async def _one_at_a_time(config: Config) -> AsyncIterator[None]:
    """On PostgreSQL, one process migrates at a time (an advisory lock, held by a connection of its own): machines
    started together take turns, and the second finds the work done."""
    if config.is_sqlite:
        yield
        return
    import asyncpg

    connection = await asyncpg.connect(postgres_url(config.database_url))
    try:
        await connection.execute("SELECT pg_advisory_lock(hashtext('quanzi_migrations'))")
        yield
    finally:
        await connection.close()  # which lets go of the lock


_after_commit: ContextVar[list[Callable[[], object]] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def transaction() -> AsyncIterator[Any]:
    """A transaction (a savepoint inside another): everything in it is written, or nothing. Callbacks given to
    ``after_commit`` inside it run once the outermost transaction has committed."""
    outermost = _after_commit.get() is None
    token = _after_commit.set([]) if outermost else None
    try:
        async with in_transaction() as connection:
            yield connection
        callbacks = _after_commit.get() or [] if outermost else []
    finally:
        if token is not None:
            _after_commit.reset(token)
    for callback in callbacks:
        callback()


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` after the current transaction commits (at once outside of one: the write is already in);
    never when it rolls back. For waking a worker about what the transaction enqueued."""
    pending = _after_commit.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)
