"""Each worker's one connection that listens for notifications on PostgreSQL (``LISTEN``): a listener on a pooled
connection would vanish when the pool takes the connection back, so it has its own, for every channel the worker
hears (the live streams' announcements, the database's changes). A dead server is not noticed until something is
sent, so it is asked ``SELECT 1`` every ``CHECK_SECONDS``; when the connection breaks, each channel is told (what is
sent meanwhile is lost), the connection is made again, and each channel is told it listens again."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
CHECK_SECONDS = 20


@dataclass(frozen=True)
class Hearing:
    """What a channel does with a notification's text (called on the event loop, outside any task: what takes time
    starts a task of its own), and when notifications may have been lost (``broke``: the connection broke;
    ``back``: listening again)."""

    heard: Callable[[str], None]
    broke: Callable[[], None] = lambda: None
    back: Callable[[], None] = lambda: None


class Listener:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn.replace("asyncpg://", "postgres://", 1)
        self.channels: dict[str, Hearing] = {}
        self.task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self.context = contextvars.copy_context()

    def on(self, channel: str, hearing: Hearing) -> None:
        """Hear ``channel`` (before ``start``)."""
        self.channels[channel] = hearing

    def start(self) -> None:
        """Listen from now on (called where the database is open: what a channel starts runs in this context)."""
        self.context = contextvars.copy_context()
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            for hearing in self.channels.values():
                hearing.broke()

    def _heard(self, connection: Any, pid: int, channel: str, text: str) -> None:
        # asyncpg calls this outside any task: it runs in the context the listener was started in
        self.context.run(self.channels[channel].heard, text)

    async def _run(self) -> None:
        import asyncpg  # loaded on PostgreSQL alone

        while True:
            connection = None
            try:
                connection = await asyncpg.connect(self.dsn)
                for channel in self.channels:
                    await connection.add_listener(channel, self._heard)
                for hearing in self.channels.values():
                    hearing.back()
                self.connected.set()
                while True:
                    await asyncio.sleep(CHECK_SECONDS)
                    await asyncio.wait_for(connection.fetchval("SELECT 1"), timeout=10)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the server went away: try again shortly
                log.warning("PostgreSQL notifications: the listening connection broke (%s); connecting again", error)
                self.connected.clear()
                for hearing in self.channels.values():
                    hearing.broke()
                await asyncio.sleep(1)
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close(timeout=2))
