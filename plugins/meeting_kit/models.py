"""A meeting: the registration event it is built on, its agenda and its notice board (core notices, linked here).

The meeting is as visible as its event's thread; its organisers are the event's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle
    from plugins.events.for_plugins import Event
    from plugins.polls.for_plugins import Poll, Survey


class Meeting(Model):
    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    event: fields.OneToOneRelation[Event] = fields.OneToOneField(
        "events.Event", related_name=False, on_delete=fields.CASCADE
    )
    survey: fields.ForeignKeyNullableRelation[Survey] = fields.ForeignKeyField(
        "polls.Survey", related_name=False, null=True, on_delete=fields.SET_NULL
    )  # the closing survey
    locale = fields.CharField(max_length=16)  # the language it was set up in: what it writes later is in it too
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        circle_id: int
        event_id: int
        survey_id: int | None

    class Meta:
        table = "meeting_kit_meetings"


class AgendaItem(Model):
    """One item of the agenda: when, what, who speaks, where, and its feedback poll once it has ended."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meeting_kit.Meeting", related_name=False, on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    title = fields.CharField(max_length=200)
    speaker = fields.CharField(max_length=100, default="")
    room = fields.CharField(max_length=100, default="")
    poll: fields.ForeignKeyNullableRelation[Poll] = fields.ForeignKeyField(
        "polls.Poll", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    if TYPE_CHECKING:
        meeting_id: int
        poll_id: int | None

    class Meta:
        table = "meeting_kit_agenda"


class MeetingNotice(Model):
    """A notice (the core's, with its read receipts) on a meeting's notice board."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "meeting_kit.Meeting", related_name=False, on_delete=fields.CASCADE
    )
    notice_id = fields.IntField(unique=True)  # core.Notice (the core keeps its notices; a board only lists them)

    class Meta:
        table = "meeting_kit_notices"
