"""Password hashing with argon2id (argon2-cffi), off the event loop.

The costs are one of OWASP's equal choices (Password Storage Cheat Sheet: 7 MiB, five passes, one lane; as strong as
its 19 MiB and two passes for the same work, in a third of the memory): each hash holds its memory while it runs, so
a worker hashes one password at a time (``AT_ONCE``) and a rush of sign-ins waits its turn rather than taking 64 MiB
a thread (argon2-cffi's own default) on a small box. A hash stored at other costs still verifies, and is made again
at these on the member's next sign-in (``needs_rehash``)."""

from __future__ import annotations

import threading
from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.config import Config
from core.errors import Message

MIN_LENGTH = 8
MAX_LENGTH = 1024
AT_ONCE = 1  # hashes a worker computes at the same time (each holding its memory while it runs)


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        # Verified against when the login is unknown, so that both cases take the same time.
        self._dummy = self._hasher.hash("not a password of anyone")
        self._at_once = threading.BoundedSemaphore(AT_ONCE)  # taken in the thread: any event loop may ask

    async def hash(self, password: str) -> str:
        def make() -> str:
            with self._at_once:
                return self._hasher.hash(password)

        return await anyio.to_thread.run_sync(make)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                with self._at_once:
                    return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
            except (VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(check)

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether ``password_hash`` was made at other costs than these (kept until the member signs in again)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False


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
