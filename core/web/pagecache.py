"""Guests' pages, kept for a few seconds.

Most readers of a forum are not signed in, and every guest sees a page alike: a guest's GET answer (page or API)
is kept for ``QUANZI_GUEST_CACHE_SECONDS`` (5 by default; 0 turns the cache off) under its path, query and
language, and served to the next guest from memory. Any write through this process (a POST, PUT, PATCH or DELETE)
forgets every kept answer, so guests see a new reply at once; another worker's guests see it within the TTL.

An answer is kept only when nothing in it belongs to one visitor: a signed-in member's request (session or
token) is never looked up or kept, and code that puts something personal into a guest's page (a CSRF token, a
browser's survey state) calls ``mark_personal(request)``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PERSONAL = "quanzi.personal"
MAX_ENTRIES = 1024
MAX_BODY = 512 * 1024
SKIPPED_PREFIXES = ("/static/", "/healthz", "/setup")


def mark_personal(connection: HTTPConnection) -> None:
    """This answer holds something of this visitor's own: never keep it for others."""
    connection.scope[PERSONAL] = True


@dataclass(frozen=True)
class Kept:
    at: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class GuestCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: OrderedDict[tuple[str, ...], Kept] = OrderedDict()

    def get(self, key: tuple[str, ...]) -> Kept | None:
        kept = self._entries.get(key)
        if kept is None or time.monotonic() - kept.at > self.ttl:
            return None
        self._entries.move_to_end(key)
        return kept

    def put(self, key: tuple[str, ...], kept: Kept) -> None:
        self._entries[key] = kept
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)

    def forget_all(self) -> None:
        self._entries.clear()


def _guest_key(scope: Scope) -> tuple[str, ...] | None:
    """The key of a guest's cacheable request, or None (a member, a write, a static file)."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(SKIPPED_PREFIXES):
        return None
    headers = Headers(scope=scope)
    if "authorization" in headers or scope.get("session", {}).get("uid") is not None:
        return None
    locale = HTTPConnection(scope).cookies.get("quanzi_locale", "")
    return (scope["path"], scope["query_string"].decode("latin-1"), locale, headers.get("accept-language", ""))


class GuestPageCache:
    """The middleware (inside the session middleware, which it reads to tell guests from members)."""

    def __init__(self, app: ASGIApp, cache: GuestCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.cache.ttl <= 0:
            return await self.app(scope, receive, send)
        if scope["method"] not in SAFE_METHODS:
            try:
                return await self.app(scope, receive, send)
            finally:
                self.cache.forget_all()
        key = _guest_key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        kept = self.cache.get(key)
        if kept is not None:
            headers = [*kept.headers, (b"x-quanzi-cache", b"hit")]
            await send({"type": "http.response.start", "status": kept.status, "headers": headers})
            await send({"type": "http.response.body", "body": kept.body})
            return None
        await self._answer_and_keep(key, scope, receive, send)
        return None

    async def _answer_and_keep(self, key: tuple[str, ...], scope: Scope, receive: Receive, send: Send) -> None:
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

        began = time.monotonic()
        await self.app(scope, receive, keeping_send)
        if keepable and start is not None and not scope.get(PERSONAL):
            self.cache.put(key, Kept(began, start["status"], list(start.get("headers", [])), b"".join(chunks)))
