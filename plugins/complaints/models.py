"""A circle's complaints desk, its cases and each case's timeline.

A case is seen by its filer and the desk's staff (the circle's owners and moderators) alone: ``service.CASE`` is
its audience. Its public number is random and UNIQUE (never a sequence); a guest reads it only through the long
secret token of its tracking link. Internal notes are timeline entries with ``internal`` set: every way out to the
filer (page, API, mail, export) leaves them out.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle, User


class Status(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


class EntryKind(StrEnum):
    FILED = "filed"
    STATUS = "status"  # a move, with its new status
    REPLY = "reply"  # the staff's answer to the filer
    NOTE = "note"  # the staff's internal note
    FILER = "filer"  # the filer's reply
    ASSIGNED = "assigned"
    RATED = "rated"
    ANONYMISED = "anonymised"


class Desk(Model):
    """A circle's desk: its promises in working days, its categories, extra questions and canned replies."""

    id = fields.IntField(primary_key=True)
    circle: fields.OneToOneRelation[Circle] = fields.OneToOneField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    intro = fields.TextField(default="")
    accept_days = fields.IntField(default=7)  # working days to accept a case (the 12315 rules)
    resolve_days = fields.IntField(default=45)  # working days to resolve it
    categories: fields.JSONField[list[str]] = fields.JSONField(default=list)
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)  # core.plugins.Field as JSON
    shown = fields.BooleanField(default=True, db_default=True)  # in the circle's sidebar (its staff switch it off)
    if TYPE_CHECKING:
        circle_id: int

    class Meta:
        table = "complaints_desks"


class Complaint(Model):
    id = fields.IntField(primary_key=True)
    desk: fields.ForeignKeyRelation[Desk] = fields.ForeignKeyField(
        "complaints.Desk", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )  # its staff see it (the audience)
    number = fields.CharField(max_length=12, unique=True)
    token = fields.CharField(max_length=64, unique=True)  # the tracking link's secret
    filer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )  # a member who filed it (None: a guest)
    contact_name = fields.CharField(max_length=100)
    contact_email = fields.CharField(max_length=254)
    locale = fields.CharField(max_length=16, default="")  # the filer's language, for the mail they get
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    category = fields.CharField(max_length=100, default="")
    answers: fields.JSONField[list[Any]] = fields.JSONField(default=list)  # to the desk's questions, as asked then
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)
    status = fields.CharEnumField(Status, max_length=16, default=Status.NEW)
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    accept_due_at = fields.DatetimeField()
    resolve_due_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    rating = fields.IntField(null=True)
    rating_comment = fields.TextField(default="")
    anonymised = fields.BooleanField(default=False)
    if TYPE_CHECKING:
        desk_id: int
        circle_id: int
        filer_id: int | None
        assignee_id: int | None

    class Meta:
        table = "complaints_cases"


class Entry(Model):
    """One line of a case's timeline: what happened, when, by whom (``internal`` lines are the staff's alone)."""

    id = fields.IntField(primary_key=True)
    complaint: fields.ForeignKeyRelation[Complaint] = fields.ForeignKeyField(
        "complaints.Complaint", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EntryKind, max_length=16)
    internal = fields.BooleanField(default=False)
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharField(max_length=16, default="")  # the status after it
    body = fields.TextField(default="")
    at = fields.DatetimeField()
    if TYPE_CHECKING:
        complaint_id: int
        author_id: int | None

    class Meta:
        table = "complaints_entries"


class CannedReply(Model):
    """A reply the desk's staff write often, to start an answer from."""

    id = fields.IntField(primary_key=True)
    desk: fields.ForeignKeyRelation[Desk] = fields.ForeignKeyField(
        "complaints.Desk", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    body = fields.TextField()
    if TYPE_CHECKING:
        desk_id: int

    class Meta:
        table = "complaints_canned"
