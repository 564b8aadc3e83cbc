"""Who may see and do what: the one place that decides.

Every list of content (circles, threads, posts, activity, search, feeds) is filtered with ``visible_circles``
(``visible_circles_sql`` for the lists read with plain SQL), and every single object is reached through
``circle_access``; what a viewer may not see is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from core import sql
from core.accounts.models import Role, User
from core.circles.models import Circle, JoinPolicy, MemberRole, Membership, MemberStatus, Visibility
from core.errors import Forbidden, Message, Unauthorized


def acting(viewer: User | None) -> User | None:
    """The viewer as far as rights go: a suspended member reads like a guest."""
    return viewer if viewer is not None and not viewer.suspended else None


def require_actor(viewer: User | None) -> User:
    """The viewer, who must be signed in and not suspended to write."""
    if viewer is None:
        raise Unauthorized()
    if viewer.suspended:
        raise Forbidden(Message("This account is suspended."), code="suspended")
    return viewer


async def member_circle_ids(viewer: User | None) -> list[int]:
    user = acting(viewer)
    if user is None:
        return []
    rows = await sql.fetch(
        "SELECT circle_id FROM memberships WHERE user_id = ? AND status = ?", user.id, MemberStatus.ACTIVE.value
    )
    return [row["circle_id"] for row in rows]


async def visible_circles(viewer: User | None, prefix: str = "") -> Q:
    """A filter for the circles ``viewer`` may see; ``prefix`` reaches them from another model ("circle__")."""
    user = acting(viewer)
    if user is not None and user.role == Role.ADMIN:
        return Q()
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    ids = await member_circle_ids(user)
    if not ids:
        return public
    return public | Q(**{f"{prefix}id__in": ids})


async def visible_circles_sql(viewer: User | None, circles: str) -> tuple[str, list[Any]]:
    """``visible_circles`` for plain SQL (core/sql.py): a condition on the circles table (under the alias
    ``circles``) and its parameters."""
    user = acting(viewer)
    if user is not None and user.role == Role.ADMIN:
        return "1 = 1", []
    ids = await member_circle_ids(user)
    if not ids:
        return f"{circles}.visibility = ?", [Visibility.PUBLIC.value]
    condition = f"({circles}.visibility = ? OR {circles}.id IN ({sql.placeholders(len(ids))}))"
    return condition, [Visibility.PUBLIC.value, *ids]


@dataclass(frozen=True)
class CircleAccess:
    """What one viewer may do in one circle."""

    circle: Circle
    viewer: User | None
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == MemberStatus.ACTIVE

    @property
    def is_invited(self) -> bool:
        return self.membership is not None and self.membership.status == MemberStatus.INVITED

    @property
    def is_admin(self) -> bool:
        user = acting(self.viewer)
        return user is not None and user.role == Role.ADMIN

    @property
    def can_view(self) -> bool:
        return self.circle.visibility == Visibility.PUBLIC or self.is_admin or self.is_member

    @property
    def can_see_invitation(self) -> bool:
        """An invited member may see a private circle's name and description, to accept."""
        return self.can_view or self.is_invited

    @property
    def circle_role(self) -> MemberRole | None:
        return self.membership.role if self.is_member and self.membership else None

    @property
    def is_owner(self) -> bool:
        return self.is_admin or self.circle_role == MemberRole.OWNER

    @property
    def can_moderate(self) -> bool:
        user = acting(self.viewer)
        if user is None or not self.can_view:
            return False
        return user.role in (Role.ADMIN, Role.MODERATOR) or self.circle_role in (MemberRole.OWNER, MemberRole.MODERATOR)

    @property
    def can_post(self) -> bool:
        """Members post; in a public circle open to all, every signed-in member of the site does."""
        if acting(self.viewer) is None or not self.can_view:
            return False
        open_to_all = self.circle.visibility == Visibility.PUBLIC and self.circle.join_policy == JoinPolicy.OPEN
        return self.is_member or open_to_all or self.can_moderate

    def may_edit(self, author_id: int) -> bool:
        """Authors edit their own writing; moderators edit everything in their circle."""
        user = acting(self.viewer)
        return user is not None and self.can_view and (user.id == author_id or self.can_moderate)


async def circle_access(viewer: User | None, circle: Circle) -> CircleAccess:
    membership = None
    if viewer is not None:
        row = await sql.fetch_one(
            f"SELECT {sql.columns(Membership, 'm')} FROM memberships m WHERE m.circle_id = ? AND m.user_id = ?",
            circle.id,
            viewer.id,
        )
        membership = sql.instance(Membership, row, "m") if row else None
    return CircleAccess(circle=circle, viewer=viewer, membership=membership)
