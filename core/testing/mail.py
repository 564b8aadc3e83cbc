"""A real SMTP server for tests (aiosmtpd, in a thread of the test process) that keeps what it accepts, and can
refuse for a while, as a mail server that is down or overloaded does.

    def test_reset_mail(quanzi_site, mailbox):
        client = quanzi_site(smtp=mailbox.server)
        ...
        (mail,) = mailbox.wait(1)
        assert "/reset?token=" in mail.get_body(("plain",)).get_content()
"""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller

from core.mail.smtp import SmtpServer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals = 0  # how many deliveries were refused
        self._refuse = 0
        self._changed = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=_free_port())

    @property
    def server(self) -> SmtpServer:
        """The ``smtp`` setting that sends a site's mail here (``QUANZI_SMTP_URL=smtp://127.0.0.1:PORT``)."""
        return SmtpServer("smtp", "127.0.0.1", int(self._controller.port))

    def refuse(self, count: int) -> None:
        """Answer the next ``count`` deliveries with a temporary failure (451)."""
        with self._changed:
            self._refuse = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's handler interface
        with self._changed:
            if self._refuse:
                self._refuse -= 1
                self.refusals += 1
                self._changed.notify_all()
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self._changed.notify_all()
        return "250 OK"

    def of(self, kind: str | None = None) -> list[EmailMessage]:
        """The messages arrived so far, of one kind of mail (``password_reset``: its template), or all."""
        with self._changed:
            return [message for message in self.messages if kind is None or message["X-Quanzi-Mail"] == kind]

    def wait(self, count: int, kind: str | None = None, timeout: float = 15.0) -> list[EmailMessage]:
        """The first ``count`` messages (of ``kind``), once they have arrived (AssertionError after ``timeout``)."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.of(kind)) >= count, timeout)
            assert arrived, f"{len(self.of(kind))} of {count} mails ({kind or 'any'}) arrived within {timeout} s"
            return self.of(kind)[:count]

    def to(self, address: str, kind: str | None = None) -> list[EmailMessage]:
        return [message for message in self.of(kind) if message["To"] == address]

    def start(self) -> Mailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def text_of(message: EmailMessage) -> str:
    """The plain text part of a mail."""
    part = message.get_body(("plain",))
    assert part is not None
    return cast(str, part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return cast(str, part.get_content())
