"""Notifications as lists show them, read with plain SQL (core/sql.py): about a thread, or about a plugin's object
seen by named people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.accounts.rows import Author
from core.sql import Row, timestamp

COLUMNS = (
    "n.id, n.kind, n.thread_id, n.post_id, n.title, n.url, n.count, n.created_at, n.read_at, t.title AS thread_title, "
    "a.id AS actor_id, a.username AS actor_username, a.display_name AS actor_display_name"
)
TABLES = (
    "notifications n LEFT JOIN threads t ON t.id = n.thread_id LEFT JOIN circles c ON c.id = t.circle_id "
    "LEFT JOIN users a ON a.id = n.actor_id"
)


@dataclass(frozen=True, slots=True)
class NotificationItem:
    id: int
    kind: str
    actor: Author | None
    title: str  # the thread's, or the subject's as it was when sent
    url: str
    thread_id: int | None
    created_at: datetime
    read_at: datetime | None
    count: int  # the acts it gathers ("12 people liked your post"): 1 for most

    @classmethod
    def of(cls, row: Row) -> NotificationItem:
        """From the ``COLUMNS`` of ``TABLES``."""
        actor = None
        if row["actor_id"] is not None:
            actor = Author(row["actor_id"], row["actor_username"], row["actor_display_name"])
        thread_id = row["thread_id"]
        if thread_id is not None:
            title = row["thread_title"]
            url = f"/p/{row['post_id']}" if row["post_id"] else f"/t/{thread_id}"
        else:
            title, url = row["title"], row["url"]
        return cls(
            row["id"],
            row["kind"],
            actor,
            title,
            url,
            thread_id,
            timestamp(row["created_at"]),
            timestamp(row["read_at"]),
            row["count"],
        )
