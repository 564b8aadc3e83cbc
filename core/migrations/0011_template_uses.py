from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0010_notification_settings")]

    initial = False

    operations = [
        ops.CreateModel(
            name="TemplateUse",
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
                ("template", fields.CharField(max_length=64)),
                ("created", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "applied_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="applied_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("applied_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "template_uses",
                "app": "core",
                "indexes": [Index(fields=["circle_id", "template"])],
                "pk_attr": "id",
                "table_description": "A scenario template applied to a circle: when, by whom, and what it made (``[{kind, title, url}]``), so",
            },
            bases=["Model"],
        ),
    ]
