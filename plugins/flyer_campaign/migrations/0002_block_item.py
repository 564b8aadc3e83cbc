from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("flyer_campaign", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Block",
            name="item",
            field=fields.CharField(default="", max_length=40),
        ),
    ]
