"""A browser's push subscription, as the Push API gives it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import Session, User


class PushSubscription(Model):
    """A browser that agreed to be sent pushes for its member: where to post them (``endpoint``, at a push service)
    and the keys that encrypt them for that browser alone. It lives as long as the session it was made in: logging
    out of that browser, or ending its session from another, ends it."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "core.Session", related_name=False, on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=1000, unique=True)
    p256dh = fields.CharField(max_length=100)  # the browser's P-256 public key (base64url)
    auth = fields.CharField(max_length=40)  # its 16-byte authentication secret (base64url)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int
        session_id: int

    class Meta:
        table = "push_subscriptions"
