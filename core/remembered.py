"""What a member's every page reads again — who their session is, their memberships and bans, their unread counts —
remembered from one of their requests to the next for as long as the database has not changed.

An answer is remembered under the database's *change stamp* read before it was fetched. On SQLite: the rows this
process's connection has written (``total_changes``: every write of every request and job, counted as it is made)
and every commit, this process's or another's (``PRAGMA data_version`` of a connection of its own that only ever
reads it, without leaving the event loop, at most every 50 ms within a request: a command in a shell, a restore,
this process's own writes). On PostgreSQL: a count of changes this process knows of — each statement that writes
through its own connections, counted as it returns (``counting_connection``), and each commit anywhere that changed a
table, which a trigger on every table announces (``NOTIFY quanzi_changed``) and the worker's listening connection
hears, a moment after the commit, on every worker of every machine (``changed``). While that connection is down
nothing is remembered. Any write anywhere makes a new stamp, so nothing has to be forgotten by hand at the places that
write and nothing remembered is served after a change (on PostgreSQL, after another process's change has been
heard); a busy site just reads afresh more often. Inside a transaction nothing is remembered or served (it may yet
be rolled back), and neither outside a request (jobs read afresh). What is due to be read afresh is read once for
the requests that ask for it meanwhile.

What is remembered is shared by the requests that recall it: rows, numbers and objects that nobody changes. A
model object that a request may change (the viewer) is made anew from remembered rows.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import sys
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

T = TypeVar("T")
MAX_BYTES = 8 * 1024 * 1024  # what the remembered answers hold together (roughly), the least recently used dropped
# how long a request goes by the data version it read (a page asks a dozen times; this process's own writes show at
# once all the same, in ``total_changes``): another's commit shows within this, even in a request that lasts
VERSION_FOR = 0.05


class _Request:
    """The request being answered: whether it still is (a task it started that runs on after it remembers
    nothing), the connection it reads through with that connection's number (looked up once), and the database's
    data version as it last read it, and when."""

    __slots__ = ("open", "connection", "raw", "number", "version", "version_at")

    def __init__(self) -> None:
        self.open = True
        self.connection: Any = None  # the aiosqlite connection, False when nothing may be remembered
        self.raw: Any = None  # its sqlite3 connection: whether a transaction is open, the rows written
        self.number = 0
        self.version: int | None = None
        self.version_at = float("-inf")


_request: ContextVar[_Request | None] = ContextVar("quanzi_remembering_request", default=None)
_numbers: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()  # each connection's own number
# beside each connection, one that asks nothing but its data version (see ``_data_version``)
_watchers: weakref.WeakKeyDictionary[Any, sqlite3.Connection | None] = weakref.WeakKeyDictionary()
_count = itertools.count()
_kept: OrderedDict[tuple[Hashable, ...], tuple[Hashable, Any, int]] = OrderedDict()  # -> (stamp, answer, weight)
_held = 0  # the weight of all the remembered answers
# the reads under way, by what they read and the stamp they read for: the requests that ask the same meanwhile wait
# for that answer instead of each reading it (after a write, every request of a busy page would read it again)
_reading: dict[tuple[tuple[Hashable, ...], Hashable], asyncio.Future[Any]] = {}


@contextmanager
def request() -> Iterator[None]:
    """What is read within is one request's: it may be remembered and recalled."""
    current = _Request()
    token = _request.set(current)
    try:
        yield
    finally:
        current.open = False
        _request.reset(token)


class Remembering:
    """Pure ASGI middleware: each HTTP request reads the stamp afresh (and only a request remembers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with request():
            await self.app(scope, receive, send)


def _stamp() -> tuple[int, int, int] | None:
    """The database's change stamp now, or None when nothing may be remembered or recalled."""
    current = _request.get()
    if current is None or not current.open:
        return None
    connection = current.connection
    if connection is None:
        connection = current.connection = _connection_of(current)
        if connection is None:  # asked inside a transaction: looked up again on the next ask
            return None
    if connection is POSTGRES:
        if not _changes.heard or isinstance(connections.get("default"), TransactionalDBClient):
            return None
        return current.number, 0, _changes.count
    if connection is False:
        return None
    raw = current.raw
    if raw.in_transaction:
        return None
    now = time.monotonic()
    if now - current.version_at > VERSION_FOR:
        current.version, current.version_at = _data_version(connection), now
    version = current.version
    if version is None:
        return None
    return current.number, version, raw.total_changes


def _connection_of(current: _Request) -> Any:
    """The aiosqlite connection the request reads through (numbered in ``current``), ``POSTGRES`` (the client
    numbered), or False: another database, or not yet open; None inside a transaction, whose wrapper stands for the
    client."""
    client = connections.get("default")
    if client.capabilities.dialect == "postgres":
        if isinstance(client, TransactionalDBClient):
            return None
        current.number = _number_of(client)
        return POSTGRES
    if client.capabilities.dialect != "sqlite":
        return False
    if not hasattr(client, "filename"):
        return None
    connection = client._connection  # the one aiosqlite connection of the process (Tortoise's SQLite client)
    if connection is None:
        return False
    number = _number_of(connection)
    if connection not in _watchers:
        filename = str(client.filename)
        _watchers[connection] = (
            None if filename == ":memory:" else sqlite3.connect(filename, isolation_level=None, check_same_thread=False)
        )
    current.raw = connection._connection  # read on the event loop, as aiosqlite's own properties read it
    if current.raw is None:  # closed
        return False
    current.number = number
    return connection


class _Changes:
    """On PostgreSQL: the changes this process knows of, and whether it hears every other process's."""

    count = 0
    heard = False  # the listening connection is up: another process's commit is heard


POSTGRES = object()  # a request's ``connection`` on PostgreSQL, whose stamp is ``_Changes.count``
_changes = _Changes()
CHANGES_CHANNEL = "quanzi_changed"
# statements that change nothing by themselves (a transaction's end is counted apart: its writes show from then on)
_READING = frozenset({"SELECT", "BEGIN", "SAVEPOINT", "RELEASE", "SHOW", "SET", "RESET", "LISTEN", "UNLISTEN"})


def changed(_: str = "") -> None:
    """Another process committed a change (heard on ``CHANGES_CHANNEL``)."""
    _changes.count += 1


def listening(heard: bool) -> None:
    """Whether the worker's listening connection is up (``CHANGES_CHANNEL`` heard): nothing is remembered while not."""
    _changes.heard = heard
    _changes.count += 1  # what was heard before the break is no longer enough


@cache
def counting_connection() -> type:
    """The class of the process's PostgreSQL connections (Tortoise's pool makes them of it): a statement that may have
    written counts as a change once it returns, or, inside a transaction, once the transaction commits (one that only
    read changes nothing). Made when asked (asyncpg is loaded on PostgreSQL alone)."""
    import asyncpg

    class CountingConnection(asyncpg.Connection):  # type: ignore[misc]
        wrote = False  # the transaction under way has run a statement that may have written

        async def execute(self, query: str, *args: Any, **options: Any) -> Any:
            try:
                return await super().execute(query, *args, **options)
            finally:
                self._count(query)

        async def _execute(self, query: str, *args: Any, **options: Any) -> Any:
            try:
                return await super()._execute(query, *args, **options)
            finally:
                self._count(query)

        async def _executemany(self, query: str, *args: Any, **options: Any) -> Any:
            try:
                return await super()._executemany(query, *args, **options)
            finally:
                self._count(query)

        def _count(self, query: str) -> None:
            words = query.lstrip()[:16].upper().replace(";", " ").split()
            first = words[0] if words else ""
            if first in ("COMMIT", "END"):
                if self.wrote:
                    _changes.count += 1
                self.wrote = False
            elif first == "ROLLBACK":
                if words[1:2] != ["TO"]:  # the whole transaction, not back to a savepoint
                    self.wrote = False
            elif first not in _READING:
                if self.is_in_transaction():
                    self.wrote = True
                else:
                    _changes.count += 1

    return CountingConnection


# Every table announces the commits that change it (once per transaction: PostgreSQL folds equal notifications)
_ANNOUNCE = f"""
CREATE OR REPLACE FUNCTION quanzi_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANGES_CHANNEL}', '');
    RETURN NULL;
END $$
"""
_UNANNOUNCED = """
SELECT c.relname FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'quanzi_changed')
"""


async def announce_changes(transaction: Any) -> None:
    """Have every table of the PostgreSQL database announce its changes (after migrations: new tables too), in
    ``transaction``; one process at a time (an advisory lock), so that two machines starting together agree."""
    await transaction.execute_query("SELECT pg_advisory_xact_lock(hashtext('quanzi_changed'))")
    await transaction.execute_script(_ANNOUNCE)
    _, rows = await transaction.execute_query(_UNANNOUNCED)
    for row in rows:
        table = row["relname"].replace('"', '""')
        await transaction.execute_script(
            f'CREATE TRIGGER quanzi_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION quanzi_changed()"
        )


def _number_of(connection: Any) -> int:
    """The connection's (or PostgreSQL client's) own number: what one database's answers are remembered under."""
    number = _numbers.get(connection)
    if number is None:
        number = _numbers[connection] = next(_count)
    return number


async def recall(kind: str, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """``read()``'s answer for ``key`` of ``kind``: remembered from an earlier request while the database has not
    changed, else read now (and remembered, when that is safe). ``key`` that cannot be hashed is read every time."""
    global _held
    stamp = _stamp()
    entry = (kind, key)
    try:
        found = _kept.get(entry) if stamp is not None else None
    except TypeError:  # a parameter that is a list, say
        return await read()
    if found is not None and found[0] == stamp:
        _kept.move_to_end(entry)
        return found[1]  # type: ignore[no-any-return]
    if stamp is None:
        return await read()
    flight = (entry, stamp)
    pending = _reading.get(flight)
    if pending is not None:  # another request is reading it for this stamp: its answer is this one's too
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request was cancelled
            return await read()  # that read failed: this request reads for itself
    _reading[flight] = pending = asyncio.get_running_loop().create_future()
    try:
        value = await read()  # read after the stamp: at least as new as it, so never too old for it
    except BaseException:
        pending.cancel()
        raise
    finally:
        del _reading[flight]
    pending.set_result(value)
    size = weight(value)
    replaced = _kept.pop(entry, None)
    _held += size - (replaced[2] if replaced is not None else 0)
    _kept[entry] = (stamp, value, size)
    while _held > MAX_BYTES and _kept:
        _held -= _kept.popitem(last=False)[1][2]
    return value


def _data_version(connection: Any) -> int | None:
    """A number that changes with every commit to the database, by any connection: the ``PRAGMA data_version`` of a
    second connection to the file that never writes (so every commit is another's to it), asked on the event loop
    (3 microseconds; asking it of the process's connection would wait for aiosqlite's thread).
    None for a database in memory, which no second connection sees: nothing of it is remembered."""
    watcher = _watchers[connection]
    if watcher is None:
        return None
    ((version,),) = watcher.execute("PRAGMA data_version").fetchall()  # read to its end: no read left open
    return int(version)


def weight(value: Any, levels: int = 4) -> int:
    """About how many bytes ``value`` holds, as Python counts them (``sys.getsizeof``): a text whole, a row, list,
    object or dataclass with what it holds, looked into ``levels`` levels deep (rows and their values, objects and
    their fields, and theirs); below that, a guess. Numbers and times shared with other answers count as their own."""
    if isinstance(value, str):
        return sys.getsizeof(value)
    if levels == 0:
        return 64
    size = sys.getsizeof(value)
    parts: Iterable[Any]
    if isinstance(value, Mapping):
        parts = value.values()
    elif isinstance(value, (list, tuple, sqlite3.Row)):
        parts = value
    elif is_dataclass(value):
        parts = (getattr(value, field.name) for field in fields(value))
    elif hasattr(value, "__dict__"):
        size += sys.getsizeof(vars(value))
        parts = vars(value).values()
    else:
        return size
    return size + sum(weight(part, levels - 1) for part in parts)
