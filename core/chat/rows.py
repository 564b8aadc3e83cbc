"""A chat's lines as small read-only objects read with plain SQL (core/sql.py): the page, the API and the stream
all read them here, each with the line it answers, in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import remembered, sql
from core.accounts.rows import Author
from core.sql import Row, timestamp


@dataclass(frozen=True, slots=True)
class Answered:
    """The line a line answers, as the line shows it."""

    id: int
    author: Author | None
    html: str


@dataclass(frozen=True, slots=True)
class LineItem:
    """A line of a circle's chat."""

    id: int
    author: Author | None  # None once its author's account is gone
    body: str
    html: str
    created_at: datetime
    answers: Answered | None  # the line it answers, while that is still there

    @property
    def author_id(self) -> int:
        return self.author.id if self.author else 0


SELECT = (
    "SELECT l.id, l.author_id, u.username, u.display_name, u.avatar, l.body, l.html, l.created_at, "
    "r.id AS r_id, r.author_id AS r_author_id, ru.username AS r_username, ru.display_name AS r_display_name, "
    "ru.avatar AS r_avatar, r.html AS r_html "
    "FROM chat_lines l LEFT JOIN users u ON u.id = l.author_id "
    "LEFT JOIN chat_lines r ON r.id = l.reply_to_id AND r.deleted_at IS NULL "
    "LEFT JOIN users ru ON ru.id = r.author_id "
    "WHERE l.circle_id = ? AND l.deleted_at IS NULL "
)


def _author(row: Row, prefix: str = "") -> Author | None:
    if row[f"{prefix}author_id"] is None:
        return None
    return Author(
        row[f"{prefix}author_id"], row[f"{prefix}username"], row[f"{prefix}display_name"], row[f"{prefix}avatar"]
    )


def _line(row: Row) -> LineItem:
    answered = Answered(row["r_id"], _author(row, "r_"), row["r_html"]) if row["r_id"] is not None else None
    return LineItem(row["id"], _author(row), row["body"], row["html"], timestamp(row["created_at"]), answered)


async def read(
    circle_id: int, condition: str = "", *params: Any, order: str = "l.id", limit: int = 200
) -> tuple[LineItem, ...]:
    """The circle's lines that meet ``condition`` (SQL on ``l``, the line, with ``params``), in ``order``: shared
    by the requests that ask alike until the database changes (core/remembered.py)."""
    statement = f"{SELECT}{condition} ORDER BY {order} LIMIT ?"

    async def lines() -> tuple[LineItem, ...]:
        return tuple(_line(row) for row in await sql.fetch(statement, circle_id, *params, limit))

    return await remembered.recall("chat lines", (statement, circle_id, params, limit), lines)
