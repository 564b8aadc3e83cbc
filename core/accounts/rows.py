"""A member as lists show them, read with plain SQL (core/sql.py) instead of a model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Named(Protocol):
    """A member as pages and the API name them: a ``User`` loaded by the ORM or an ``Author`` read with plain SQL."""

    @property
    def username(self) -> str: ...

    @property
    def display_name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote something, or a face in a circle's member list."""

    id: int
    username: str
    display_name: str
    avatar: str = ""  # the file name of their picture; "": the letter
