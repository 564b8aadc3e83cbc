"""Members' push subscriptions: made by a signed-in browser's service worker, one per browser, ending with its
session. The site posts to a subscription's endpoint, so only endpoints at the push services the site names are
taken (a member cannot make the server post to an address of their choosing)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from core.accounts.models import User
from core.config import Config
from core.errors import Message, ValidationError
from core.push.models import PushSubscription

DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def at_known_service(config: Config, endpoint: str) -> bool:
    """Whether ``endpoint`` is at one of the push services the site names (``*.`` matches any subdomain)."""
    scheme, host, port = _origin(endpoint)
    for service in config.push_services:
        known_scheme, known_host, known_port = _origin(service.replace("*.", "wildcard."))
        if (scheme, port) != (known_scheme, known_port) or not host:
            continue
        if known_host.startswith("wildcard.") and host.endswith(known_host.removeprefix("wildcard")):
            return True
        if host == known_host:
            return True
    return False


def _key(value: str, size: int, field: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise ValidationError({field: Message("This is not a key a browser's push subscription gives.")})
    return value


async def subscribe(config: Config, user: User, session_id: int, endpoint: str, p256dh: str, auth: str) -> None:
    """Keep the subscription this browser (signed in as session ``session_id``) made; a ValidationError for an
    endpoint at no push service the site knows, or for keys of the wrong size. A browser's new subscription replaces
    its old one."""
    if len(endpoint) > 1000 or not at_known_service(config, endpoint):
        raise ValidationError({"endpoint": Message("This push service is not one the site sends to.")})
    p256dh, auth = _key(p256dh, 65, "p256dh"), _key(auth, 16, "auth")
    async with in_transaction():
        await PushSubscription.filter(endpoint=endpoint).delete()
        await PushSubscription.filter(session_id=session_id).delete()
        await PushSubscription.create(user=user, session_id=session_id, endpoint=endpoint, p256dh=p256dh, auth=auth)


async def unsubscribe(user: User, endpoint: str) -> None:
    await PushSubscription.filter(user_id=user.id, endpoint=endpoint).delete()


async def subscribed(user: User) -> bool:
    """Whether a push reaches ``user``: one of their signed-in browsers subscribed."""
    return await PushSubscription.filter(user_id=user.id).exists()


async def subscriptions_of(user: User) -> list[PushSubscription]:
    return await PushSubscription.filter(user_id=user.id).order_by("id")
