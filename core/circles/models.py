"""Circles (groups, public or private) and who belongs to them."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User


class Visibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class JoinPolicy(StrEnum):
    OPEN = "open"
    APPROVAL = "approval"
    INVITE = "invite"


class MemberRole(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    OWNER = "owner"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # asked to join, waits for a moderator
    INVITED = "invited"  # asked by a moderator, waits for the member


# The colours a circle may take: named, so that the theme draws them (the pages allow no inline style).
TINTS = ("blue", "green", "teal", "orange", "red", "pink", "purple", "brown", "grey")


class Circle(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    visibility = fields.CharEnumField(Visibility, max_length=16, default=Visibility.PUBLIC)
    join_policy = fields.CharEnumField(JoinPolicy, max_length=16, default=JoinPolicy.OPEN)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    member_count = fields.IntField(default=0)
    thread_count = fields.IntField(default=0)
    last_activity_at = fields.DatetimeField(null=True)
    tint = fields.CharField(max_length=16, default="")  # its colour, one of TINTS; "": the site's
    cover = fields.CharField(max_length=72, default="")  # the file name of its cover picture (core.uploads)
    review_newcomers = fields.BooleanField(default=False)  # new members' posts wait for review (core.moderation)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        created_by_id: int | None

    class Meta:
        table = "circles"


class Membership(Model):
    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name="memberships", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(MemberRole, max_length=16, default=MemberRole.MEMBER)
    status = fields.CharEnumField(MemberStatus, max_length=16, default=MemberStatus.ACTIVE)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        circle_id: int
        user_id: int

    class Meta:
        table = "memberships"
        unique_together = (("circle", "user"),)
        # a member's circles; a circle's members by status in the order they came (its page, the members list)
        indexes = (("user_id", "status"), ("circle_id", "status", "id"))


class TemplateUse(Model):
    """A scenario template applied to a circle: when, by whom, and what it made (``[{kind, title, url}]``), so
    that applying it again is a choice and not an accident. Each use of a template on a circle has its own
    ``number`` (1, 2, ...), unique, so that two owners applying it at the same moment make one set, not two."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    template = fields.CharField(max_length=64)
    number = fields.IntField(default=1, db_default=1)
    created: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    applied_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    applied_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int

    class Meta:
        table = "template_uses"
        unique_together = (("circle", "template", "number"),)
