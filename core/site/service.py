"""The site itself: the one-time setup of the first administrator."""

from __future__ import annotations

import hashlib
import secrets

from core.accounts import service as accounts
from core.accounts.models import Role, User
from core.accounts.passwords import Passwords
from core.db import transaction
from core.errors import Message, NotFound
from core.site.models import Setting

SETUP_TOKEN = "setup_token_sha256"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_setup_token() -> str | None:
    """A new one-time setup token while the site has no administrator (None once it has one)."""
    if await accounts.has_admin():
        await Setting.filter(key=SETUP_TOKEN).delete()
        return None
    token = secrets.token_urlsafe(24)
    await Setting.update_or_create(defaults={"value": _digest(token)}, key=SETUP_TOKEN)
    return token


async def setup_token_valid(token: str) -> bool:
    setting = await Setting.get_or_none(key=SETUP_TOKEN)
    return setting is not None and bool(token) and secrets.compare_digest(setting.value, _digest(token))


async def complete_setup(hasher: Passwords, token: str, *, username: str, email: str, password: str) -> User:
    """Create the first administrator with the setup token, which is used up (only one setup can win)."""
    async with transaction():
        if not token or not await Setting.filter(key=SETUP_TOKEN, value=_digest(token)).delete():
            raise NotFound(Message("This setup link is not valid (any more)."), code="invalid_setup_token")
        return await accounts.register(hasher, username=username, email=email, password=password, role=Role.ADMIN)
