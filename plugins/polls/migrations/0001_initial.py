from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.polls.models import QuestionKind, ResultsShown
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0004_notifications")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Poll",
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
                ("multiple", fields.BooleanField(default=False)),
                ("max_choices", fields.IntField(default=1)),
                ("anonymous", fields.BooleanField(default=False)),
                (
                    "results",
                    fields.CharEnumField(
                        default=ResultsShown.ALWAYS,
                        description="ALWAYS: always\nAFTER_VOTE: after_vote\nAFTER_CLOSE: after_close",
                        enum_type=ResultsShown,
                        max_length=16,
                    ),
                ),
                ("closes_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "polls_polls", "app": "polls", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Ballot",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "poll",
                    fields.ForeignKeyField(
                        "polls.Poll",
                        source_field="poll_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="ballots",
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
                ("cast_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "polls_ballots",
                "app": "polls",
                "unique_together": (("poll_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "A member's vote on a poll: one row per member (UNIQUE), its choices in BallotChoice.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="BallotChoice",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "ballot",
                    fields.ForeignKeyField(
                        "polls.Ballot",
                        source_field="ballot_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="choices",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("poll_id", fields.IntField()),
                ("position", fields.IntField()),
            ],
            options={
                "table": "polls_ballot_choices",
                "app": "polls",
                "unique_together": (("ballot_id", "position"),),
                "indexes": [Index(fields=["poll_id", "position"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PollOption",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "poll",
                    fields.ForeignKeyField(
                        "polls.Poll",
                        source_field="poll_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="options",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                ("text", fields.CharField(max_length=200)),
            ],
            options={
                "table": "polls_options",
                "app": "polls",
                "unique_together": (("poll_id", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Survey",
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
                ("public", fields.BooleanField(default=False)),
                ("closes_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "polls_surveys", "app": "polls", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Question",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "survey",
                    fields.ForeignKeyField(
                        "polls.Survey",
                        source_field="survey_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="questions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "kind",
                    fields.CharEnumField(
                        description="SINGLE: single\nMULTIPLE: multiple\nTEXT: text\nRATING: rating",
                        enum_type=QuestionKind,
                        max_length=16,
                    ),
                ),
                ("text", fields.CharField(max_length=300)),
                ("options", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("required", fields.BooleanField(default=False)),
            ],
            options={
                "table": "polls_questions",
                "app": "polls",
                "unique_together": (("survey_id", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SurveyResponse",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "survey",
                    fields.ForeignKeyField(
                        "polls.Survey",
                        source_field="survey_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="responses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("guest_key", fields.CharField(null=True, max_length=64)),
                ("submitted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "polls_responses",
                "app": "polls",
                "unique_together": (("survey_id", "user_id"), ("survey_id", "guest_key")),
                "pk_attr": "id",
                "table_description": "One filled-in survey: a member's (UNIQUE per member) or a browser's (UNIQUE per browser key).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Answer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "response",
                    fields.ForeignKeyField(
                        "polls.SurveyResponse",
                        source_field="response_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="answers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("question_id", fields.IntField()),
                ("choice", fields.IntField(null=True)),
                ("rating", fields.IntField(null=True)),
                ("text", fields.TextField(null=True, unique=False)),
            ],
            options={
                "table": "polls_answers",
                "app": "polls",
                "indexes": [Index(fields=["question_id", "choice"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
