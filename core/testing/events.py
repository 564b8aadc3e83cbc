"""Reading a server-sent event stream in a test: the request goes to the running app (the TestClient's, through
all its middleware) as a browser's would, and its events are read as they are sent, without a server process.
``close()`` is the browser going away."""

from __future__ import annotations

import asyncio
import json
import queue
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient
from starlette.types import Message


@dataclass(frozen=True)
class StreamEvent:
    id: str | None
    event: str  # "message" unless the event names another
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


class EventReader:
    def __init__(self, client: TestClient, url: str, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.chunks: queue.Queue[Message] = queue.Queue()
        self.buffer = ""
        self.status: int | None = None
        self.response_headers: dict[str, str] = {}
        self._gone: asyncio.Event | None = None
        parts = urlsplit(url)
        sent = {**dict(client.headers), **(headers or {})}
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        if cookies:
            sent["cookie"] = cookies
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": [(name.lower().encode(), value.encode()) for name, value in sent.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.done = client.portal.start_task_soon(self._run)  # type: ignore[union-attr]
        first = self.chunks.get(timeout=10)
        assert first["type"] == "http.response.start", first
        self.status = first["status"]
        self.response_headers = {name.decode(): value.decode() for name, value in first.get("headers", [])}

    async def _run(self) -> None:
        self._gone = asyncio.Event()

        async def receive() -> Message:
            assert self._gone is not None
            await self._gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            self.chunks.put(message)

        await self.client.app(self.scope, receive, send)

    def next(self, timeout: float = 2.0, *, comments: bool = False) -> StreamEvent | str:
        """The next event (or, with ``comments``, a comment line such as a heartbeat); AssertionError when none
        comes within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            while "\n\n" in self.buffer:
                block, self.buffer = self.buffer.split("\n\n", 1)
                fields: dict[str, str] = {}
                for line in block.splitlines():
                    if line.startswith(":"):
                        if comments:
                            return line
                        continue
                    name, _, value = line.partition(": ")
                    fields[name] = value
                if "data" in fields:
                    return StreamEvent(fields.get("id"), fields.get("event", "message"), fields["data"])
            left = deadline - time.monotonic()
            assert left > 0, "no event came"
            try:
                chunk = self.chunks.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no event came") from None
            if chunk["type"] == "http.response.body":
                self.buffer += chunk.get("body", b"").decode()
                if not chunk.get("more_body", False):
                    self.buffer += "\n\n"

    def message(self, timeout: float = 2.0) -> StreamEvent:
        """The next event that is not a comment."""
        event = self.next(timeout)
        assert isinstance(event, StreamEvent)
        return event

    def ended(self, timeout: float = 5.0) -> str:
        """Wait for the stream to end (the server closed it); what it sent meanwhile, unread."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "the stream did not end"
            try:
                chunk = self.chunks.get(timeout=left)
            except queue.Empty:
                raise AssertionError("the stream did not end") from None
            if chunk["type"] == "http.response.body":
                self.buffer += chunk.get("body", b"").decode()
                if not chunk.get("more_body", False):
                    return self.buffer

    def close(self) -> None:
        """The browser goes away; the stream ends."""
        gone = self._gone
        if gone is not None:
            self.client.portal.call(gone.set)  # type: ignore[union-attr]
        self.done.result(timeout=10)
