from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_member_prices_limits_and_accepted_reports")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Shop",
            name="shown",
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
