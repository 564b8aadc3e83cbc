"""Likes of posts (and their count on the post), featured threads, and notifications that gather several acts."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0022_push_subscriptions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PostLike",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "post",
                    fields.ForeignKeyField(
                        "core.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "post_likes",
                "app": "core",
                "unique_together": (("post", "user"),),
                "indexes": [Index(fields=["user_id", "post_id"])],
                "pk_attr": "id",
                "table_description": "A member's like of a post: one per member and post.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Notification",
            name="count",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name="Post",
            name="like_count",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="Thread",
            name="featured",
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
