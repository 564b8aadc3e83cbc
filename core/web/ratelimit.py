"""Rate limits, with the ``limits`` library (moving windows, memory by default), and the client's address they count
against. The policies are their features' own (core/accounts/limits.py: logins and sign-ups)."""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.requests import Request

from core.errors import TooManyRequests


class RateLimits:
    """The counts, in this worker's memory (``memory://``) or in a Redis that every worker and machine shares
    (``redis://HOST:PORT``, ``QUANZI_RATE_LIMIT_STORAGE``): then its connections are this object's own, and let go
    when the worker stops (``close``)."""

    def __init__(self, storage_uri: str, scale: float) -> None:
        uri = storage_uri if storage_uri.startswith("async+") else "async+" + storage_uri
        self._connections: Any = None
        options: dict[str, Any] = {}
        if uri.startswith(("async+redis://", "async+rediss://")):
            import coredis  # the client limits uses for Redis: loaded by the sites that share one

            self._connections = options["connection_pool"] = coredis.ConnectionPool.from_url(uri.removeprefix("async+"))
        self._limiter = MovingWindowRateLimiter(storage_from_string(uri, **options))
        self._scale = scale

    def close(self) -> None:
        if self._connections is not None:
            self._connections.disconnect()

    def _scaled(self, rule: str) -> RateLimitItem:
        item = parse(rule)
        amount = max(1, round(item.amount * self._scale))
        return type(item)(amount, item.multiples, item.namespace)

    async def hit(self, rule: str, *keys: str) -> None:
        """Count one attempt against every key; TooManyRequests when any of them is used up."""
        if self._scale == 0:
            return
        item = self._scaled(rule)
        for key in keys:
            if not await self._limiter.hit(item, key):
                stats = await self._limiter.get_window_stats(item, key)
                raise TooManyRequests(retry_after=math.ceil(stats.reset_time - time.time()))


def client_address(request: Request, trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> str:
    """The client's address; X-Forwarded-For counts only when it comes from a configured trusted proxy."""
    peer = request.client.host if request.client else "unknown"

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in trusted)

    if not is_trusted(peer):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not is_trusted(address):
            return address
    return peer
