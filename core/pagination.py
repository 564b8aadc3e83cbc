"""Cursor (keyset) pagination: a page starts strictly after the last row of the previous one, so rows written
meanwhile are neither skipped nor repeated, and no page ever counts the whole table."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core import remembered, sql
from core.errors import Message, ValidationError
from core.numbers import fits, whole_number
from core.sql import Row

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T", bound=Model)
R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[R]):
    items: list[R]
    next: str | None


def parse_limit(raw: str | None, default: int = DEFAULT_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    limit = whole_number(raw, MAX_LIMIT)
    if limit is None or limit < 1:
        raise ValidationError({"limit": Message("A whole number from 1 to %(n)s.", n=MAX_LIMIT)})
    return limit


def _encode(values: list[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list[str]) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != len(fields):
        raise ValidationError({"cursor": Message("This cursor is not one this list gave out.")})
    decoded = []
    for field, value in zip(fields, values, strict=True):
        if field.endswith("_at") and isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise ValidationError({"cursor": Message("This cursor is not one this list gave out.")}) from None
        elif not fits(value):
            raise ValidationError({"cursor": Message("This cursor is not one this list gave out.")})
        decoded.append(value)
    return decoded


def _after(order: list[str], values: list[Any]) -> Q:
    """Rows that come after ``values`` in ``order`` ("-field" descending): the tuple comparison, spelled out."""
    condition: Q | None = None
    for position in range(len(order) - 1, -1, -1):
        field = order[position].lstrip("-")
        step = Q(**{f"{field}__{'lt' if order[position].startswith('-') else 'gt'}": values[position]})
        if condition is not None:
            step = step | (Q(**{field: values[position]}) & condition)
        condition = step
    assert condition is not None
    return condition


async def paginate(query: QuerySet[T], order: list[str], cursor: str | None, limit: int) -> Page[T]:
    """One page of ``query`` in ``order`` (which must end with a unique field), starting after ``cursor``."""
    fields = [name.lstrip("-") for name in order]
    if cursor:
        query = query.filter(_after(order, _decode(cursor, fields)))
    rows = await query.order_by(*order).limit(limit + 1)
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = _encode([getattr(last, field) for field in fields])
    return Page(items=list(items), next=next_cursor)


def _after_sql(order: list[tuple[str, str]], values: list[Any]) -> tuple[str, list[Any]]:
    """``_after`` in SQL, for ``order`` as (column, "-field" or "field") pairs."""
    condition, params = "", list[Any]()
    for (column, field), value in reversed(list(zip(order, values, strict=True))):
        step = f"{column} {'<' if field.startswith('-') else '>'} ?"
        if condition:
            condition, params = f"({step} OR ({column} = ? AND {condition}))", [value, value, *params]
        else:
            condition, params = step, [value]
    return condition, params


async def paginate_sql(
    select: str,
    where: str,
    params: list[Any],
    order: list[tuple[str, str]],
    cursor: str | None,
    limit: int,
    item: Callable[[Row], R],
    *,
    shared: bool = False,
) -> Page[R]:
    """``paginate`` for plain SQL (core/sql.py): ``select`` (columns and tables) ``where`` (with its ``params``),
    in ``order``: pairs of a column and the item's field it holds ("-field" descending); each row made ``item``.
    ``shared``: the items are frozen, nobody changes them, and they are remembered with the rows between requests
    (core/remembered.py) instead of made anew for each."""
    fields = [field.lstrip("-") for _, field in order]
    if cursor:
        after, after_params = _after_sql(order, _decode(cursor, fields))
        where, params = f"({where}) AND {after}", [*params, *after_params]
    by = ", ".join(f"{column} {'DESC' if field.startswith('-') else 'ASC'}" for column, field in order)
    statement = f"SELECT {select} WHERE {where} ORDER BY {by} LIMIT ?"
    if shared:
        key = (statement, tuple(params), limit, item)
        items, more = await remembered.recall("items", key, lambda: _items(statement, params, limit, item))
    else:
        items, more = await _items(statement, params, limit, item)
    next_cursor = _encode([getattr(items[-1], field) for field in fields]) if more else None
    return Page(items=list(items), next=next_cursor)


async def _items(statement: str, params: list[Any], limit: int, item: Callable[[Row], R]) -> tuple[tuple[R, ...], bool]:
    """Up to ``limit`` rows of ``statement`` made items, and whether there are more (the items are remembered
    with the rows, core/remembered.py: ``item`` makes things nobody changes)."""
    rows = await sql.fetch(statement, *params, limit + 1)
    return tuple(item(row) for row in rows[:limit]), len(rows) > limit


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The numbers a numbered pager shows: the first, the last and two either side of ``page``; None for a gap
    of more than one page. Its length does not grow with the number of pages."""
    numbers: list[int | None] = []
    previous = 0
    for number in sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)}):
        if number - previous == 2:
            numbers.append(previous + 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers
