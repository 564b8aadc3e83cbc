from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0016_uploads")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Circle",
            name="cover",
            field=fields.CharField(default="", max_length=72),
        ),
        ops.AddField(
            model_name="Circle",
            name="tint",
            field=fields.CharField(default="", max_length=16),
        ),
    ]
