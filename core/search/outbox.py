"""Telling search that something changed: call ``enqueue`` inside the transaction that changes it."""

from __future__ import annotations

from core.nudge import Nudge
from core.search.models import SearchOutbox

nudge = Nudge()


async def enqueue(kind: str, object_id: int) -> None:
    """Record that document ``kind``/``object_id`` may have changed (in the caller's transaction)."""
    await SearchOutbox.create(kind=kind, object_id=object_id)


def wake() -> None:
    """Nudge this process's indexer (after a commit) instead of letting it wait for its next round."""
    nudge.set()
