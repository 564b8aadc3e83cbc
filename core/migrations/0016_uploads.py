from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0015_template_use_numbers")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Upload",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("sha", fields.CharField(max_length=64)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("ext", fields.CharField(max_length=8)),
                ("width", fields.IntField()),
                ("height", fields.IntField()),
                ("size", fields.IntField()),
                ("thumb_width", fields.IntField(default=0)),
                ("thumb_height", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "uploads",
                "app": "core",
                "unique_together": (("user", "sha"),),
                "indexes": [Index(fields=["sha"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UploadUse",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("sha", fields.CharField(max_length=64)),
                ("kind", fields.CharField(max_length=40)),
                ("ref", fields.IntField()),
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
                ("audience", fields.CharField(default="", max_length=64)),
            ],
            options={
                "table": "upload_uses",
                "app": "core",
                "unique_together": (("sha", "kind", "ref"),),
                "indexes": [Index(fields=["kind", "ref"])],
                "pk_attr": "id",
                "table_description": "The picture ``sha`` appears in the ``kind`` object ``ref`` (``post`` 12, ``avatar`` 3, ``shop.product`` 8):",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="User",
            name="avatar",
            field=fields.CharField(default="", max_length=72),
        ),
    ]
