from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Desk",
            name="shown",
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
