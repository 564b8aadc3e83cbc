"""Password hashing with argon2id (argon2-cffi), off the event loop."""

from __future__ import annotations

from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.config import Config
from core.errors import Message

MIN_LENGTH = 8
MAX_LENGTH = 1024


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
        # Verified against when the login is unknown, so that both cases take the same time.
        self._dummy = self._hasher.hash("not a password of anyone")

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
            except (VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(check)


@cache
def hasher(time_cost: int, memory_cost: int) -> Passwords:
    """The hasher of these costs, made once per process (making one hashes a dummy password)."""
    return Passwords(time_cost, memory_cost)


def passwords_of(config: Config) -> Passwords:
    """The site's hasher, at the costs its configuration names (tests lower them)."""
    return hasher(config.password_time_cost, config.password_memory_cost)


def invalid_reason(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return Message("A password has at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return Message("A password has at most %(n)s characters.", n=MAX_LENGTH)
    return None
