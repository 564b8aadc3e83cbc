from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

# Posts are numbered in their thread in the order they were written (ROW_NUMBER and UPDATE ... FROM: SQLite 3.33+,
# PostgreSQL); each thread keeps the last number it gave.
NUMBER_POSTS = (
    "UPDATE posts SET number = numbered.n FROM "
    "(SELECT id, ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY id) AS n FROM posts) AS numbered "
    "WHERE posts.id = numbered.id"
)
LAST_NUMBERS = (
    "UPDATE threads SET last_number = COALESCE((SELECT MAX(number) FROM posts WHERE posts.thread_id = threads.id), 1)"
)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notifications")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Post",
            name="number",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Thread",
            name="last_number",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.RunSQL([NUMBER_POSTS, LAST_NUMBERS]),
        ops.AddConstraint(
            model_name="Post",
            constraint=UniqueConstraint(fields=("thread", "number"), name=None),
        ),
    ]
