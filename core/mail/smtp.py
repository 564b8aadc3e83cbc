"""The SMTP server mail goes through, from ``QUANZI_SMTP_URL``: ``smtp://`` (plain), ``smtp+starttls://`` (upgraded
with STARTTLS) or ``smtps://`` (TLS from the start), with optional credentials."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import aiosmtplib

from core.errors import ConfigError

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 10.0  # seconds for each step with the server: a hung one fails the try, which is retried later


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @property
    def address(self) -> str:
        """Where mail goes, for the admin area: never the password."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"

    async def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; aiosmtplib's errors (refused, unreachable) go to the caller."""
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.scheme == "smtps",
            start_tls=self.scheme == "smtp+starttls",
            timeout=TIMEOUT,
        )


def parse_smtp_url(url: str) -> SmtpServer:
    """The server ``url`` names; ConfigError when it names none."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigError("QUANZI_SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://...")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ConfigError("QUANZI_SMTP_URL: the port is not a number") from None
    return SmtpServer(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )
