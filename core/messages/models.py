"""Private conversations between members: who takes part, what they wrote, whom they blocked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User


class Conversation(Model):
    """One to one, or a small group (up to ``MOST_PEOPLE``): seen by its participants alone."""

    id = fields.IntField(primary_key=True)
    # A group takes new participants and may be left; a conversation of two stays between those two
    is_group = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_message_at = fields.DatetimeField()
    # The id of its latest message: unread counts compare it with each participant's last read
    last_message_id = fields.IntField(default=0)

    class Meta:
        table = "conversations"


class Participant(Model):
    """A member taking part in a conversation: the row goes when they leave (and with it what they were told)."""

    id = fields.IntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "core.Conversation", related_name="participants", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    joined_at = fields.DatetimeField(auto_now_add=True)
    # The latest message they have seen (its id): those after it, by others, are unread
    last_read_id = fields.IntField(default=0)
    if TYPE_CHECKING:
        conversation_id: int
        user_id: int

    class Meta:
        table = "conversation_participants"
        unique_together = (("conversation", "user"),)
        indexes = (("user_id", "conversation_id"),)


class DirectMessage(Model):
    """A message in a conversation: Markdown as written, and its HTML rendered and sanitised once."""

    id = fields.IntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "core.Conversation", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    html = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # A moderator removed it after a flag (its text is gone from every participant's view)
    removed_at = fields.DatetimeField(null=True)
    if TYPE_CHECKING:
        conversation_id: int
        author_id: int | None

    class Meta:
        table = "direct_messages"
        indexes = (("conversation_id", "id"),)


class MessageFlag(Model):
    """A participant's flag of a message: the site's moderators see that message, and only that one, until they
    decide (keep it, or remove it)."""

    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation[DirectMessage] = fields.ForeignKeyField(
        "core.DirectMessage", related_name=False, on_delete=fields.CASCADE
    )
    flagger: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=16)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    if TYPE_CHECKING:
        message_id: int
        flagger_id: int

    class Meta:
        table = "message_flags"
        unique_together = (("message", "flagger"),)


class Block(Model):
    """A member stops another's messages to them."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    blocked: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int
        blocked_id: int

    class Meta:
        table = "blocks"
        unique_together = (("user", "blocked"),)
