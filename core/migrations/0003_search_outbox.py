from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0002_thread_kind")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SearchLease",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ("holder", fields.CharField(max_length=64)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "search_lease",
                "app": "core",
                "pk_attr": "name",
                "table_description": "Who runs the indexer: one process at a time, even with several workers or machines.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SearchOutbox",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("kind", fields.CharField(max_length=32)),
                ("object_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "search_outbox",
                "app": "core",
                "pk_attr": "id",
                "table_description": '"Document ``kind``/``object_id`` may have changed." The indexer reloads it and updates or removes it, and',
            },
            bases=["Model"],
        ),
    ]
