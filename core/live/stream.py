"""A stream of server-sent events (``text/event-stream``) for one channel of the hub: first what the client missed
(the rows after the id it names), then each event as the hub hears of it, and a comment line every ``HEARTBEAT``
seconds so that proxies keep the connection. Who may read is asked again whenever someone leaves (a ``recheck``
event: a member who leaves a private circle hears nothing more of it), at most every ``RECHECK`` seconds while lines
come and every ``RECHECK_IDLE`` seconds while none do: the stream ends when they may not. It ends too when the
client goes, and gives its place in the hub back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from core import metrics
from core.live.hub import Channel, frame, hub

HEARTBEAT = 15.0
RECHECK = 10.0  # while lines come
RECHECK_IDLE = 60.0  # while nothing comes but heartbeats (a thousand idle readers ask the database little)
REPLAY = 200  # rows a reconnecting client is sent at most (more: it reloads the page)
Replay = Callable[[int], Awaitable[list[tuple[int, str]]]]  # the rows after an id, as (id, JSON), oldest first


class EventStream(Response):
    media_type = "text/event-stream"

    def __init__(self, channel: str, after: int, replay: Replay, may_read: Callable[[], Awaitable[bool]]) -> None:
        super().__init__(headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}, media_type=self.media_type)
        self.raw_headers = [(name, value) for name, value in self.raw_headers if name != b"content-length"]  # no end
        self.channel, self.after, self.replay, self.may_read = channel, after, replay, may_read

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        channel, woken = hub().listen(self.channel)
        metrics.STREAMS.inc()
        refused = False
        try:
            async with anyio.create_task_group() as group:

                async def until_gone() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(until_gone)
                await self._pump(send, channel, woken)  # returns when the reader may no longer read
                refused = True
                group.cancel_scope.cancel()
        finally:
            hub().leave(channel, woken)
            metrics.STREAMS.dec()
        if refused:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _pump(self, send: Send, channel: Channel, woken: asyncio.Event) -> None:
        async def write(chunk: bytes) -> None:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

        seq = channel.seq
        last = self.after
        sent: set[int] = set()

        async def catch_up() -> None:
            nonlocal last
            for id_, data in await self.replay(last):
                if id_ not in sent:
                    await write(frame(data, id_=id_))
                    sent.add(id_)
                    last = max(last, id_)

        await write(b"retry: 3000\n\n")
        await catch_up()
        checked = time.monotonic()
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT):  # no task of its own, as wait_for would make for each stream
                    await woken.wait()
            except TimeoutError:
                if time.monotonic() - checked > RECHECK_IDLE:
                    if not await self.may_read():
                        return
                    checked = time.monotonic()
                await write(b": ping\n\n")
                continue
            woken.clear()
            if time.monotonic() - checked > RECHECK:
                if not await self.may_read():
                    return
                checked = time.monotonic()
            events, fell_behind = channel.since(seq)
            seq = channel.seq
            if fell_behind or any(event.name == "resync" for event in events):
                await catch_up()
                continue
            for event in events:
                if event.name == "recheck":  # someone left the circle: is it this reader?
                    if not await self.may_read():
                        return
                    checked = time.monotonic()
                elif event.name == "message" and event.id not in sent:
                    await write(event.frame)
                    sent.add(event.id)
                    last = max(last, event.id)
                    if len(sent) > 2 * REPLAY:  # the ids a replay could send again: the latest are enough
                        sent = set(sorted(sent)[-REPLAY:])
                elif event.name == "deleted":
                    await write(event.frame)
