"""Events, each attached to a thread (``Thread.kind`` "event"), and the members registered for them.

The rules that must hold under a rush are the database's: one registration per member is a UNIQUE constraint, and
a place is taken by a conditional update of the event's count of confirmed registrations (``service.register``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle, Thread, User


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class Event(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    timezone = fields.CharField(max_length=64)  # the event's own zone (IANA name): its times are read and shown in it
    location = fields.CharField(max_length=200, default="")
    online_url = fields.CharField(max_length=500, default="")
    capacity = fields.IntField(null=True)  # None: no limit
    confirmed = fields.IntField(default=0)  # confirmed registrations: the count the capacity is checked against
    waitlist = fields.BooleanField(default=True)
    opens_at = fields.DatetimeField(null=True)  # registration opens (None: at once)
    closes_at = fields.DatetimeField(null=True)  # registration closes (None: when the event starts)
    cancel_until = fields.DatetimeField(null=True)  # members may cancel until then (None: until it starts)
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(
        default=list
    )  # the registration form: core.plugins.Field as JSON
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        thread_id: int
        circle_id: int

    class Meta:
        table = "events_events"


class Registration(Model):
    """A member's registration: confirmed (with a ticket code) or on the waitlist, in the order they came."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "events.Event", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(Status, max_length=16)
    answers: fields.JSONField[list[Any]] = fields.JSONField(default=list)  # in the order of the event's questions
    code = fields.CharField(max_length=16, unique=True)  # the ticket's code: in its QR code, typed at the door
    created_at = fields.DatetimeField(auto_now_add=True)
    confirmed_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reminded_day = fields.BooleanField(default=False)  # the reminders sent (each once)
    reminded_hour = fields.BooleanField(default=False)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        event_id: int
        user_id: int
        checked_in_by_id: int | None

    class Meta:
        table = "events_registrations"
        unique_together = (("event_id", "user_id"),)


class CalendarFeed(Model):
    """A member's personal calendar feed: the secret in its address (a phone's calendar subscribes to it once)."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    token = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "events_feeds"
