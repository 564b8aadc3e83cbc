"""Password reset: a signed link, mailed, valid an hour and once. The link is bound to the account's password and
address as they were when it was asked for: setting a password (or changing the address) voids it. The answer to
"mail me a link" is the same whether or not the address belongs to anyone."""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from tortoise.transactions import in_transaction

from core.accounts import passwords, sessions
from core.accounts.models import User
from core.accounts.names import EMAIL_MAX
from core.accounts.passwords import Passwords
from core.accounts.service import normalize_email
from core.errors import Message, ValidationError
from core.mail.outbox import queue_mail

SALT = "quanzi.password-reset"
VALID_SECONDS = 3600


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}\n{user.email}".encode()).hexdigest()[:32]


def reset_token(secret: str, user: User) -> str:
    return str(URLSafeTimedSerializer(secret, salt=SALT).dumps([user.id, _fingerprint(user)]))


async def request_reset(secret: str, email: str, locale: str = "") -> None:
    """Mail a reset link to the account of ``email``, if there is one (in its language, else ``locale``)."""
    email = normalize_email(email)
    user = await User.get_or_none(email=email) if len(email) <= EMAIL_MAX else None
    if user is None or user.suspended:
        return
    context = {"token": reset_token(secret, user), "username": user.username}
    await queue_mail(user, "password_reset", context, locale=locale)


INVALID = Message("This link is not valid (any more): it works once, for an hour. Ask for a new one.")


async def user_for_reset(secret: str, token: str) -> User:
    """The account a reset link is for, while it is valid."""
    try:
        user_id, fingerprint = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=VALID_SECONDS)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise ValidationError({"token": INVALID}) from None
    user = await User.get_or_none(id=user_id) if isinstance(user_id, int) else None
    if user is None or user.suspended or fingerprint != _fingerprint(user):
        raise ValidationError({"token": INVALID})
    return user


async def reset_password(hasher: Passwords, secret: str, token: str, password: str) -> User:
    """Set the password a valid link is for; every session and API token of the account ends."""
    user = await user_for_reset(secret, token)
    if reason := passwords.invalid_reason(password):
        raise ValidationError({"password": reason})
    password_hash = await hasher.hash(password)
    # Only if the password is still the one the link was made for: two uses of one link set it once.
    async with in_transaction():
        changed = await User.filter(id=user.id, password_hash=user.password_hash).update(password_hash=password_hash)
        if not changed:
            raise ValidationError({"token": INVALID})
        await sessions.end_all(user)
    await user.refresh_from_db()
    return user
