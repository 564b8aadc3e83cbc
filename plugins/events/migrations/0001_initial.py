from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.events.models import Status
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = True

    operations = [
        ops.CreateModel(
            name="CalendarFeed",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.OneToOneField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "events_feeds",
                "app": "events",
                "pk_attr": "id",
                "table_description": "A member's personal calendar feed: the secret in its address (a phone's calendar subscribes to it once).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Event",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "thread",
                    fields.OneToOneField(
                        "core.Thread",
                        source_field="thread_id",
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
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("timezone", fields.CharField(max_length=64)),
                ("location", fields.CharField(default="", max_length=200)),
                ("online_url", fields.CharField(default="", max_length=500)),
                ("capacity", fields.IntField(null=True)),
                ("confirmed", fields.IntField(default=0)),
                ("waitlist", fields.BooleanField(default=True)),
                ("opens_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("closes_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("cancel_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("questions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "events_events", "app": "events", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Registration",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "event",
                    fields.ForeignKeyField(
                        "events.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
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
                (
                    "status",
                    fields.CharEnumField(
                        description="CONFIRMED: confirmed\nWAITLISTED: waitlisted", enum_type=Status, max_length=16
                    ),
                ),
                ("answers", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("code", fields.CharField(unique=True, max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("confirmed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("checked_in_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "checked_in_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="checked_in_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("reminded_day", fields.BooleanField(default=False)),
                ("reminded_hour", fields.BooleanField(default=False)),
            ],
            options={
                "table": "events_registrations",
                "app": "events",
                "unique_together": (("event_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "A member's registration: confirmed (with a ticket code) or on the waitlist, in the order they came.",
            },
            bases=["Model"],
        ),
    ]
