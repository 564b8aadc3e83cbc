"""Web push subscriptions (one per signed-in browser) and the failures in a row of a channel outside the site."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0021_notification_reaches")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PushSubscription",
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
                    "session",
                    fields.ForeignKeyField(
                        "core.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("endpoint", fields.CharField(unique=True, max_length=1000)),
                ("p256dh", fields.CharField(max_length=100)),
                ("auth", fields.CharField(max_length=40)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "push_subscriptions",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A browser that agreed to be sent pushes for its member: where to post them (``endpoint``, at a push service)",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReachFailure",
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
                ("channel", fields.CharField(max_length=16)),
                ("failures", fields.IntField(default=0)),
                ("last_error", fields.CharField(default="", max_length=200)),
            ],
            options={
                "table": "reach_failures",
                "app": "core",
                "unique_together": (("user", "channel"),),
                "pk_attr": "id",
                "table_description": "Notifications a channel outside the site failed to carry to a member in a row (forgotten on the next that",
            },
            bases=["Model"],
        ),
    ]
