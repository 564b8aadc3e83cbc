"""Polls and surveys, each attached to a thread (``Thread.kind`` "poll" or "survey").

One vote per member and one answer per member or browser are UNIQUE constraints, not checks in code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.plugins import FieldKind

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Thread, User


class ResultsShown(StrEnum):
    ALWAYS = "always"
    AFTER_VOTE = "after_vote"
    AFTER_CLOSE = "after_close"


QuestionKind = FieldKind  # a survey asks what the shared forms ask


class Poll(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    multiple = fields.BooleanField(default=False)
    max_choices = fields.IntField(default=1)
    anonymous = fields.BooleanField(default=False)
    results = fields.CharEnumField(ResultsShown, max_length=16, default=ResultsShown.ALWAYS)
    closes_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "polls_polls"


class PollOption(Model):
    id = fields.IntField(primary_key=True)
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "polls.Poll", related_name="options", on_delete=fields.CASCADE
    )
    position = fields.IntField()  # the option's index in the API, from 0
    text = fields.CharField(max_length=200)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        poll_id: int

    class Meta:
        table = "polls_options"
        unique_together = (("poll_id", "position"),)


class Ballot(Model):
    """A member's vote on a poll: one row per member (UNIQUE), its choices in BallotChoice."""

    id = fields.IntField(primary_key=True)
    poll: fields.ForeignKeyRelation[Poll] = fields.ForeignKeyField(
        "polls.Poll", related_name="ballots", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    cast_at = fields.DatetimeField()
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        poll_id: int
        user_id: int

    class Meta:
        table = "polls_ballots"
        unique_together = (("poll_id", "user_id"),)


class BallotChoice(Model):
    id = fields.IntField(primary_key=True)
    ballot: fields.ForeignKeyRelation[Ballot] = fields.ForeignKeyField(
        "polls.Ballot", related_name="choices", on_delete=fields.CASCADE
    )
    poll_id = fields.IntField()  # the ballot's poll, so that counting needs no join
    position = fields.IntField()
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        ballot_id: int

    class Meta:
        table = "polls_ballot_choices"
        unique_together = (("ballot_id", "position"),)
        indexes = (("poll_id", "position"),)


class Survey(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    public = fields.BooleanField(default=False)  # guests may answer (in a public circle)
    opens_at = fields.DatetimeField(null=True)  # takes answers from then (a meeting's closing survey: at its end)
    closes_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "polls_surveys"


class Question(Model):
    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "polls.Survey", related_name="questions", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    kind = fields.CharEnumField(QuestionKind, max_length=16)
    text = fields.CharField(max_length=300)
    options: fields.JSONField[list[str]] = fields.JSONField(
        default=list
    )  # the choices of single and multiple questions
    required = fields.BooleanField(default=False)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        survey_id: int

    class Meta:
        table = "polls_questions"
        unique_together = (("survey_id", "position"),)


class SurveyResponse(Model):
    """One filled-in survey: a member's (UNIQUE per member) or a browser's (UNIQUE per browser key)."""

    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[Survey] = fields.ForeignKeyField(
        "polls.Survey", related_name="responses", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    guest_key = fields.CharField(max_length=64, null=True)  # SHA-256 of the browser's respondent cookie
    submitted_at = fields.DatetimeField()
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        survey_id: int
        user_id: int | None

    class Meta:
        table = "polls_responses"
        unique_together = (("survey_id", "user_id"), ("survey_id", "guest_key"))


class Answer(Model):
    id = fields.IntField(primary_key=True)
    response: fields.ForeignKeyRelation[SurveyResponse] = fields.ForeignKeyField(
        "polls.SurveyResponse", related_name="answers", on_delete=fields.CASCADE
    )
    question_id = fields.IntField()
    choice = fields.IntField(null=True)  # an option's index (one row per chosen option)
    rating = fields.IntField(null=True)  # 1 to 5
    text = fields.TextField(null=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        response_id: int

    class Meta:
        table = "polls_answers"
        indexes = (("question_id", "choice"),)
