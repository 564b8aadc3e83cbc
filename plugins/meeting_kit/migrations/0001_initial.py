from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks"), ("events", "0001_initial"), ("polls", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Meeting",
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
                    "event",
                    fields.OneToOneField(
                        "events.Event",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "survey",
                    fields.ForeignKeyField(
                        "polls.Survey",
                        source_field="survey_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("locale", fields.CharField(max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "meeting_kit_meetings", "app": "meeting_kit", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AgendaItem",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "meeting_kit.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("ends_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("title", fields.CharField(max_length=200)),
                ("speaker", fields.CharField(default="", max_length=100)),
                ("room", fields.CharField(default="", max_length=100)),
                (
                    "poll",
                    fields.ForeignKeyField(
                        "polls.Poll",
                        source_field="poll_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "meeting_kit_agenda",
                "app": "meeting_kit",
                "pk_attr": "id",
                "table_description": "One item of the agenda: when, what, who speaks, where, and its feedback poll once it has ended.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="MeetingNotice",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "meeting_kit.Meeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("notice_id", fields.IntField(unique=True)),
            ],
            options={
                "table": "meeting_kit_notices",
                "app": "meeting_kit",
                "pk_attr": "id",
                "table_description": "A notice (the core's, with its read receipts) on a meeting's notice board.",
            },
            bases=["Model"],
        ),
    ]
