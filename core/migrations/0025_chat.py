"""The lines of a circle's chat."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0024_conversations")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ChatLine",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
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
                ("reply_to_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("deleted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "chat_lines",
                "app": "core",
                "indexes": [Index(fields=["circle_id", "id"]), Index(fields=["author_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "A line in a circle's chat: Markdown as written, its HTML rendered and sanitised once, perhaps answering",
            },
            bases=["Model"],
        ),
    ]
