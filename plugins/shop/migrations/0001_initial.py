from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from plugins.shop.models import ApplicationStatus, GroupBuyStatus, OrderStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0017_circle_looks")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Membership",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
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
                    "shop_circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="shop_circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("reminded", fields.CharField(default="", max_length=8)),
                ("lapsed", fields.BooleanField(default=False)),
            ],
            options={
                "table": "shop_memberships",
                "app": "shop",
                "unique_together": (("user_id", "circle_id"),),
                "pk_attr": "id",
                "table_description": "A member's paid membership of a circle (a fee): until when, and which reminders have gone out.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Product",
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
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                ("html", fields.TextField(default="", unique=False)),
                ("price_fen", fields.IntField()),
                ("stock", fields.IntField(null=True)),
                ("per_member_limit", fields.IntField(null=True)),
                ("on_sale", fields.BooleanField(default=True)),
                ("photos", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "membership_circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="membership_circle_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("membership_days", fields.IntField(null=True)),
                ("membership_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "shop_products", "app": "shop", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GroupBuy",
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
                    "product",
                    fields.ForeignKeyField(
                        "shop.Product",
                        source_field="product_id",
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
                ("price_fen", fields.IntField()),
                ("min_count", fields.IntField()),
                ("max_count", fields.IntField()),
                ("joined", fields.IntField(default=0)),
                ("deadline", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=GroupBuyStatus.OPEN,
                        description="OPEN: open\nSUCCEEDED: succeeded\nFAILED: failed",
                        enum_type=GroupBuyStatus,
                        max_length=16,
                    ),
                ),
                ("settled_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "shop_group_buys",
                "app": "shop",
                "pk_attr": "id",
                "table_description": "A product at a group price when at least ``min_count`` members join by the deadline (at most ``max_count``),",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Order",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "product",
                    fields.ForeignKeyField(
                        "shop.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
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
                (
                    "buyer",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="buyer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "group_buy",
                    fields.ForeignKeyField(
                        "shop.GroupBuy",
                        source_field="group_buy_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("quantity", fields.IntField()),
                ("unit_fen", fields.IntField()),
                ("total_fen", fields.IntField()),
                (
                    "status",
                    fields.CharEnumField(
                        default=OrderStatus.PENDING_PAYMENT,
                        description="PENDING_PAYMENT: pending_payment\nPAID: paid\nFULFILLED: fulfilled\nCANCELLED: cancelled",
                        enum_type=OrderStatus,
                        max_length=20,
                    ),
                ),
                ("note", fields.CharField(default="", max_length=500)),
                ("pickup_point", fields.CharField(default="", max_length=200)),
                ("address", fields.CharField(default="", max_length=500)),
                ("pickup_code", fields.CharField(unique=True, max_length=12)),
                ("request_key", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "shop_orders",
                "app": "shop",
                "unique_together": (("buyer_id", "request_key"), ("group_buy_id", "buyer_id")),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OrderEvent",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "order",
                    fields.ForeignKeyField(
                        "shop.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="PENDING_PAYMENT: pending_payment\nPAID: paid\nFULFILLED: fulfilled\nCANCELLED: cancelled",
                        enum_type=OrderStatus,
                        max_length=20,
                    ),
                ),
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
                ("note", fields.CharField(default="", max_length=200)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "shop_order_events",
                "app": "shop",
                "pk_attr": "id",
                "table_description": "A line of an order's history: each change of state, by whom, when.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Shop",
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
                ("payment_instructions", fields.TextField(default="", unique=False)),
                ("payment_picture", fields.CharField(default="", max_length=72)),
                ("pickup_points", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("delivery", fields.BooleanField(default=False)),
                ("pay_within_hours", fields.IntField(default=48)),
            ],
            options={
                "table": "shop_shops",
                "app": "shop",
                "pk_attr": "id",
                "table_description": "A circle's shop: how members pay (outside the site) and where they pick up.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Trial",
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
                    "product",
                    fields.ForeignKeyField(
                        "shop.Product",
                        source_field="product_id",
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
                ("places", fields.IntField()),
                ("picked", fields.IntField(default=0)),
                ("apply_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("report_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("questions", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "shop_trials",
                "app": "shop",
                "pk_attr": "id",
                "table_description": "A trial (试用) of a product: members apply with a short form, the managers pick who gets one (an order at",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TrialApplication",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "trial",
                    fields.ForeignKeyField(
                        "shop.Trial",
                        source_field="trial_id",
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
                ("answers", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ApplicationStatus.APPLIED,
                        description="APPLIED: applied\nPICKED: picked",
                        enum_type=ApplicationStatus,
                        max_length=16,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "shop.Order",
                        source_field="order_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("report_post_id", fields.IntField(null=True)),
                ("rating", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "shop_trial_applications",
                "app": "shop",
                "unique_together": (("trial_id", "user_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
