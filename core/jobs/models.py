"""The job table. A waiting job runs at ``run_at``; a running one belongs to ``holder`` until ``lease_until`` (a
worker that dies leaves it to be taken over then); a dead one failed every try and waits for an administrator."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class JobState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DEAD = "dead"


class Job(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=64)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    # A keyed job is one of its key: enqueueing the key again moves it (a reminder when the meeting moves).
    key = fields.CharField(max_length=200, null=True, unique=True)
    state = fields.CharEnumField(JobState, max_length=16, default=JobState.WAITING)
    run_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)  # tries started so far
    last_error = fields.TextField(default="")
    holder = fields.CharField(max_length=64, default="")
    lease_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "jobs"
        indexes = (("state", "run_at"),)
