"""A circle's shop: its settings, products, orders (with their history) and group buys.

Stock is decided by the database: an order takes it with a conditional update (``stock >= quantity``) and gives it
back only by moving out of a state that holds it, itself a conditional update, so exactly once. A group buy's
``joined`` counter is taken the same way against its maximum.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle, Thread, User


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


class GroupBuyStatus(StrEnum):
    OPEN = "open"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Shop(Model):
    """A circle's shop: how members pay (outside the site) and where they pick up."""

    id = fields.IntField(primary_key=True)
    circle: fields.OneToOneRelation[Circle] = fields.OneToOneField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    payment_instructions = fields.TextField(default="")
    payment_picture = fields.CharField(max_length=72, default="")  # the shop's collection QR (an upload's name)
    pickup_points: fields.JSONField[list[str]] = fields.JSONField(default=list)
    delivery = fields.BooleanField(default=False)  # members may give an address instead
    pay_within_hours = fields.IntField(default=48)  # an unpaid order expires after this
    shown = fields.BooleanField(default=True, db_default=True)  # in the circle's sidebar (its managers switch it off)
    if TYPE_CHECKING:
        circle_id: int

    class Meta:
        table = "shop_shops"


class Product(Model):
    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")  # Markdown
    html = fields.TextField(default="")
    price_fen = fields.IntField()
    stock = fields.IntField(null=True)  # None: unlimited
    per_member_limit = fields.IntField(null=True)
    on_sale = fields.BooleanField(default=True)
    photos: fields.JSONField[list[str]] = fields.JSONField(default=list)  # upload names, the first is the cover
    # A membership fee (会费): once paid, the buyer is a member of this circle for so many days, or until a date
    membership_circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    membership_days = fields.IntField(null=True)
    membership_until = fields.DatetimeField(null=True)
    # A member price: members of member_circle (a club's VIP circle) pay member_price_fen instead
    member_circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    member_price_fen = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int
        membership_circle_id: int | None
        member_circle_id: int | None

    class Meta:
        table = "shop_products"


class GroupBuy(Model):
    """A product at a group price when at least ``min_count`` members join by the deadline (at most ``max_count``),
    attached to a thread where the group gathers."""

    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shop.Product", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    price_fen = fields.IntField()
    min_count = fields.IntField()
    max_count = fields.IntField()
    joined = fields.IntField(default=0)  # members in: the count the maximum is checked against
    deadline = fields.DatetimeField()
    status = fields.CharEnumField(GroupBuyStatus, max_length=16, default=GroupBuyStatus.OPEN)
    settled_at = fields.DatetimeField(null=True)
    only_circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.SET_NULL
    )  # None: the circle's members; else only the members of this one (a club's VIP circle)
    if TYPE_CHECKING:
        thread_id: int
        product_id: int
        circle_id: int
        only_circle_id: int | None

    class Meta:
        table = "shop_group_buys"


class Order(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shop.Product", related_name=False, on_delete=fields.RESTRICT
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )  # its managers see it (the audience)
    buyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    group_buy: fields.ForeignKeyNullableRelation[GroupBuy] = fields.ForeignKeyField(
        "shop.GroupBuy", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    quantity = fields.IntField()
    unit_fen = fields.IntField()
    total_fen = fields.IntField()
    status = fields.CharEnumField(OrderStatus, max_length=20, default=OrderStatus.PENDING_PAYMENT)
    note = fields.CharField(max_length=500, default="")
    pickup_point = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=500, default="")
    pickup_code = fields.CharField(max_length=12, unique=True)
    request_key = fields.CharField(max_length=64)  # the order form's: a double tap makes one order
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)  # unpaid by then, it is cancelled (None: a group buy still open)
    if TYPE_CHECKING:
        product_id: int
        circle_id: int
        buyer_id: int
        group_buy_id: int | None

    class Meta:
        table = "shop_orders"
        unique_together = (("buyer_id", "request_key"), ("group_buy_id", "buyer_id"))


class OrderEvent(Model):
    """A line of an order's history: each change of state, by whom, when."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shop.Order", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(OrderStatus, max_length=20)
    by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField()
    if TYPE_CHECKING:
        order_id: int

    class Meta:
        table = "shop_order_events"


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    PICKED = "picked"


class Trial(Model):
    """A trial (试用) of a product: members apply with a short form, the managers pick who gets one (an order at
    price 0), and those picked report back in the trial's thread by a deadline."""

    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shop.Product", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    places = fields.IntField()
    picked = fields.IntField(default=0)  # the places given: the count the places are checked against
    apply_until = fields.DatetimeField()
    report_until = fields.DatetimeField()
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)  # core.plugins.Field as JSON
    only_circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.SET_NULL
    )  # None: the circle's members; else only the members of this one (a club's VIP circle)
    if TYPE_CHECKING:
        thread_id: int
        product_id: int
        circle_id: int
        only_circle_id: int | None

    class Meta:
        table = "shop_trials"


class TrialApplication(Model):
    id = fields.IntField(primary_key=True)
    trial: fields.ForeignKeyRelation[Trial] = fields.ForeignKeyField(
        "shop.Trial", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    answers: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    status = fields.CharEnumField(ApplicationStatus, max_length=16, default=ApplicationStatus.APPLIED)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "shop.Order", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    report_post_id = fields.IntField(null=True)  # the report: a post in the trial's thread
    rating = fields.IntField(null=True)  # 1 to 5, with the report
    report_accepted_at = fields.DatetimeField(null=True)  # the managers took the report (it counts: member_acted)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        trial_id: int
        user_id: int
        order_id: int | None

    class Meta:
        table = "shop_trial_applications"
        unique_together = (("trial_id", "user_id"),)


class Membership(Model):
    """A member's paid membership of a circle (a fee): until when, and which reminders have gone out."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )  # the circle the fee makes them a member of
    shop_circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )  # the circle whose shop sold it (its managers see it)
    until = fields.DatetimeField()
    reminded = fields.CharField(max_length=8, default="")  # "", "month", "week": the last reminder sent
    lapsed = fields.BooleanField(default=False)
    if TYPE_CHECKING:
        user_id: int
        circle_id: int
        shop_circle_id: int

    class Meta:
        table = "shop_memberships"
        unique_together = (("user_id", "circle_id"),)
