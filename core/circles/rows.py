"""What lists of circles show, as small read-only objects read with plain SQL (core/sql.py) instead of models."""

from __future__ import annotations

from dataclasses import dataclass

from core.circles.models import Visibility
from core.sql import Row


@dataclass(frozen=True, slots=True)
class CircleItem:
    """A circle as the home page lists it."""

    id: int
    slug: str
    name: str
    visibility: Visibility
    member_count: int
    thread_count: int

    COLUMNS = "c.id, c.slug, c.name, c.visibility, c.member_count, c.thread_count"

    @classmethod
    def of(cls, row: Row) -> CircleItem:
        """From the ``COLUMNS`` of ``circles c``."""
        return cls(
            row["id"], row["slug"], row["name"], Visibility(row["visibility"]), row["member_count"], row["thread_count"]
        )
