"""What a thread page lists, as small read-only objects read with plain SQL (core/sql.py) instead of models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.sql import Row, timestamp


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote something, as lists show them."""

    id: int
    username: str
    display_name: str


@dataclass(frozen=True, slots=True)
class PostItem:
    """A post as a thread page shows it (and as the ``post_footer`` slot receives it)."""

    id: int
    thread_id: int
    author_id: int
    author: Author
    html: str
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def of(cls, row: Row) -> PostItem:
        """From the columns id, thread_id, author_id, html, created_at, edited_at, username, display_name."""
        author = Author(row["author_id"], row["username"], row["display_name"])
        created_at = timestamp(row["created_at"])
        assert created_at is not None
        return cls(
            row["id"], row["thread_id"], row["author_id"], author, row["html"], created_at, timestamp(row["edited_at"])
        )
