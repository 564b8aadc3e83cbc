"""Every request counted for ``/metrics`` (by its route, method and status, with how long it took) and given a
request id: the reverse proxy's ``X-Request-ID`` when a trusted proxy sent one, else a new one; the log's lines
written for the request carry it (core/logs.py) and the answer sends it back. Pure ASGI, so that the id flows into
everything the request runs."""

from __future__ import annotations

import ipaddress
import itertools
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import logs, metrics

ROUTE = "quanzi.route"  # in the scope: the route label of an answer given without routing (a guest's kept page)
# Made here: this process's random part and its requests' count (a random id for each request cost a system call
# each, some 5 µs under uvicorn: a tenth of a guest's kept page), unique across processes, machines and restarts.
_PROCESS = secrets.token_hex(4)
_NUMBERS = itertools.count()
GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # what a proxy's id may be (nginx's $request_id is 32 hex digits)
Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


class Observed:
    def __init__(self, app: ASGIApp, trusted_proxies: Networks = ()) -> None:
        self.app = app
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        request_id = self._given_id(scope) or f"{_PROCESS}{next(_NUMBERS):08x}"
        header = (b"x-request-id", request_id.encode())
        token = logs.request_id.set(request_id)
        root_path = scope.get("root_path", "")
        status = 500  # unless the answer says otherwise: an error that escaped

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logs.request_id.reset(token)
            route = scope.get(ROUTE) or route_label(scope, root_path)
            metrics.observe(route, scope["method"], status, time.perf_counter() - started)

    def _given_id(self, scope: Scope) -> str | None:
        """The proxy's id for the request, when the request came from a trusted proxy and the id looks like one (the
        header looked for first: most requests have none, and the address is then never parsed)."""
        given = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
        client = scope.get("client")
        if given is None or not client or not self.trusted_proxies:
            return None
        try:
            peer = ipaddress.ip_address(client[0])
        except ValueError:
            return None
        if not any(peer in network for network in self.trusted_proxies):
            return None
        text = given.decode("latin-1")
        return text if GIVEN_ID.fullmatch(text) else None


def route_label(scope: Scope, root_path: str) -> str:
    """The template of the route that answered (``/t/{thread_id:int}``), under the mounts it was found in
    (``/api/v1``); one name for every address that matched none, so that a scanner's thousand addresses make one
    series. ``root_path``: the scope's before the app ran."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        return "(none)"
    return f"{scope.get('root_path', '')[len(root_path) :]}{path}"
