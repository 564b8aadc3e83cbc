"""A campaign: its landing page's blocks, its sign-ups (each with its consent, referral code and UTM values) and
the members' referral codes. Views are counted in batches (``views.py``), not with a write per view."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle, User


class BlockKind(StrEnum):
    HEADING = "heading"
    TEXT = "text"
    IMAGE = "image"
    BUTTON = "button"  # a link with a label
    CARD = "card"  # an event, a product, a group buy or a survey the circle offers (core.plugins.Offer), read afresh
    COUNTDOWN = "countdown"  # days left until a date
    SIGNUP = "signup"  # the sign-up form


class CampaignState(StrEnum):
    DRAFT = "draft"  # being made: its owners see the page, nobody else finds it
    PUBLISHED = "published"  # its page is public to whoever has the address
    CLOSED = "closed"  # its page says it has ended and takes no more sign-ups


class Campaign(Model):
    """A campaign, reached at ``/f/{token}``: an unguessable address (its number is never shown), so that nobody
    walks from one campaign to the next into a private circle's sign-up."""

    id = fields.IntField(primary_key=True)
    token = fields.CharField(max_length=16, default="", db_default="")  # unique (migration 0003's index)
    # new campaigns start as drafts; those made before states existed were public from the start (db_default)
    state = fields.CharEnumField(CampaignState, max_length=16, default=CampaignState.DRAFT, db_default="published")
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    description = fields.CharField(max_length=300, default="")  # what a shared link's card says under the title
    image = fields.CharField(max_length=72, default="")  # the share card's picture (an upload's name)
    locale = fields.CharField(max_length=16)  # the page's language
    consent = fields.TextField()  # the personal-data line a sign-up accepts (stored with each sign-up)
    questions: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(default=list)  # the sign-up's own (Field)
    views = fields.IntField(default=0)
    bots = fields.IntField(default=0)  # sign-ups the form protection caught (no account made)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int

    class Meta:
        table = "flyer_campaigns"

    @property
    def path(self) -> str:
        """The landing page's address on the site."""
        return f"/f/{self.token}"


class Block(Model):
    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "flyer_campaign.Campaign", related_name=False, on_delete=fields.CASCADE
    )
    position = fields.IntField()
    kind = fields.CharEnumField(BlockKind, max_length=16)
    text = fields.TextField(default="")
    label = fields.CharField(max_length=100, default="")
    url = fields.CharField(max_length=500, default="")
    picture = fields.CharField(max_length=72, default="")
    at = fields.DatetimeField(null=True)  # a countdown's date
    item = fields.CharField(max_length=40, default="")  # a card's offer (its key: "event:12")
    if TYPE_CHECKING:
        campaign_id: int

    class Meta:
        table = "flyer_blocks"


class ReferralCode(Model):
    """A member's own code for a campaign (``?ref=CODE``)."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "flyer_campaign.Campaign", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    code = fields.CharField(max_length=16, unique=True)
    if TYPE_CHECKING:
        campaign_id: int
        user_id: int

    class Meta:
        table = "flyer_referral_codes"
        unique_together = (("campaign_id", "user_id"),)


class Signup(Model):
    """A newcomer who came through the campaign: when, by whose code and which UTM values, what they answered and
    the consent they gave; whether they joined, and when they first took part (credit goes to the referrer then)."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "flyer_campaign.Campaign", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    referrer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    utm: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    answers: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    consent = fields.TextField()  # the text accepted
    consented_at = fields.DatetimeField()
    new_account = fields.BooleanField(default=True)  # False: a member who was signed in joined with one button
    joined = fields.BooleanField(default=False)
    active_at = fields.DatetimeField(null=True)  # their first post in the circle
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        campaign_id: int
        user_id: int
        referrer_id: int | None

    class Meta:
        table = "flyer_signups"
        unique_together = (("campaign_id", "user_id"),)
