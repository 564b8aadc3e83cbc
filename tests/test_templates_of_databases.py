"""The tests' database for some of the plugins is cut from the one migrated with all of them
(core/testing/databases.py): it must be what migrating just those plugins makes."""

from __future__ import annotations

import asyncio
import sqlite3

from core.testing import databases


def _made(template: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The tables (on SQLite: every table and index with its SQL) and the migrations recorded as applied."""
    if databases.POSTGRES:
        return asyncio.run(_made_postgres(template))
    connection = sqlite3.connect(template)
    try:
        schema = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master WHERE name <> 'sqlite_sequence'"))
        applied = sorted(connection.execute("SELECT app, name FROM tortoise_migrations"))
    finally:
        connection.close()
    return schema, applied


async def _made_postgres(template: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    import asyncpg

    connection = await asyncpg.connect(f"{databases.POSTGRES}/{template}")
    try:
        columns = await connection.fetch(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        )
        indexes = await connection.fetch("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        applied = await connection.fetch("SELECT app, name FROM tortoise_migrations")
    finally:
        await connection.close()
    schema = sorted(tuple(row) for row in [*columns, *indexes])
    return schema, sorted(tuple(row) for row in applied)


def test_a_template_cut_for_some_plugins_is_what_migrating_them_makes():
    bundled = databases._bundled_apps()
    some = {name: bundled[name] for name in ("polls", "events")}
    cut = databases._template(some)
    migrated = databases._migrated(some, "direct-" + databases._key(some))
    schema, applied = _made(cut)
    assert (schema, applied) == _made(migrated)
    assert {app for app, _ in applied} == {"core", "polls", "events"}
