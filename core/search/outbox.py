"""Telling search that something changed: call ``enqueue`` inside the transaction that changes it."""

from __future__ import annotations

import asyncio

from core.search.models import SearchOutbox

_wake: asyncio.Event | None = None


async def enqueue(kind: str, object_id: int) -> None:
    """Record that document ``kind``/``object_id`` may have changed (in the caller's transaction)."""
    await SearchOutbox.create(kind=kind, object_id=object_id)


def wake() -> None:
    """Nudge this process's indexer (after a commit) instead of letting it wait for its next round."""
    if _wake is not None:
        _wake.set()


async def wait(timeout: float) -> None:
    """Wait for a nudge, or ``timeout`` seconds (the event belongs to the running loop)."""
    global _wake
    if _wake is None:
        _wake = asyncio.Event()
    try:
        await asyncio.wait_for(_wake.wait(), timeout)
    except TimeoutError:
        pass
    _wake.clear()


def reset() -> None:
    """Forget the event (a new event loop is starting: the server restarts, or a test starts another site)."""
    global _wake
    _wake = None
