from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0020_phone_sign_in")]

    initial = False

    operations = [
        ops.CreateModel(
            name="NotificationReach",
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
                ("kind", fields.CharField(max_length=32)),
                ("channel", fields.CharField(max_length=16)),
            ],
            options={
                "table": "notification_reaches",
                "app": "core",
                "unique_together": (("user", "kind", "channel"),),
                "pk_attr": "id",
                "table_description": "A member's choice to hear of one kind of notification by a channel outside the site too (``sms``...).",
            },
            bases=["Model"],
        ),
    ]
