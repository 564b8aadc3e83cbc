from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("customer_club", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Gate",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "club",
                    fields.ForeignKeyField(
                        "customer_club.Club",
                        source_field="club_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=16)),
                ("ref", fields.IntField()),
                ("min_level", fields.IntField()),
            ],
            options={
                "table": "club_gates",
                "app": "customer_club",
                "unique_together": (("club", "kind", "ref"),),
                "pk_attr": "id",
                "table_description": "A level a member must have reached to order a product, join a group buy or apply for a trial of the club's",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="HelpfulMark",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "post",
                    fields.OneToOneField(
                        "core.Post",
                        source_field="post_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "club",
                    fields.ForeignKeyField(
                        "customer_club.Club",
                        source_field="club_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "club_helpful_marks",
                "app": "customer_club",
                "pk_attr": "id",
                "table_description": "A reply in one of the club's circles that the thread's author (or a moderator) marked helpful: once a post.",
            },
            bases=["Model"],
        ),
    ]
