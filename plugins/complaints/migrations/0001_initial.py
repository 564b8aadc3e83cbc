from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.complaints.models import EntryKind, Status
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Desk",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.OneToOneField(
                        "core.Circle",
                        source_field="circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("intro", fields.TextField(default="", unique=False)),
                ("accept_days", fields.IntField(default=7)),
                ("resolve_days", fields.IntField(default=45)),
                ("categories", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("questions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "complaints_desks",
                "app": "complaints",
                "pk_attr": "id",
                "table_description": "A circle's desk: its promises in working days, its categories, extra questions and canned replies.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CannedReply",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "desk",
                    fields.ForeignKeyField(
                        "complaints.Desk",
                        source_field="desk_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=100)),
                ("body", fields.TextField(unique=False)),
            ],
            options={
                "table": "complaints_canned",
                "app": "complaints",
                "pk_attr": "id",
                "table_description": "A reply the desk's staff write often, to start an answer from.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Complaint",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "desk",
                    fields.ForeignKeyField(
                        "complaints.Desk",
                        source_field="desk_id",
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
                ("number", fields.CharField(unique=True, max_length=12)),
                ("token", fields.CharField(unique=True, max_length=64)),
                (
                    "filer",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="filer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("contact_name", fields.CharField(max_length=100)),
                ("contact_email", fields.CharField(max_length=254)),
                ("locale", fields.CharField(default="", max_length=16)),
                ("subject", fields.CharField(max_length=200)),
                ("body", fields.TextField(unique=False)),
                ("category", fields.CharField(default="", max_length=100)),
                ("answers", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("questions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "status",
                    fields.CharEnumField(
                        default=Status.NEW,
                        description="NEW: new\nACCEPTED: accepted\nIN_PROGRESS: in_progress\nRESOLVED: resolved\nCLOSED: closed\nREJECTED: rejected",
                        enum_type=Status,
                        max_length=16,
                    ),
                ),
                (
                    "assignee",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="assignee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("accept_due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("resolve_due_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("accepted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("resolved_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("rating", fields.IntField(null=True)),
                ("rating_comment", fields.TextField(default="", unique=False)),
                ("anonymised", fields.BooleanField(default=False)),
            ],
            options={"table": "complaints_cases", "app": "complaints", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Entry",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "complaint",
                    fields.ForeignKeyField(
                        "complaints.Complaint",
                        source_field="complaint_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="FILED: filed\nSTATUS: status\nREPLY: reply\nNOTE: note\nFILER: filer\nASSIGNED: assigned\nRATED: rated\nANONYMISED: anonymised",
                        enum_type=EntryKind,
                        max_length=16,
                    ),
                ),
                ("internal", fields.BooleanField(default=False)),
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
                ("status", fields.CharField(default="", max_length=16)),
                ("body", fields.TextField(default="", unique=False)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "complaints_entries",
                "app": "complaints",
                "pk_attr": "id",
                "table_description": "One line of a case's timeline: what happened, when, by whom (``internal`` lines are the staff's alone).",
            },
            bases=["Model"],
        ),
    ]
