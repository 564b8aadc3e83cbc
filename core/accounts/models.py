"""Members of the site and their API tokens."""

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
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    suspended = fields.BooleanField(default=False)
    silenced_until = fields.DatetimeField(null=True)  # reads, but writes nothing until then (core.moderation)
    silence_reason = fields.CharField(max_length=500, default="")
    # Bumped by logout and password changes: every session signed with an older epoch is dead.
    session_epoch = fields.IntField(default=0)
    thread_count = fields.IntField(default=0)
    post_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="tokens", on_delete=fields.CASCADE
    )
    # sha256 of the token: the token itself is shown once and never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    # The account's session epoch when it was made: a password change, logging out everywhere or a suspension
    # (each bumps the account's epoch) ends it, as it ends every session.
    epoch = fields.IntField(default=0, db_default=0)
    expires_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        user_id: int

    class Meta:
        table = "api_tokens"
