"""Private conversations: their participants, messages, flags of messages and blocks; who may start one with a member."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0023_likes_featured")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Block",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "blocked",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="blocked_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "blocks",
                "app": "core",
                "unique_together": (("user", "blocked"),),
                "pk_attr": "id",
                "table_description": "A member stops another's messages to them.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Conversation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("is_group", fields.BooleanField(default=False)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_message_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_message_id", fields.IntField(default=0)),
            ],
            options={
                "table": "conversations",
                "app": "core",
                "pk_attr": "id",
                "table_description": "One to one, or a small group (up to ``MOST_PEOPLE``): seen by its participants alone.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DirectMessage",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "conversation",
                    fields.ForeignKeyField(
                        "core.Conversation",
                        source_field="conversation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="messages",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="author_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("body", fields.TextField(unique=False)),
                ("html", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("removed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "direct_messages",
                "app": "core",
                "indexes": [Index(fields=["conversation_id", "id"])],
                "pk_attr": "id",
                "table_description": "A message in a conversation: Markdown as written, and its HTML rendered and sanitised once.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MessageFlag",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "message",
                    fields.ForeignKeyField(
                        "core.DirectMessage",
                        source_field="message_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "flagger",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="flagger_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reason", fields.CharField(max_length=16)),
                ("note", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "message_flags",
                "app": "core",
                "unique_together": (("message", "flagger"),),
                "pk_attr": "id",
                "table_description": "A participant's flag of a message: the site's moderators see that message, and only that one, until they",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Participant",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "conversation",
                    fields.ForeignKeyField(
                        "core.Conversation",
                        source_field="conversation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="participants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("joined_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_read_id", fields.IntField(default=0)),
            ],
            options={
                "table": "conversation_participants",
                "app": "core",
                "unique_together": (("conversation", "user"),),
                "indexes": [Index(fields=["user_id", "conversation_id"])],
                "pk_attr": "id",
                "table_description": "A member taking part in a conversation: the row goes when they leave (and with it what they were told).",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="User",
            name="messages_from",
            field=fields.CharField(default="circles", db_default="circles", max_length=16),
        ),
    ]
