"""Flags, the review queue, bans from a circle and the moderation log (silencing is on the account:
``User.silenced_until``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from core.accounts.models import User
    from core.circles.models import Circle
    from core.threads.models import Post


class FlagReason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OTHER = "other"  # with a note


class Flag(Model):
    """A member's flag on a post: once per member and post."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "core.Post", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    reason = fields.CharEnumField(FlagReason, max_length=16)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        post_id: int
        user_id: int

    class Meta:
        table = "flags"
        unique_together = (("post", "user"),)


class ReviewStatus(StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    HIDDEN = "hidden"
    DELETED = "deleted"


class Review(Model):
    """A post in the review queue: its flags from the circle's members counted (the count the site's threshold is
    checked against), hidden from everyone but moderators (and its author) once the threshold is reached, until a
    moderator decides."""

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "core.Post", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    flags = fields.IntField(default=0)  # from the circle's members; others' flags are listed, not counted
    hidden_at = fields.DatetimeField(null=True)  # hidden pending review (by flags)
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.PENDING)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        post_id: int
        circle_id: int

    class Meta:
        table = "reviews"
        indexes = (("circle_id", "status"),)


class CircleBan(Model):
    """A member banned from a circle: they cannot join it or ask to until ``until`` (None: until lifted)."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=500)
    until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int
        user_id: int

    class Meta:
        table = "circle_bans"
        unique_together = (("circle", "user"),)


class LogEntry(Model):
    """One moderation action: who (None: the site itself, as flags hiding a post), what, to whom, why, when."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.CASCADE
    )  # None: a site-wide action (silencing, suspending)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=32)
    member: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    post_id = fields.IntField(null=True)
    reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int | None
        actor_id: int | None
        member_id: int | None

    class Meta:
        table = "moderation_log"
        indexes = (("circle_id", "id"),)


class WordAction(StrEnum):
    BLOCK = "block"  # the post is refused, saying which word
    REVIEW = "review"  # the post is written but hidden until a moderator reviews it
    REPLACE = "replace"  # the word is replaced


class WatchedWord(Model):
    """A word the site (``circle`` None) or one circle watches for in what members write."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.CASCADE
    )
    word = fields.CharField(max_length=100)
    action = fields.CharEnumField(WordAction, max_length=16)
    replacement = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int | None

    class Meta:
        table = "watched_words"
