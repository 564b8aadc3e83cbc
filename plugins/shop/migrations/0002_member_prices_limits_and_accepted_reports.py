from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="GroupBuy",
            name="only_circle",
            field=fields.ForeignKeyField(
                "core.Circle",
                source_field="only_circle_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="Product",
            name="member_circle",
            field=fields.ForeignKeyField(
                "core.Circle",
                source_field="member_circle_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="Product",
            name="member_price_fen",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="Trial",
            name="only_circle",
            field=fields.ForeignKeyField(
                "core.Circle",
                source_field="only_circle_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        ops.AddField(
            model_name="TrialApplication",
            name="report_accepted_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
