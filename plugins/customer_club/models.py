"""A customer club: its circles, its points rules (versioned), its levels, the points ledger with each member's
standing, badges, and the ideas board's ideas and votes."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported only for types: Tortoise takes every model a models module holds as its own
    from core.plugins import Circle, Post, Thread, User


class Club(Model):
    """The club made by the template around a circle (its public home), with its ideas circle and its private VIP
    circle, which members reach at ``vip_level`` and leave ``grace_days`` after falling below it."""

    id = fields.IntField(primary_key=True)
    circle: fields.OneToOneRelation[Circle] = fields.OneToOneField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    ideas_circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    vip_circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, on_delete=fields.CASCADE
    )
    rules_version = fields.IntField(default=1)  # the rules in force: a change makes a new version
    vip_level = fields.IntField(default=3)  # the position of the level that opens the VIP circle (1 is the first)
    grace_days = fields.IntField(default=30)
    timezone = fields.CharField(max_length=64)  # the zone whose days the daily caps count
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        circle_id: int
        ideas_circle_id: int
        vip_circle_id: int

    class Meta:
        table = "club_clubs"


class Rule(Model):
    """Points for one kind of act in one version of the club's rules, with at most ``daily_cap`` a day."""

    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    version = fields.IntField()
    act = fields.CharField(max_length=40)
    points = fields.IntField()
    daily_cap = fields.IntField(null=True)  # acts counted a day (None: the act's own cap, points.ACTS)

    class Meta:
        table = "club_rules"
        unique_together = (("club", "version", "act"),)


class Level(Model):
    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    position = fields.IntField()  # 1, 2, 3 ... from the lowest
    name = fields.CharField(max_length=40)
    threshold = fields.IntField()  # the points it starts at (the next level's is where it ends)

    class Meta:
        table = "club_levels"
        unique_together = (("club", "position"),)


class Standing(Model):
    """A member's points in a club (the sum of their ledger), and since when they are below the VIP level while
    still in the VIP circle. Its row is locked while points are credited, so that a member's credits queue."""

    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    points = fields.IntField(default=0)
    below_since = fields.DatetimeField(null=True)
    if TYPE_CHECKING:
        club_id: int
        user_id: int

    class Meta:
        table = "club_standings"
        unique_together = (("club", "user"),)


class Entry(Model):
    """A line of the ledger: points for an act (under the rules' ``version``) or a manager's correction (with its
    reason and who made it). ``key`` names the act, so that the same act never counts twice."""

    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    points = fields.IntField()
    act = fields.CharField(max_length=40)
    key = fields.CharField(max_length=80)
    version = fields.IntField(null=True)  # the rules it was earned under (None: a correction)
    day = fields.DateField()  # the club's day it counts for (daily caps)
    reason = fields.CharField(max_length=300, default="")
    by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "club_entries"
        unique_together = (("club", "user", "key"),)
        indexes = (("club_id", "user_id", "act", "day"), ("club_id", "created_at"))


class Badge(Model):
    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=40)  # a badge's name (BADGES)
    granted_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "club_badges"
        unique_together = (("club", "user", "name"),)


class IdeaStatus(StrEnum):
    NEW = "new"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"
    DUPLICATE = "duplicate"


class Idea(Model):
    """An idea on the club's board: a thread of its ideas circle, with its votes (the count the board sorts by),
    its public status, the idea it duplicates, and the complaint numbers it comes from."""

    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[Thread] = fields.OneToOneField(
        "core.Thread", related_name=False, on_delete=fields.CASCADE
    )
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(IdeaStatus, max_length=16, default=IdeaStatus.NEW)
    votes = fields.IntField(default=0)
    duplicate_of: fields.ForeignKeyNullableRelation[Idea] = fields.ForeignKeyField(
        "customer_club.Idea", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    complaints: fields.JSONField[list[str]] = fields.JSONField(default=list)  # case numbers
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        thread_id: int
        club_id: int
        duplicate_of_id: int | None

    class Meta:
        table = "club_ideas"


class IdeaVote(Model):
    id = fields.IntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "customer_club.Idea", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int

    class Meta:
        table = "club_idea_votes"
        unique_together = (("idea", "user"),)


class Gate(Model):
    """A level a member must have reached to order a product, join a group buy or apply for a trial of the club's
    shop (``kind``: ``product``, ``group_buy``, ``trial``; ``ref``: its id)."""

    id = fields.IntField(primary_key=True)
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16)
    ref = fields.IntField()
    min_level = fields.IntField()  # a level's position

    class Meta:
        table = "club_gates"
        unique_together = (("club", "kind", "ref"),)


class HelpfulMark(Model):
    """A reply in one of the club's circles that the thread's author (or a moderator) marked helpful: once a post."""

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "core.Post", related_name=False, on_delete=fields.CASCADE
    )
    club: fields.ForeignKeyRelation[Club] = fields.ForeignKeyField(
        "customer_club.Club", related_name=False, on_delete=fields.CASCADE
    )
    by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "club_helpful_marks"
