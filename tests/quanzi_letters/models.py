"""A letter: written in a circle, seen by its author and its recipient alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from core.plugins import Circle, User


class Letter(Model):
    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    recipient: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        circle_id: int
        author_id: int
        recipient_id: int

    class Meta:
        table = "letters"
