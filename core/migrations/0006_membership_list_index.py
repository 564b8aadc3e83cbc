from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0005_post_numbers")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="Membership",
            index=Index(fields=["circle_id", "status", "id"]),
        ),
    ]
