"""Which plugins are enabled, and their settings, in the database that every machine of a site reads."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0025_chat")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PluginState",
            fields=[
                ("name", fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ("enabled", fields.BooleanField(default=False)),
                ("settings", fields.JSONField(default=dict)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "plugin_states",
                "app": "core",
                "pk_attr": "name",
                "table_description": "Whether a plugin is enabled, and its settings, for every machine of the site",
            },
            bases=["Model"],
        ),
    ]
