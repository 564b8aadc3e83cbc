"""Accounts: registration, credentials, profiles, roles. The only code that writes users (their sessions and API
tokens: core.accounts.sessions)."""

from __future__ import annotations

import secrets
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core import config, sql
from core.access.scope import check_not_silenced
from core.access.site import may_suspend, site_admin, site_staff
from core.accounts import names, passwords, sessions
from core.accounts.models import Role, SignInKey, User
from core.accounts.passwords import Passwords
from core.errors import Conflict, Forbidden, Message, NotFound, Unauthorized, ValidationError
from core.pluginhost.running import emit

KEY_MAX = User._meta.fields_map["username_key"].max_length  # type: ignore[attr-defined]
PROFILE_LIMITS = {"display_name": 64, "bio": 2000, "location": 64, "website": 200, "locale": 16, "messages_from": 16}
MESSAGES_FROM = ("everyone", "circles", "nobody")  # who may start a conversation with a member
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


async def register_by_key(prefix: str, *, display_name: str = "", locale: str = "") -> User:
    """An account a sign-in method makes (a phone number, WeChat): a generated username (``prefix`` and eight
    digits), no password and no e-mail address until its member gives them. The caller tells the plugins
    (``member_registered``) once its transaction commits."""
    if display_name and names.display_name_problem(display_name, staff=False) is not None:
        display_name = ""
    while True:
        username = f"{prefix}{secrets.randbelow(10**8):08d}"
        if not await User.filter(username_key=names.username_key(username)).exists():
            break
    return await User.create(
        username=username,
        username_key=names.username_key(username),
        skeleton=names.skeleton(username),
        email=f"{username}@{names.NO_ADDRESS}",
        email_verified=False,
        password_hash="",
        display_name=display_name,
        locale=locale,
    )


async def holder_of(method: str, keys: list[str]) -> User | None:
    """The account that holds any of ``keys`` of sign-in ``method`` (the first bound, if several)."""
    key = await SignInKey.filter(method=method, key__in=keys).order_by("id").first().prefetch_related("user")
    return key.user if key else None


async def account_for_keys(
    method: str, keys: list[str], prefix: str, *, display_name: str = "", locale: str = ""
) -> tuple[User, bool]:
    """The account that ``keys`` of ``method`` open, or a new one made for them (``register_by_key``) with them
    bound: (the account, whether it was made). The same person's parallel first sign-ins make one account."""
    holder = await holder_of(method, keys)
    if holder is not None:
        return holder, False
    try:
        async with in_transaction():
            user = await register_by_key(prefix, display_name=display_name, locale=locale)
            for key in keys:
                await SignInKey.create(user=user, method=method, key=key)
    except IntegrityError:  # the other sign-in made it a moment ago: that account is theirs
        holder = await holder_of(method, keys)
        if holder is None:
            raise
        return holder, False
    await emit("member_registered", user=user)
    return user, True


async def ways_in(user: User) -> set[str]:
    """The sign-in methods that open ``user``'s account: ``password`` if it has one, and each method it holds a key
    of (``phone``, ``wechat``). A member may unbind one only while another is left."""
    keys = await SignInKey.filter(user_id=user.id).distinct().values_list("method", flat=True)
    return {str(method) for method in keys} | ({"password"} if user.password_hash else set())


async def unbind(user: User, method: str) -> None:
    """Remove a way into ``user``'s account (their phone number, their WeChat); Conflict when it is the last."""
    if not await SignInKey.filter(user_id=user.id, method=method).exists():
        return
    if not (await ways_in(user)) - {method}:
        raise Conflict(
            Message("This is the only way into your account: set a password or bind another first."), code="last_way"
        )
    await SignInKey.filter(user_id=user.id, method=method).delete()


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
    check_may_sign_in(user)
    if user.password_hash and hasher.needs_rehash(user.password_hash):  # made at older costs: made again at these
        user.password_hash = await hasher.hash(password)
        await user.save(update_fields=["password_hash"])
    return user


def check_may_sign_in(user: User) -> None:
    """Forbidden for a suspended account, however it signs in."""
    if user.suspended:
        raise Forbidden(Message("This account is suspended."), code="suspended")


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
        elif field == "messages_from" and value not in MESSAGES_FROM:
            errors[field] = Message("One of: ") + ", ".join(MESSAGES_FROM) + "."
        changes[field] = value
    if errors:
        raise ValidationError(errors)
    if any(changes[field] != getattr(user, field) for field in changes if field in PUBLIC_FIELDS):
        check_not_silenced(user)
    if changes:
        await User.filter(id=user.id).update(**changes)
        await user.refresh_from_db()
    return user


async def change_password(hasher: Passwords, user: User, current: str, new: str, keep: int | None = None) -> None:
    """Set a new password after checking the current one (an account made by phone has none to check); every
    session and token of the account ends but the browser session ``keep`` (the one that asked, if a browser)."""
    if user.password_hash and not await hasher.verify(user.password_hash, current):
        raise ValidationError({"current_password": Message("This is not your current password.")})
    if reason := passwords.invalid_reason(new):
        raise ValidationError({"new_password": reason})
    password_hash = await hasher.hash(new)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=password_hash)
        await sessions.end_all(user, keep=keep)
    await user.refresh_from_db()


async def get_user(username: str) -> User:
    """The member named ``username`` (any case and width), or NotFound (a remembered plain read: every profile
    asks)."""
    if len(username) > names.MAX_LENGTH:
        raise NotFound(Message("No such member."))
    user = await sql.model(User, "username_key = ?", names.username_key(username))
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
    async with in_transaction():
        await User.filter(id=user.id).update(suspended=suspended)
        await sessions.end_all(user)
    await user.refresh_from_db()


async def has_admin() -> bool:
    return await User.filter(role=Role.ADMIN).exists()
