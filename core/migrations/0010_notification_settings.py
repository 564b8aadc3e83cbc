from tortoise import migrations
from tortoise.migrations import operations as ops
from core.notifications.models import Channel
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0009_jobs")]

    initial = False

    operations = [
        ops.CreateModel(
            name="NotificationSetting",
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
                (
                    "channel",
                    fields.CharEnumField(
                        description="EMAIL: email\nAPP: app\nOFF: off", enum_type=Channel, max_length=8
                    ),
                ),
            ],
            options={
                "table": "notification_settings",
                "app": "core",
                "unique_together": (("user", "kind"),),
                "pk_attr": "id",
                "table_description": "A member's choice for one kind of notification, kept only where it differs from the kind's default.",
            },
            bases=["Model"],
        ),
    ]
