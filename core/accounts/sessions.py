"""The ways an account is signed in, kept in the database: each browser's session and each API token is a row
holding its key's hash. Ending one deletes its row; logging out everywhere, a password change and a suspension
delete them all (but the browser that changed the password). Every request a member makes looks one up."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import sql
from core.accounts.models import Session, SessionKind, User
from core.errors import Message, NotFound, ValidationError
from core.times import now

TOKEN_DAYS_MAX = 3650
TOUCH_EVERY = timedelta(minutes=5)  # how stale ``last_seen_at`` may grow before a request writes it again
PREFIX = {SessionKind.BROWSER: "qzs_", SessionKind.TOKEN: "qz_"}


@dataclass
class Signed:
    """Who a key signs in, and the session it names."""

    user: User
    session_id: int


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def start(
    user: User, kind: SessionKind, name: str = "", idle: timedelta | None = None, expires_at: datetime | None = None
) -> tuple[str, Session]:
    """A new session of ``kind`` for ``user``: its key (shown or set once, never stored) and its row. A browser's
    session lasts while it is used at least every ``idle``; a token until ``expires_at`` (None: until ended)."""
    key = PREFIX[kind] + secrets.token_urlsafe(32)
    started = now()
    session = await Session.create(
        user=user,
        kind=kind,
        key_hash=_hash(key),
        name=name[:64],
        last_seen_at=started,
        expires_at=started + idle if idle is not None else expires_at,
    )
    return key, session


async def create_token(user: User, name: str = "", expires_in_days: int | None = None) -> str:
    """A new API token for ``user``, valid until it is revoked, its account's sessions end (a password change,
    logging out everywhere, a suspension) or after ``expires_in_days``; this is the one time it is seen."""
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= TOKEN_DAYS_MAX:
            raise ValidationError({"expires_in_days": Message("From 1 to %(n)s days.", n=TOKEN_DAYS_MAX)})
        expires_at = now() + timedelta(days=expires_in_days)
    key, _ = await start(user, SessionKind.TOKEN, name, expires_at=expires_at)
    return key


async def signed_in(key: str, kind: SessionKind, idle: timedelta | None = None) -> Signed | None:
    """The member a live session's ``key`` signs in (one query), or None. A browser's session used again moves
    its idle deadline on by ``idle``; ``last_seen_at`` is written at most every few minutes."""
    key_hash = _hash(key)
    row = await sql.fetch_one(
        f"SELECT {sql.columns(User, 'u')}, s.id AS session_id, s.last_seen_at, s.expires_at "
        "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key_hash = ? AND s.kind = ?",
        key_hash,
        kind.value,
    )
    if row is None:
        return None
    moment = now()
    if row["expires_at"] is not None and sql.timestamp(row["expires_at"]) <= moment:
        await Session.filter(id=row["session_id"]).delete()
        return None
    seen = row["last_seen_at"]
    if seen is None or sql.timestamp(seen) <= moment - TOUCH_EVERY:
        moved = {"expires_at": moment + idle} if idle is not None else {}
        await Session.filter(id=row["session_id"]).update(last_seen_at=moment, **moved)
    return Signed(sql.instance(User, row, "u"), row["session_id"])


async def end(key: str, kind: SessionKind) -> None:
    """End the session whose key this is (logging out this browser, revoking the token used)."""
    await Session.filter(key_hash=_hash(key), kind=kind).delete()


async def end_one(user: User, session_id: int, kind: SessionKind | None = None) -> None:
    """End one of ``user``'s sessions (of ``kind``, if given); NotFound when they have no such session."""
    found = Session.filter(user_id=user.id, id=session_id)
    if not await (found.filter(kind=kind) if kind is not None else found).delete():
        raise NotFound(Message("No such session."))


async def end_all(user: User, keep: int | None = None) -> None:
    """End every session and token of ``user`` but ``keep`` (the browser that asked, after a password change)."""
    sessions = Session.filter(user_id=user.id)
    await (sessions.exclude(id=keep) if keep is not None else sessions).delete()


async def of(user: User, kind: SessionKind | None = None) -> list[Session]:
    """``user``'s live sessions (of ``kind``, if given), the most recently used first."""
    moment = now()
    sessions = Session.filter(user_id=user.id)
    if kind is not None:
        sessions = sessions.filter(kind=kind)
    found = await sessions.order_by("-last_seen_at", "-id")
    return [session for session in found if session.expires_at is None or session.expires_at > moment]


async def sweep() -> int:
    """Delete the sessions over (idle too long, a token past its date): a database copy keeps no dead keys' hashes,
    and the list stays short. How many went."""
    return await Session.filter(expires_at__lt=now()).delete()
