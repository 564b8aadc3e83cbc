"""Fixed SQL statements for the reads that every page makes.

Tortoise builds each query anew (pypika) and a model per row, converting every field: the thread page's 20 posts
with their authors cost 3.3 ms that way against 0.23 ms for the same statement read into small objects, and one
thread with its circle and author 2.0 ms against 0.25 ms (measured, docs/performance.md). So the reads on every
page — who is asking, the thread with its circle, a membership, the page's posts, unread notifications — are
written here as plain SQL that SQLite and PostgreSQL both understand; all the rest, and every write, uses the ORM.

What a request reads here is remembered until the database changes (core/remembered.py).

Statements use ``?`` for parameters (turned into ``$1``, ``$2``, ... for PostgreSQL).
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import Any, TypeVar, cast, overload

from tortoise import connections
from tortoise.fields import DatetimeField, JSONField
from tortoise.models import Model

from core import remembered

M = TypeVar("M", bound=Model)
Row = Mapping[str, Any]


@lru_cache(maxsize=1024)
def _postgres(sql: str) -> str:
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


async def fetch(sql: str, *params: Any) -> Sequence[Row]:
    """The rows of ``sql``, each readable by column name. A request's SELECT is remembered until the database
    changes (core/remembered.py): the rows are shared, never to be changed."""
    if sql.lstrip()[:6].upper() != "SELECT":
        return await _fetch(sql, params)
    return await remembered.recall("sql", (sql, params), lambda: _fetch(sql, params))


async def _fetch(sql: str, params: tuple[Any, ...]) -> Sequence[Row]:
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        sql = _postgres(sql)
    _, rows = await connection.execute_query(sql, list(params))
    return tuple(cast("Sequence[Row]", rows))


async def fetch_one(sql: str, *params: Any) -> Row | None:
    rows = await fetch(sql, *params)
    return rows[0] if rows else None


def placeholders(count: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` of ``count`` values (at least one: ``IN ()`` is not SQL)."""
    assert count > 0
    return ", ".join("?" * count)


@cache
def columns(model: type[Model], alias: str) -> str:
    """The select list of ``model``'s table under ``alias``, each column named ``alias__column``."""
    return ", ".join(f"{alias}.{column} AS {alias}__{column}" for column in sorted(model._meta.db_fields))


def instance(model: type[M], row: Row, alias: str) -> M:
    """A model instance (as the ORM would have loaded it) from the ``columns(model, alias)`` of ``row``; its times
    read with ``datetime.fromisoformat`` (Tortoise's parser took a third of a member's scope). The instance is the
    caller's own to change. A remembered row (shared by the requests that read it, never changed) is made into a
    model once and copied for each caller: a copy takes 1.5 us where making one took 5 to 15 (a thread page made
    three)."""
    kept = (model, alias, id(row))
    made = _made.get(kept)
    if made is None or made[0] is not row:  # holding the row, its id is not another's while kept
        values = {column: timestamp(row[key]) if time else row[key] for key, column, time in _reading(model, alias)}
        made = _made[kept] = (row, model._init_from_db(**values))
        if len(_made) > MADE_KEPT:
            _made.popitem(last=False)
    else:
        _made.move_to_end(kept)
    return _copy(made[1])  # type: ignore[return-value]


MADE_KEPT = 256  # the models last made from rows, kept to be copied
_made: OrderedDict[tuple[type[Model], str, int], tuple[Row, Model]] = OrderedDict()


def _copy(made: M) -> M:
    """A copy of ``made`` of its own: its JSON values (dicts, lists) and the ORM's pending work copied too."""
    twin = type(made).__new__(type(made))
    state = dict(vars(made))
    state["_await_when_save"] = {}
    for name in _json_fields(type(made)):
        state[name] = copy.deepcopy(state.get(name))
    vars(twin).update(state)
    return twin


@cache
def _json_fields(model: type[Model]) -> tuple[str, ...]:
    return tuple(name for name, field in model._meta.fields_map.items() if isinstance(field, JSONField))


@cache
def _reading(model: type[Model], alias: str) -> tuple[tuple[str, str, bool], ...]:
    """How ``instance`` reads ``model`` from a row: each column's key in the row, its name, whether it is a time."""
    times = _times(model)
    return tuple((f"{alias}__{column}", column, column in times) for column in model._meta.db_fields)


async def models(model: type[M], where: str, *params: Any, order: str = "", limit: int | None = None) -> list[M]:
    """The rows of ``model``'s table that meet ``where`` (SQL on its columns, with ``params``), in ``order``, the
    first ``limit`` of them, each a model of its own (a remembered read, core/remembered.py; the models are new,
    the caller's to change): ``await models(Campaign, "token = ?", token)`` costs a tenth of the ORM's query."""
    statement = f"SELECT {columns(model, 'x')} FROM {model._meta.db_table} x WHERE {where}"
    if order:
        statement = f"{statement} ORDER BY {order}"
    if limit is not None:
        statement, params = f"{statement} LIMIT ?", (*params, limit)
    rows = await fetch(statement, *params)
    return [instance(model, row, "x") for row in rows]


async def model(model: type[M], where: str, *params: Any, order: str = "") -> M | None:
    """The first of ``models(model, where, *params, order=order)``, or None."""
    found = await models(model, where, *params, order=order, limit=1)
    return found[0] if found else None


@cache
def _times(model: type[Model]) -> frozenset[str]:
    """The columns of ``model`` that hold times."""
    return frozenset(
        field.source_field or name
        for name, field in model._meta.fields_map.items()
        if isinstance(field, DatetimeField) and name in model._meta.db_fields
    )


@overload
def timestamp(value: str | datetime) -> datetime: ...
@overload
def timestamp(value: None) -> None: ...
def timestamp(value: str | datetime | None) -> datetime | None:
    """A timestamp column: SQLite gives the text Tortoise wrote (ISO 8601 with offset), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
