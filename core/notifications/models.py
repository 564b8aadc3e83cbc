"""In-app notifications: someone mentioned you, replied in your thread, or a plugin's own kinds."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User
from core.circles.models import Circle
from core.threads.models import Thread


class Notification(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # What it is about, shown only while the member may still see it: a thread (and a post in it), or a plugin's
    # object seen by named people (``subject``: the name of its Audience, core.access.audience; ``subject_id``).
    thread: fields.ForeignKeyNullableRelation[Thread] = fields.ForeignKeyField(
        "core.Thread", related_name=False, null=True, on_delete=fields.CASCADE
    )
    post_id = fields.IntField(null=True)
    subject = fields.CharField(max_length=64, default="", db_default="")
    subject_id = fields.IntField(null=True)
    title = fields.CharField(
        max_length=200, default="", db_default=""
    )  # a subject's title and address, as they were when sent
    url = fields.CharField(max_length=500, default="", db_default="")
    # The acts it gathers while unread (likes of one post: "12 people liked your post"); 1 for most kinds
    count = fields.IntField(default=1, db_default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        user_id: int
        actor_id: int | None
        thread_id: int | None

    class Meta:
        table = "notifications"
        indexes = (("user_id", "read_at", "id"),)


class Channel(StrEnum):
    """How a member hears of a kind of notification."""

    EMAIL = "email"  # in the app, and by e-mail at once
    DIGEST = "digest"  # in the app, and in one e-mail a day with the others still unread
    APP = "app"  # in the app only
    OFF = "off"  # not at all


class NotificationReach(Model):
    """A member's choice to hear of one kind of notification by a channel outside the site too (``sms``...)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    channel = fields.CharField(max_length=16)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "notification_reaches"
        unique_together = (("user", "kind", "channel"),)


class ReachFailure(Model):
    """Notifications a channel outside the site failed to carry to a member in a row (forgotten on the next that
    arrives): at ``SWITCH_OFF`` their choice of that channel is switched off, and they are told."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=16)
    failures = fields.IntField(default=0)
    last_error = fields.CharField(max_length=200, default="")
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "reach_failures"
        unique_together = (("user", "channel"),)


class NotificationSetting(Model):
    """A member's choice for one kind of notification, kept only where it differs from the kind's default."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    channel = fields.CharEnumField(Channel, max_length=8)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "notification_settings"
        unique_together = (("user", "kind"),)


class WatchLevel(StrEnum):
    WATCHING = "watching"  # told of every reply (a thread) or every new thread (a circle)
    MUTED = "muted"  # told of nothing but mentions (a thread)


class Watch(Model):
    """A member's choice for one thread or one circle, beside the default (told of replies to their own threads
    and of mentions)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    thread: fields.ForeignKeyNullableRelation[Thread] = fields.ForeignKeyField(
        "core.Thread", related_name=False, null=True, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.CASCADE
    )
    level = fields.CharEnumField(WatchLevel, max_length=16)
    if TYPE_CHECKING:
        user_id: int
        thread_id: int | None
        circle_id: int | None

    class Meta:
        table = "watches"
        unique_together = (("user", "thread"), ("user", "circle"))
        indexes = (("thread_id", "level"), ("circle_id", "level"))


class Notice(Model):
    """A notice from a circle's staff to its members (or to a plugin's list of them: an event's registrants), each
    with a receipt, so that the sender sees who has not read it yet."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    sender: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    html = fields.TextField()
    audience = fields.CharField(max_length=200, default="")  # who it went to, when not the circle's members
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int
        sender_id: int | None

    class Meta:
        table = "notices"
        indexes = (("circle_id", "id"),)


class NoticeReceipt(Model):
    id = fields.IntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "core.Notice", related_name="receipts", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    read_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:
        notice_id: int
        user_id: int

    class Meta:
        table = "notice_receipts"
        unique_together = (("notice", "user"),)
        indexes = (("user_id", "notice_id"),)
