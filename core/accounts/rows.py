"""A member as lists show them, read with plain SQL (core/sql.py) instead of a model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote something, or a face in a circle's member list."""

    id: int
    username: str
    display_name: str
