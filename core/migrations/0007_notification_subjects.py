from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# SQLite alters a column by rebuilding the table, which drops its indexes: make sure the list's index is there.
LIST_INDEX = (
    'CREATE INDEX IF NOT EXISTS "idx_notificatio_user_id_5ecf33" ON "notifications" ("user_id", "read_at", "id")'
)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_membership_list_index")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Notification",
            name="thread",
            field=fields.ForeignKeyField(
                "core.Thread",
                source_field="thread_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AddField(
            model_name="Notification",
            name="subject",
            field=fields.CharField(default="", db_default="", max_length=64),
        ),
        ops.AddField(
            model_name="Notification",
            name="subject_id",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="Notification",
            name="title",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Notification",
            name="url",
            field=fields.CharField(default="", db_default="", max_length=500),
        ),
        ops.RunSQL([LIST_INDEX]),
    ]
