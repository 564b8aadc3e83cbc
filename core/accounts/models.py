"""Members of the site and the ways they are signed in: browsers' sessions and API tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.names import EMAIL_MAX


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=32)
    # NFKC + casefold: the name as compared for uniqueness and login.
    username_key = fields.CharField(max_length=128, unique=True)
    # What the name looks like (confusable characters folded): no two members may look alike.
    skeleton = fields.CharField(max_length=128, unique=True)
    email = fields.CharField(max_length=EMAIL_MAX, unique=True)
    # Whether the member opened the link mailed to their address. Accounts made before addresses were checked
    # count as confirmed (db_default); new ones start unconfirmed (default).
    email_verified = fields.BooleanField(default=False, db_default=True)
    password_hash = fields.CharField(max_length=255)
    display_name = fields.CharField(max_length=64, default="")
    bio = fields.TextField(default="")
    location = fields.CharField(max_length=64, default="")
    website = fields.CharField(max_length=200, default="")
    avatar = fields.CharField(max_length=72, default="")  # the file name of their picture (core.uploads); "": a letter
    locale = fields.CharField(max_length=16, default="")
    # Who may start a private conversation with the member: "everyone", "circles" (members who share a circle with
    # them) or "nobody"
    messages_from = fields.CharField(max_length=16, default="circles", db_default="circles")
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    suspended = fields.BooleanField(default=False)
    silenced_until = fields.DatetimeField(null=True)  # reads, but writes nothing until then (core.moderation)
    silence_reason = fields.CharField(max_length=500, default="")
    thread_count = fields.IntField(default=0)
    post_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class SessionKind(StrEnum):
    BROWSER = "browser"  # a browser's cookie holds the key
    TOKEN = "token"  # a program sends it as a bearer token (the JSON API)


class Session(Model):
    """One way an account is signed in: a browser or an API token. Only the key's sha256 is kept, so a copy of the
    database signs nobody in; ending a session deletes its row. A browser's session ends when idle past
    ``expires_at`` (pushed on as it is used); a token's, at the ``expires_at`` its maker chose, if any."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="sessions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(SessionKind, max_length=16)
    key_hash = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, default="")  # a token's name; a browser's, as its User-Agent says
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        user_id: int

    class Meta:
        table = "sessions"
        indexes = (("user_id", "kind"),)


class SignInKey(Model):
    """A way into an account other than its password: a phone number (``phone``, E.164) or a WeChat identity
    (``wechat``: a unionid, else app and openid). Each key opens one account; an account may hold several."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="sign_in_keys", on_delete=fields.CASCADE
    )
    method = fields.CharField(max_length=16)
    key = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "sign_in_keys"
        unique_together = (("method", "key"),)
        indexes = (("user_id", "method"),)


class PhoneCode(Model):
    """The code last texted to a phone number for a purpose (signing in, binding it to an account): only its
    HMAC is kept; it dies after ``expires_at``, a use or five tries. The row also counts the codes sent, so that the
    limits hold under parallel requests: one a minute and ten a day per number."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=20)
    purpose = fields.CharField(max_length=16)
    code_hash = fields.CharField(max_length=64, null=True)
    tries = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    sent_at = fields.DatetimeField()
    day_started_at = fields.DatetimeField()
    sent_today = fields.IntField(default=0)

    class Meta:
        table = "phone_codes"
        unique_together = (("phone", "purpose"),)
