"""A real HTTP server for tests that stands in for a text-message gateway of one's own: it keeps each message
POSTed to it as JSON ``{"to", "text"}`` (``QUANZI_SMS_URL=http://127.0.0.1:PORT/send``), and can refuse for a while
as a gateway that is down does.

    def test_phone_sign_in(quanzi_site, text_gateway):
        client = quanzi_site(sms=text_gateway.sender)
        client.post("/api/v1/auth/phone/code", json={"phone": "13800000000"})
        code = text_gateway.code_for("+8613800000000")
"""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

from core.sms.senders import GatewaySender
from core.testing.standin import Answer, StandIn


class TextGateway(StandIn):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []
        self.requests: list[tuple[str, dict[str, str], bytes]] = []  # (path, headers, body) of every request
        self._refuse = 0
        self._changed = threading.Condition(self.lock)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        self.requests.append((path, headers, body))
        refused = self._refuse > 0
        if refused:
            self._refuse -= 1
        elif headers.get("content-type", "").startswith("application/json"):
            self.messages.append(json.loads(body))
        self._changed.notify_all()
        content = {"content-type": "application/json"}
        return Answer(503, b"{}", content) if refused else Answer(200, self.reply(path, body), content)

    def reply(self, path: str, body: bytes) -> bytes:
        """What the gateway says to a message it took (a vendor's stand-in answers as the vendor does)."""
        return b"{}"

    @property
    def sender(self) -> GatewaySender:
        """The ``sms`` setting that sends a site's text messages here."""
        return GatewaySender(f"{self.url}/send")

    def refuse(self, count: int) -> None:
        """Answer the next ``count`` messages with 503."""
        with self._changed:
            self._refuse = count

    def wait(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The messages, once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} of {count} text messages arrived"
                self._changed.wait(left)
            return list(self.messages)

    def code_for(self, to: str, count: int = 1) -> str:
        """The six-digit code in the latest of the first ``count`` messages to ``to`` (waiting for them)."""
        deadline = time.monotonic() + 15.0
        while True:
            sent = [message for message in self.messages if message["to"] == to]
            if len(sent) >= count:
                found = re.search(r"\b\d{6}\b", sent[-1]["text"])
                assert found, sent[-1]
                return found.group()
            assert time.monotonic() < deadline, f"no text message to {to}"
            self.wait(len(self.messages) + 1)
