from tortoise import migrations
from tortoise.migrations import operations as ops
from core.jobs.models import JobState
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0008_token_epochs")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Job",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=64)),
                ("payload", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("key", fields.CharField(null=True, unique=True, max_length=200)),
                (
                    "state",
                    fields.CharEnumField(
                        default=JobState.WAITING,
                        description="WAITING: waiting\nRUNNING: running\nDEAD: dead",
                        enum_type=JobState,
                        max_length=16,
                    ),
                ),
                ("run_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(default="", unique=False)),
                ("holder", fields.CharField(default="", max_length=64)),
                ("lease_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "jobs", "app": "core", "indexes": [Index(fields=["state", "run_at"])], "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
