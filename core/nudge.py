"""A nudge: wakes a background worker of this process (after a commit that gave it work) instead of letting it
sleep until its next round."""

from __future__ import annotations

import asyncio
import contextlib


class Nudge:
    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def set(self) -> None:
        if self._event is not None:
            self._event.set()

    async def wait(self, timeout: float) -> None:
        """Wait for a nudge, or ``timeout`` seconds (the event belongs to the running loop)."""
        if self._event is None:
            self._event = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()

    def reset(self) -> None:
        """Forget the event (a new event loop is starting: the server restarts, or a test starts another site)."""
        self._event = None
