"""What a thread page lists, as small read-only objects read with plain SQL (core/sql.py) instead of models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.accounts.rows import Author
from core.sql import Row, timestamp


@dataclass(frozen=True, slots=True)
class PostItem:
    """A post as a thread page shows it (and as the ``post_footer`` slot receives it)."""

    id: int
    thread_id: int
    author_id: int
    author: Author
    number: int
    html: str
    created_at: datetime
    edited_at: datetime | None
    waiting_for_review: bool  # hidden until a moderator reviews it: shown to its author alone
    likes: int

    @classmethod
    def of(cls, row: Row) -> PostItem:
        """From the columns id, thread_id, author_id, number, html, created_at, edited_at, like_count, username,
        display_name, avatar, waiting."""
        return cls(
            row["id"],
            row["thread_id"],
            row["author_id"],
            Author(row["author_id"], row["username"], row["display_name"], row["avatar"]),
            row["number"],
            row["html"],
            timestamp(row["created_at"]),
            timestamp(row["edited_at"]),
            bool(row["waiting"]),
            row["like_count"],
        )


@dataclass(frozen=True, slots=True)
class ActivityItem:
    """A member's post as their profile lists it: where it was written, when, and its text (shown as an excerpt)."""

    id: int
    thread_id: int
    thread_title: str
    circle_slug: str
    circle_name: str
    created_at: datetime
    html: str

    COLUMNS = "p.id, p.thread_id, t.title, c.slug, c.name, p.created_at, p.html"
    TABLES = "posts p JOIN threads t ON t.id = p.thread_id JOIN circles c ON c.id = t.circle_id"

    @classmethod
    def of(cls, row: Row) -> ActivityItem:
        """From the ``COLUMNS`` of ``TABLES``."""
        return cls(
            row["id"],
            row["thread_id"],
            row["title"],
            row["slug"],
            row["name"],
            timestamp(row["created_at"]),
            row["html"],
        )


@dataclass(frozen=True, slots=True)
class CircleRef:
    """The circle a listed thread is in."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """A thread as lists show it (a circle's page, the home page, the API's thread lists)."""

    id: int
    title: str
    kind: str
    circle: CircleRef
    author: Author
    created_at: datetime
    last_activity_at: datetime
    post_count: int
    pinned: bool
    locked: bool
    featured: bool
    first_post_id: int | None
    deleted_at: None = None  # lists hold no deleted thread

    COLUMNS = (
        "t.id, t.title, t.kind, t.circle_id, c.slug, c.name, t.author_id, u.username, u.display_name, t.created_at, "
        "t.last_activity_at, t.post_count, t.pinned, t.locked, t.featured, t.first_post_id"
    )
    TABLES = "threads t JOIN circles c ON c.id = t.circle_id JOIN users u ON u.id = t.author_id"

    @classmethod
    def of(cls, row: Row) -> ThreadItem:
        """From the ``COLUMNS`` of ``TABLES``."""
        return cls(
            row["id"],
            row["title"],
            row["kind"],
            CircleRef(row["circle_id"], row["slug"], row["name"]),
            Author(row["author_id"], row["username"], row["display_name"]),
            timestamp(row["created_at"]),
            timestamp(row["last_activity_at"]),
            row["post_count"],
            bool(row["pinned"]),
            bool(row["locked"]),
            bool(row["featured"]),
            row["first_post_id"],
        )
