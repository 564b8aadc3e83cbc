"""Accounts: registration, credentials, sessions, API tokens, profiles, roles. The only code that writes users."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import config, sql
from core.access.scope import check_not_silenced
from core.access.site import may_suspend, site_admin, site_staff
from core.accounts import names, passwords
from core.accounts.models import ApiToken, Role, User
from core.accounts.passwords import Passwords
from core.errors import Conflict, Forbidden, Message, NotFound, Unauthorized, ValidationError
from core.pluginhost.running import emit
from core.times import now

KEY_MAX = User._meta.fields_map["username_key"].max_length  # type: ignore[attr-defined]
PROFILE_LIMITS = {"display_name": 64, "bio": 2000, "location": 64, "website": 200, "locale": 16}
LOCALES = {"", *config.LOCALES}  # "": the browser decides
PUBLIC_FIELDS = ("display_name", "bio", "location", "website")  # what others read: a silenced member keeps them


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def _uniqueness_errors(username: str, email: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if await User.filter(username_key=names.username_key(username)).exists():
        errors["username"] = Message("This username is taken.")
    elif await User.filter(skeleton=names.skeleton(username)).exists():
        errors["username"] = Message("This username looks too much like an existing one.")
    if await User.filter(email=email).exists():
        errors["email"] = Message("This e-mail address is already registered.")
    return errors


async def register(
    hasher: Passwords,
    *,
    username: str,
    email: str,
    password: str,
    role: Role = Role.MEMBER,
    locale: str = "",
    announce: bool = True,
) -> User:
    """Create an account (in ``locale``, the language it signed up in; "" follows the site's); every field error is
    reported at once. The plugins hear of it (``member_registered``) unless the caller's transaction is still open
    (``announce=False``: the caller tells them after it commits)."""
    username = names.normalize(username)
    email = normalize_email(email)
    errors: dict[str, str] = {}
    if reason := names.invalid_reason(username):
        errors["username"] = reason
    if len(email) > names.EMAIL_MAX or not names.EMAIL_PATTERN.match(email):
        errors["email"] = Message("Enter a valid e-mail address.")
    if reason := passwords.invalid_reason(password):
        errors["password"] = reason
    if not errors:
        errors = await _uniqueness_errors(username, email)
    if errors:
        raise ValidationError(errors)
    password_hash = await hasher.hash(password)
    try:
        user = await User.create(
            username=username,
            username_key=names.username_key(username),
            skeleton=names.skeleton(username),
            email=email,
            password_hash=password_hash,
            role=role,
            locale=locale,
        )
    except IntegrityError:
        # Another registration won the race between the checks and the insert.
        errors = await _uniqueness_errors(username, email)
        raise ValidationError(errors or {"username": Message("This username is taken.")}) from None
    if announce:
        await emit("member_registered", user=user)
    return user


async def find_by_login(login: str) -> User | None:
    """The account a login names: a username (any case or width) or an e-mail address."""
    login = login.strip()
    if "@" in login:
        email = normalize_email(login)
        return await User.get_or_none(email=email) if len(email) <= names.EMAIL_MAX else None
    key = names.username_key(login)
    return await User.get_or_none(username_key=key) if len(key) <= KEY_MAX else None  # longer than any account's


async def authenticate(hasher: Passwords, login: str, password: str) -> User:
    """The account whose credentials these are; the same error whether the login or the password is wrong."""
    user = await find_by_login(login)
    valid = await hasher.verify(user.password_hash if user else None, password)
    if user is None or not valid:
        raise Unauthorized(Message("The login or the password is wrong."), code="invalid_credentials")
    if user.suspended:
        raise Forbidden(Message("This account is suspended."), code="suspended")
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_DAYS_MAX = 3650


async def create_token(user: User, name: str = "", expires_in_days: int | None = None) -> str:
    """A new API token for ``user``, valid until its account's sessions end (a password change, logging out
    everywhere, a suspension) or after ``expires_in_days``; only its hash is stored, so this is the one time it is
    seen."""
    expires_at = None
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= TOKEN_DAYS_MAX:
            raise ValidationError({"expires_in_days": Message("From 1 to %(n)s days.", n=TOKEN_DAYS_MAX)})
        expires_at = now() + timedelta(days=expires_in_days)
    token = "qz_" + secrets.token_urlsafe(32)
    await ApiToken.create(
        user=user, token_hash=_token_hash(token), name=name[:64], epoch=user.session_epoch, expires_at=expires_at
    )
    return token


async def user_for_token(token: str) -> User | None:
    row = await sql.fetch_one(
        f"SELECT {sql.columns(User, 'u')}, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ? AND t.epoch = u.session_epoch",
        _token_hash(token),
    )
    if row is None or (row["expires_at"] is not None and sql.timestamp(row["expires_at"]) <= now()):
        return None
    return sql.instance(User, row, "u")


async def user_by_id(user_id: int) -> User | None:
    """The member of a session (every page a member reads asks this)."""
    row = await sql.fetch_one(f"SELECT {sql.columns(User, 'u')} FROM users u WHERE u.id = ?", user_id)
    return sql.instance(User, row, "u") if row else None


async def revoke_token(token: str) -> None:
    await ApiToken.filter(token_hash=_token_hash(token)).delete()


async def list_tokens(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user=user).order_by("-id")


async def revoke_token_by_id(user: User, token_id: int) -> None:
    if not await ApiToken.filter(user=user, id=token_id).delete():
        raise NotFound(Message("No such token."))


async def end_sessions(user: User) -> None:
    """Log ``user`` out everywhere: every session cookie signed before now stops working."""
    await User.filter(id=user.id).update(session_epoch=F("session_epoch") + 1)
    await user.refresh_from_db(fields=["session_epoch"])


async def update_profile(user: User, changes: dict[str, Any]) -> User:
    errors: dict[str, str] = {}
    for field, value in changes.items():
        value = value.strip()
        if len(value) > PROFILE_LIMITS[field]:
            errors[field] = Message("At most %(n)s characters.", n=PROFILE_LIMITS[field])
        elif field == "website" and value and not value.startswith(("https://", "http://")):
            errors[field] = Message("A website address starts with https:// or http://.")
        elif field == "display_name" and (problem := names.display_name_problem(value, staff=site_staff(user))):
            errors[field] = problem
        elif field == "locale" and value not in LOCALES:
            errors[field] = Message("One of: ") + ", ".join(sorted(locale for locale in LOCALES if locale)) + "."
        changes[field] = value
    if errors:
        raise ValidationError(errors)
    if any(changes[field] != getattr(user, field) for field in changes if field in PUBLIC_FIELDS):
        check_not_silenced(user)
    if changes:
        await User.filter(id=user.id).update(**changes)
        await user.refresh_from_db()
    return user


async def change_password(hasher: Passwords, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the account ends."""
    if not await hasher.verify(user.password_hash, current):
        raise ValidationError({"current_password": Message("This is not your current password.")})
    if reason := passwords.invalid_reason(new):
        raise ValidationError({"new_password": reason})
    password_hash = await hasher.hash(new)
    await User.filter(id=user.id).update(password_hash=password_hash, session_epoch=F("session_epoch") + 1)
    await user.refresh_from_db()


async def get_user(username: str) -> User:
    """The member named ``username`` (any case and width), or NotFound."""
    if len(username) > names.MAX_LENGTH:
        raise NotFound(Message("No such member."))
    user = await User.get_or_none(username_key=names.username_key(username))
    if user is None:
        raise NotFound(Message("No such member."))
    return user


async def set_role(actor: User, user: User, role: Role) -> None:
    if not site_admin(actor):
        raise Forbidden(Message("Only administrators change roles."))
    if user.id == actor.id and role != Role.ADMIN and await User.filter(role=Role.ADMIN).count() == 1:
        raise Conflict(Message("The last administrator cannot step down."))
    await User.filter(id=user.id).update(role=role)
    user.role = role


async def set_suspended(actor: User, user: User, suspended: bool) -> None:
    """Suspend or reinstate; a suspension also ends the member's sessions."""
    if not may_suspend(actor, user):
        raise Forbidden(Message("You may not suspend this member."))
    await User.filter(id=user.id).update(suspended=suspended, session_epoch=F("session_epoch") + 1)
    await user.refresh_from_db()


async def has_admin() -> bool:
    return await User.filter(role=Role.ADMIN).exists()
