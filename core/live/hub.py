"""Live delivery to the streams a worker holds (server-sent events): a hub per process, fed by the writers.

A writer announces what it wrote, by id, once its transaction commits (``announce``): on SQLite (one worker) to
this process's hub directly, on PostgreSQL by ``NOTIFY`` inside the writing transaction, which every worker of
every machine hears on one connection of its own (core/live/postgres.py) and hands to its hub. The hub reads the
announced rows once (its ``Feed``) and keeps the latest events of each channel in a ring; each stream wakes, reads
the ring from where it stopped, and writes to its own client. So a slow reader holds up nobody (it only falls
behind in the ring, and reads the database again if it fell out of it), an idle stream costs an ``asyncio.Event``
and no CPU, and a client that reconnects says the last id it had (``Last-Event-ID``) and is sent what it missed,
from the table.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from tortoise import connections

from core.db import after_commit

RING = 256  # the latest events of a channel kept for its streams
PG_CHANNEL = "quanzi_live"  # the PostgreSQL notification channel every worker listens on


def frame(data: str, *, id_: int | None = None, event: str | None = None) -> bytes:
    """An event as a stream writes it (``text/event-stream``)."""
    lines = [f"id: {id_}"] if id_ is not None else []
    if event is not None:
        lines.append(f"event: {event}")
    lines.append(f"data: {data}")
    return ("\n".join(lines) + "\n\n").encode()


@dataclass(frozen=True)
class Event:
    """One event of a channel: ``name`` (``message``, ``deleted``; ``recheck``: ask again who may read;
    ``resync``: read the table again), the id of its row, and its JSON."""

    seq: int
    name: str
    id: int
    data: str
    frame: bytes  # as a stream writes it (once for every stream that reads it)


# What a channel's rows look like as events: given the channel's key (a circle's id) and row ids, their (id, JSON)
Feed = Callable[[str, Sequence[int]], Awaitable[list[tuple[int, str]]]]


@dataclass
class Channel:
    name: str
    ring: deque[Event] = field(default_factory=lambda: deque(maxlen=RING))
    seq: int = 0
    listeners: set[asyncio.Event] = field(default_factory=set)

    def add(self, name: str, id_: int, data: str) -> None:
        self.seq += 1
        written = frame(data, id_=id_) if name == "message" else frame(data, event=name) if name == "deleted" else b""
        self.ring.append(Event(self.seq, name, id_, data, written))
        for woken in self.listeners:
            woken.set()

    def since(self, seq: int) -> tuple[list[Event], bool]:
        """The events after ``seq``, and whether some of them have already left the ring (the reader fell
        behind)."""
        if not self.ring or self.seq <= seq:
            return [], False
        first = self.ring[0].seq
        return list(islice(self.ring, max(0, seq + 1 - first), None)), first > seq + 1


class Hub:
    """This process's channels and the streams listening to them."""

    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.feeds: dict[str, Feed] = {}
        self.postgres: bool = False  # announced by NOTIFY, heard back by this process's listener

    def feed(self, kind: str, feed: Feed) -> None:
        """How the rows of the channels ``kind:KEY`` are read (the circle chat's: ``chat``)."""
        self.feeds[kind] = feed

    def listen(self, name: str) -> tuple[Channel, asyncio.Event]:
        channel = self.channels.get(name)
        if channel is None:
            channel = self.channels[name] = Channel(name)
        woken = asyncio.Event()
        channel.listeners.add(woken)
        return channel, woken

    def leave(self, channel: Channel, woken: asyncio.Event) -> None:
        channel.listeners.discard(woken)
        if not channel.listeners and self.channels.get(channel.name) is channel:
            del self.channels[channel.name]  # nobody listens: its ring goes too

    async def deliver(self, name: str, kind: str, ids: Sequence[int]) -> None:
        """Rows ``ids`` of channel ``name`` were written (``kind``: ``new``) or deleted (``deleted``): read the new
        ones once, and wake the channel's streams. Nothing to do where no stream listens."""
        channel = self.channels.get(name)
        if channel is None:
            return
        if kind == "deleted":
            for id_ in ids:
                channel.add("deleted", id_, f'{{"id": {id_}}}')
            return
        if kind == "recheck":
            channel.add("recheck", 0, "")
            return
        feed_kind, _, key = name.partition(":")
        feed = self.feeds.get(feed_kind)
        if feed is None:
            return
        for id_, data in await feed(key, ids):
            channel.add("message", id_, data)

    def heard(self, text: str) -> None:
        """A NOTIFY on PostgreSQL (``payload``): delivered in a task of its own."""
        _start_delivery(self.deliver(*parse(text)))

    def resync(self) -> None:
        """Announcements may have been lost (the listening connection broke): every stream reads the table again."""
        for channel in self.channels.values():
            channel.add("resync", 0, "")


_hub = Hub()


def hub() -> Hub:
    """This process's hub."""
    return _hub


def payload(name: str, kind: str, ids: Sequence[int]) -> str:
    """An announcement as a NOTIFY carries it: ``chat:42|new|1234`` (well under PostgreSQL's 8000 bytes)."""
    return f"{name}|{kind}|{','.join(str(id_) for id_ in ids)}"


def parse(text: str) -> tuple[str, str, list[int]]:
    name, kind, ids = text.split("|", 2)
    return name, kind, [int(id_) for id_ in ids.split(",") if id_]


_delivering: set[asyncio.Task[None]] = set()


async def announce(name: str, kind: str, ids: Sequence[int], connection: Any = None) -> None:
    """Have every stream of channel ``name``, on every worker, told that rows ``ids`` were written (``kind``:
    ``new``), deleted (``deleted``), or that who may read it changed (``recheck``, no ids) — once the transaction
    whose ``connection`` is given (from ``core.db.transaction``) commits, or at once without one."""
    if _hub.postgres:  # delivered at commit, to every listening worker (this one too)
        sender = connection if connection is not None else connections.get("default")
        await sender.execute_query("SELECT pg_notify($1, $2)", [PG_CHANNEL, payload(name, kind, ids)])
        return

    after_commit(lambda: _start_delivery(_hub.deliver(name, kind, list(ids))))


def _start_delivery(delivery: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(delivery)
    _delivering.add(task)  # held until done: the loop keeps only a weak reference
    task.add_done_callback(_delivering.discard)
