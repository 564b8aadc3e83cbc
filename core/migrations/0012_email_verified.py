from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0011_template_uses")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="email_verified",
            field=fields.BooleanField(default=False, db_default=True),
        ),
    ]
