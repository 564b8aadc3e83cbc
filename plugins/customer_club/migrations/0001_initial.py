from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.customer_club.models import IdeaStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Club",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.OneToOneField(
                        "core.Circle",
                        source_field="circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "ideas_circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="ideas_circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "vip_circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="vip_circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("rules_version", fields.IntField(default=1)),
                ("vip_level", fields.IntField(default=3)),
                ("grace_days", fields.IntField(default=30)),
                ("timezone", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "club_clubs",
                "app": "customer_club",
                "pk_attr": "id",
                "table_description": "The club made by the template around a circle (its public home), with its ideas circle and its private VIP",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Badge",
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
                ("name", fields.CharField(max_length=40)),
                ("granted_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "club_badges",
                "app": "customer_club",
                "unique_together": (("club", "user", "name"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Entry",
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
                ("points", fields.IntField()),
                ("act", fields.CharField(max_length=40)),
                ("key", fields.CharField(max_length=80)),
                ("version", fields.IntField(null=True)),
                ("day", fields.DateField()),
                ("reason", fields.CharField(default="", max_length=300)),
                (
                    "by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "club_entries",
                "app": "customer_club",
                "unique_together": (("club", "user", "key"),),
                "indexes": [
                    Index(fields=["club_id", "user_id", "act", "day"]),
                    Index(fields=["club_id", "created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "A line of the ledger: points for an act (under the rules' ``version``) or a manager's correction (with its",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Idea",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "thread",
                    fields.OneToOneField(
                        "core.Thread",
                        source_field="thread_id",
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
                    "status",
                    fields.CharEnumField(
                        default=IdeaStatus.NEW,
                        description="NEW: new\nUNDER_REVIEW: under_review\nPLANNED: planned\nDONE: done\nDECLINED: declined\nDUPLICATE: duplicate",
                        enum_type=IdeaStatus,
                        max_length=16,
                    ),
                ),
                ("votes", fields.IntField(default=0)),
                (
                    "duplicate_of",
                    fields.ForeignKeyField(
                        "customer_club.Idea",
                        source_field="duplicate_of_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("complaints", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "club_ideas",
                "app": "customer_club",
                "pk_attr": "id",
                "table_description": "An idea on the club's board: a thread of its ideas circle, with its votes (the count the board sorts by),",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="IdeaVote",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "idea",
                    fields.ForeignKeyField(
                        "customer_club.Idea",
                        source_field="idea_id",
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
                "table": "club_idea_votes",
                "app": "customer_club",
                "unique_together": (("idea", "user"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Level",
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
                ("position", fields.IntField()),
                ("name", fields.CharField(max_length=40)),
                ("threshold", fields.IntField()),
            ],
            options={
                "table": "club_levels",
                "app": "customer_club",
                "unique_together": (("club", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Rule",
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
                ("version", fields.IntField()),
                ("act", fields.CharField(max_length=40)),
                ("points", fields.IntField()),
                ("daily_cap", fields.IntField(null=True)),
            ],
            options={
                "table": "club_rules",
                "app": "customer_club",
                "unique_together": (("club", "version", "act"),),
                "pk_attr": "id",
                "table_description": "Points for one kind of act in one version of the club's rules, with at most ``daily_cap`` a day.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Standing",
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
                ("points", fields.IntField(default=0)),
                ("below_since", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "club_standings",
                "app": "customer_club",
                "unique_together": (("club", "user"),),
                "pk_attr": "id",
                "table_description": "A member's points in a club (the sum of their ledger), and since when they are below the VIP level while",
            },
            bases=["Model"],
        ),
    ]
