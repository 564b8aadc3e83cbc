from tortoise import migrations
from tortoise.migrations import operations as ops
from core.notifications.models import WatchLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0012_email_verified")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Watch",
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
                    "thread",
                    fields.ForeignKeyField(
                        "core.Thread",
                        source_field="thread_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "level",
                    fields.CharEnumField(
                        description="WATCHING: watching\nMUTED: muted", enum_type=WatchLevel, max_length=16
                    ),
                ),
            ],
            options={
                "table": "watches",
                "app": "core",
                "unique_together": (("user", "thread"), ("user", "circle")),
                "indexes": [Index(fields=["thread_id", "level"]), Index(fields=["circle_id", "level"])],
                "pk_attr": "id",
                "table_description": "A member's choice for one thread or one circle, beside the default (told of replies to their own threads",
            },
            bases=["Model"],
        ),
    ]
