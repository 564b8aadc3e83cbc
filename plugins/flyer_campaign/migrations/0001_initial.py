from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.flyer_campaign.models import BlockKind
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Campaign",
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
                ("title", fields.CharField(max_length=100)),
                ("description", fields.CharField(default="", max_length=300)),
                ("image", fields.CharField(default="", max_length=72)),
                ("locale", fields.CharField(max_length=16)),
                ("consent", fields.TextField(unique=False)),
                ("questions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("views", fields.IntField(default=0)),
                ("bots", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "flyer_campaigns", "app": "flyer_campaign", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Block",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "campaign",
                    fields.ForeignKeyField(
                        "flyer_campaign.Campaign",
                        source_field="campaign_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "kind",
                    fields.CharEnumField(
                        description="HEADING: heading\nTEXT: text\nIMAGE: image\nBUTTON: button\nCARD: card\nCOUNTDOWN: countdown\nSIGNUP: signup",
                        enum_type=BlockKind,
                        max_length=16,
                    ),
                ),
                ("text", fields.TextField(default="", unique=False)),
                ("label", fields.CharField(default="", max_length=100)),
                ("url", fields.CharField(default="", max_length=500)),
                ("picture", fields.CharField(default="", max_length=72)),
                ("at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "flyer_blocks", "app": "flyer_campaign", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReferralCode",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "campaign",
                    fields.ForeignKeyField(
                        "flyer_campaign.Campaign",
                        source_field="campaign_id",
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
                ("code", fields.CharField(unique=True, max_length=16)),
            ],
            options={
                "table": "flyer_referral_codes",
                "app": "flyer_campaign",
                "unique_together": (("campaign_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "A member's own code for a campaign (``?ref=CODE``).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Signup",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "campaign",
                    fields.ForeignKeyField(
                        "flyer_campaign.Campaign",
                        source_field="campaign_id",
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
                    "referrer",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="referrer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("utm", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("answers", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("consent", fields.TextField(unique=False)),
                ("consented_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("new_account", fields.BooleanField(default=True)),
                ("joined", fields.BooleanField(default=False)),
                ("active_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "flyer_signups",
                "app": "flyer_campaign",
                "unique_together": (("campaign_id", "user_id"),),
                "pk_attr": "id",
                "table_description": "A newcomer who came through the campaign: when, by whose code and which UTM values, what they answered and",
            },
            bases=["Model"],
        ),
    ]
