"""Each worker's one connection that listens for announcements on PostgreSQL (``LISTEN quanzi_live``): a listener on
a pooled connection would vanish when the pool takes the connection back, so it has its own. A dead server is not
noticed until something is sent, so it is asked ``SELECT 1`` every ``CHECK_SECONDS``; when the connection breaks it
is made again, and every stream reads the table again for what it may have missed."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from typing import Any

import asyncpg

from core.live.hub import PG_CHANNEL, Hub, parse

log = logging.getLogger(__name__)
CHECK_SECONDS = 20


class Listener:
    def __init__(self, dsn: str, hub: Hub) -> None:
        self.dsn = dsn.replace("asyncpg://", "postgres://", 1)
        self.hub = hub
        self.task: asyncio.Task[None] | None = None
        self.delivering: set[asyncio.Task[None]] = set()
        self.connected = asyncio.Event()
        self.context = contextvars.copy_context()

    def start(self) -> None:
        """Listen from now on (called where the database is open: deliveries read it in this context)."""
        self.context = contextvars.copy_context()
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    def _heard(self, connection: Any, pid: int, channel: str, text: str) -> None:
        name, kind, ids = parse(text)
        # asyncpg calls this outside any task: the delivery runs where the listener was started
        task = asyncio.get_running_loop().create_task(self.hub.deliver(name, kind, ids), context=self.context)
        self.delivering.add(task)
        task.add_done_callback(self.delivering.discard)

    async def _run(self) -> None:
        first = True
        while True:
            connection = None
            try:
                connection = await asyncpg.connect(self.dsn)
                await connection.add_listener(PG_CHANNEL, self._heard)
                if not first:
                    self.hub.resync()
                first = False
                self.connected.set()
                while True:
                    await asyncio.sleep(CHECK_SECONDS)
                    await asyncio.wait_for(connection.fetchval("SELECT 1"), timeout=10)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the server went away: try again shortly
                log.warning("live updates: the listening connection broke (%s); connecting again", error)
                self.connected.clear()
                await asyncio.sleep(1)
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.shield(connection.close(timeout=2))
