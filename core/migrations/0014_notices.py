from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0013_watches")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Notice",
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
                    "sender",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="sender_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("title", fields.CharField(max_length=200)),
                ("body", fields.TextField(unique=False)),
                ("html", fields.TextField(unique=False)),
                ("audience", fields.CharField(default="", max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "notices",
                "app": "core",
                "indexes": [Index(fields=["circle_id", "id"])],
                "pk_attr": "id",
                "table_description": "A notice from a circle's staff to its members (or to a plugin's list of them: an event's registrants), each",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="NoticeReceipt",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "notice",
                    fields.ForeignKeyField(
                        "core.Notice",
                        source_field="notice_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="receipts",
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
                ("read_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "notice_receipts",
                "app": "core",
                "unique_together": (("notice", "user"),),
                "indexes": [Index(fields=["user_id", "notice_id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
