from core.moderation.models import WordAction
from tortoise import migrations
from tortoise.migrations import operations as ops
from core.moderation.models import FlagReason, ReviewStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CircleBan",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
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
                ("reason", fields.CharField(max_length=500)),
                ("until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "circle_bans",
                "app": "core",
                "unique_together": (("circle", "user"),),
                "pk_attr": "id",
                "table_description": "A member banned from a circle: they cannot join it or ask to until ``until`` (None: until lifted).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Flag",
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
                (
                    "reason",
                    fields.CharEnumField(
                        description="SPAM: spam\nABUSE: abuse\nOFF_TOPIC: off_topic\nOTHER: other",
                        enum_type=FlagReason,
                        max_length=16,
                    ),
                ),
                ("note", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "flags",
                "app": "core",
                "unique_together": (("post", "user"),),
                "pk_attr": "id",
                "table_description": "A member's flag on a post: once per member and post.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LogEntry",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("action", fields.CharField(max_length=32)),
                (
                    "member",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="member_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("post_id", fields.IntField(null=True)),
                ("reason", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "moderation_log",
                "app": "core",
                "indexes": [Index(fields=["circle_id", "id"])],
                "pk_attr": "id",
                "table_description": "One moderation action: who (None: the site itself, as flags hiding a post), what, to whom, why, when.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Review",
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
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("flags", fields.IntField(default=0)),
                ("hidden_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ReviewStatus.PENDING,
                        description="PENDING: pending\nKEPT: kept\nHIDDEN: hidden\nDELETED: deleted",
                        enum_type=ReviewStatus,
                        max_length=16,
                    ),
                ),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "reviews",
                "app": "core",
                "indexes": [Index(fields=["circle_id", "status"])],
                "pk_attr": "id",
                "table_description": "A post in the review queue: its flags counted (the count the site's threshold is checked against), hidden",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="User",
            name="silence_reason",
            field=fields.CharField(default="", max_length=500),
        ),
        ops.AddField(
            model_name="User",
            name="silenced_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name="WatchedWord",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("word", fields.CharField(max_length=100)),
                (
                    "action",
                    fields.CharEnumField(
                        description="BLOCK: block\nREVIEW: review\nREPLACE: replace",
                        enum_type=WordAction,
                        max_length=16,
                    ),
                ),
                ("replacement", fields.CharField(default="", max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "watched_words",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A word the site (``circle`` None) or one circle watches for in what members write.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Circle",
            name="review_newcomers",
            field=fields.BooleanField(default=False),
        ),
    ]
