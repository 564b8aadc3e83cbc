"""Guests' pages, kept for a few seconds.

Most readers of a forum are not signed in, and every guest sees a page alike: a guest's GET answer (page or API)
is kept for ``QUANZI_GUEST_CACHE_SECONDS`` (5 by default; 0 turns the cache off) under its host, path, query and
language, and served to the next guest from memory. Any write through this process (a POST, PUT, PATCH or DELETE)
forgets every kept answer, so guests see a new reply at once; another worker's guests see it within the TTL.

An answer is kept only when nothing in it belongs to one visitor: a signed-in member's request (session or
token) is never looked up or kept, and code that puts something personal into a guest's page (a CSRF token, a
browser's survey state) calls ``mark_personal(request)``.

The cache cannot be made to grow without bound: the kept answers together hold at most ``MAX_BYTES`` (the oldest
go first), an answer over ``MAX_BODY`` is not kept, and neither is the answer to a query with a parameter no page
reads (``QUERY_PARAMETERS``); the parameters are put in order, so ``?a=1&b=2`` and ``?b=2&a=1`` are one page.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.web.observing import ROUTE, route_label

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PERSONAL = "quanzi.personal"
clock = time.monotonic  # how old a kept answer is (a test turns it forward rather than wait)
MAX_BYTES = 16 * 1024 * 1024  # the kept answers together: bounded by size, not by number
MAX_BODY = 256 * 1024  # a larger answer is not kept (a thread page of 20 long posts is some 60 KB)
# The query parameters of the pages and API lists; an answer to a query with any other is made afresh and not kept,
# so that ``?v=1``, ``?v=2``, ... cannot fill the cache with copies of one page.
QUERY_PARAMETERS = frozenset(
    {
        "page",
        "after",
        "cursor",
        "limit",
        "q",
        "circle",
        "author",
        "order",
        "quote",
        "from",
        "to",
        "status",
        "ref",
        "featured",
    }
)
SKIPPED_PREFIXES = (
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/setup",
    "/uploads/",
)  # pictures: browsers keep the public ones


def mark_personal(connection: HTTPConnection) -> None:
    """This answer holds something of this visitor's own: never keep it for others."""
    connection.scope[PERSONAL] = True


@dataclass(frozen=True)
class Kept:
    at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: str  # the route that made it, for the requests it answers (core/web/observing.py)


class GuestCache:
    """Kept answers by key, the oldest dropped first. ``generation`` counts the writes: an answer made while a
    write happened is not kept."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.generation = 0
        self.forgotten: dict[tuple[str, ...], int] = {}  # how often the answers under some paths were forgotten
        self._entries: OrderedDict[tuple[str, ...], Kept] = OrderedDict()
        self.size = 0  # bytes of the kept bodies
        self._making: dict[tuple[str, ...], asyncio.Future[Kept | None]] = {}

    def get(self, key: tuple[str, ...]) -> tuple[Kept | None, bool]:
        """The kept answer (even past its time, for a guest to have while another one makes it anew) and whether
        it is still fresh."""
        kept = self._entries.get(key)
        if kept is None:
            return None, False
        self._entries.move_to_end(key)
        return kept, clock() - kept.at <= self.ttl

    def put(self, key: tuple[str, ...], kept: Kept) -> None:
        replaced = self._entries.pop(key, None)
        self.size += len(kept.body) - (len(replaced.body) if replaced else 0)
        self._entries[key] = kept
        while self.size > MAX_BYTES:
            self.size -= len(self._entries.popitem(last=False)[1].body)

    def forget_all(self) -> None:
        self.generation += 1
        self._entries.clear()
        self.size = 0

    def forget(self, *prefixes: str) -> None:
        """Forget the kept answers of the paths under ``prefixes`` (search's, when its index changed), and keep
        none of those being made meanwhile."""
        self.forgotten[prefixes] = self.forgotten.get(prefixes, 0) + 1
        for key in [key for key in self._entries if key[1].startswith(prefixes)]:
            self.size -= len(self._entries.pop(key).body)

    def version(self, path: str) -> tuple[int, ...]:
        """What changes when the kept answer of ``path`` must not be kept: the writes, and the forgetting of it."""
        return (self.generation, *(count for prefixes, count in self.forgotten.items() if path.startswith(prefixes)))

    def being_made(self, key: tuple[str, ...]) -> asyncio.Future[Kept | None] | None:
        """The answer another request is making for ``key`` right now."""
        return self._making.get(key)

    def begin(self, key: tuple[str, ...]) -> None:
        self._making[key] = asyncio.get_running_loop().create_future()

    def end(self, key: tuple[str, ...], made: Kept | None) -> None:
        """The answer for ``key`` is made (None: not one to keep); whoever waits for it gets it."""
        if made is not None:
            self.put(key, made)
        self._making.pop(key).set_result(made)


SIGNED_IN = "sid"  # the key of a browser's session (core.accounts.signin) in the session cookie: not a guest


def _guest_key(scope: Scope) -> tuple[str, ...] | None:
    """The key of a guest's cacheable request, or None (a member, a write, a static file)."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(SKIPPED_PREFIXES):
        return None
    if scope["path"].endswith("/stream"):  # a live stream never ends: never kept, nor waited for
        return None
    headers = Headers(scope=scope)
    if "authorization" in headers or scope.get("session", {}).get(SIGNED_IN) is not None:
        return None
    connection = HTTPConnection(scope)
    query = sorted(connection.query_params.multi_items())
    if any(name not in QUERY_PARAMETERS for name, _ in query):
        return None
    # the host too: without QUANZI_BASE_URL, absolute links (feeds, a survey's share page) are made from it
    return (
        headers.get("host", ""),
        scope["path"],
        urlencode(query),
        connection.cookies.get("quanzi_locale", ""),
        headers.get("accept-language", ""),
    )


async def _send_kept(kept: Kept, scope: Scope, send: Send) -> None:
    scope[ROUTE] = kept.route
    await send(
        {"type": "http.response.start", "status": kept.status, "headers": [*kept.headers, (b"x-quanzi-cache", b"hit")]}
    )
    await send({"type": "http.response.body", "body": kept.body})


class GuestPageCache:
    """The middleware (inside the session middleware, which it reads to tell guests from members).

    One guest makes a missing or outdated answer while the others wait for it (a missing one) or get the
    outdated copy meanwhile: a page that many guests read at once is made once, not once per guest.
    """

    def __init__(self, app: ASGIApp, cache: GuestCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cache = self.cache
        if scope["type"] != "http" or cache.ttl <= 0:
            return await self.app(scope, receive, send)
        if scope["method"] not in SAFE_METHODS:
            try:
                return await self.app(scope, receive, send)
            finally:
                cache.forget_all()
        key = _guest_key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        kept, fresh = cache.get(key)
        making = cache.being_made(key)
        if kept is not None and (fresh or making is not None):
            return await _send_kept(kept, scope, send)
        if making is not None:
            made = await asyncio.shield(making)
            if made is not None:
                return await _send_kept(made, scope, send)
            return await self.app(scope, receive, send)
        cache.begin(key)
        made = None
        try:
            made = await self._answer(scope, receive, send)
        finally:
            cache.end(key, made)
        return None

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> Kept | None:
        """Answer the request; what to keep of the answer, if it may be kept."""
        start: Message | None = None
        chunks: list[bytes] = []
        keepable = True

        async def keeping_send(message: Message) -> None:
            nonlocal start, keepable
            if message["type"] == "http.response.start":
                start = message
                keepable = message["status"] == 200 and not any(
                    name.lower() == b"set-cookie" for name, _ in message.get("headers", [])
                )
                message = {**message, "headers": [*message.get("headers", []), (b"x-quanzi-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keepable:
                chunks.append(message.get("body", b""))
                keepable = sum(map(len, chunks)) <= MAX_BODY
            await send(message)

        began, version, root_path = clock(), self.cache.version(scope["path"]), scope.get("root_path", "")
        await self.app(scope, receive, keeping_send)
        if not keepable or start is None or scope.get(PERSONAL) or version != self.cache.version(scope["path"]):
            return None
        headers = list(start.get("headers", []))
        return Kept(began, start["status"], headers, b"".join(chunks), route_label(scope, root_path))
