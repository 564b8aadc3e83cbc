"""The lines of a circle's chat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User
from core.circles.models import Circle


class ChatLine(Model):
    """A line in a circle's chat: Markdown as written, its HTML rendered and sanitised once, perhaps answering
    another line (``reply_to_id``)."""

    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    html = fields.TextField()
    reply_to_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Deleted by its author or removed by a moderator: gone from the chat for everyone
    deleted_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:
        circle_id: int
        author_id: int | None

    class Meta:
        table = "chat_lines"
        indexes = (("circle_id", "id"), ("author_id", "created_at"))
