"""What one viewer may see: a ``Scope``, computed once per request from the viewer's memberships.

The circle rule is stated here once, rendered four ways that a test holds against each other on a table of viewers
and circles: ``sees_circle`` (one circle), ``circles_sql`` (the plain SQL of the hot paths), ``circles_q`` (the ORM)
and ``visible_circle_ids`` (search's filter). An administrator sees everything; a suspended member reads like a guest.

What stops a member's writing is decided here too: a ban from a circle (``Scope.bans``: nothing they send to it is
taken) and silencing (``Scope.silenced``: nothing they write that others read, anywhere), each refused with its
reason (``banned_error``, ``check_not_silenced``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from tortoise.expressions import Q

from core import remembered, sql
from core.access.site import site_admin, site_staff
from core.accounts.models import User
from core.circles.models import Circle, MemberRole, Membership, MemberStatus, Visibility
from core.errors import Forbidden, Message, Unauthorized
from core.moderation.models import CircleBan
from core.times import now

STAFF_ROLES = (MemberRole.OWNER, MemberRole.MODERATOR)  # a circle's staff, the one definition (``Scope.staff_of``)
_MEMO = "_quanzi_scope"  # the scope kept on the request's viewer object: computed once per request


def acting(viewer: User | None) -> User | None:
    """The viewer as far as rights go: a suspended member reads like a guest."""
    return viewer if viewer is not None and not viewer.suspended else None


def require_actor(viewer: User | None) -> User:
    """The viewer, who must be signed in and not suspended to act."""
    if viewer is None:
        raise Unauthorized()
    if viewer.suspended:
        raise Forbidden(Message("This account is suspended."), code="suspended")
    return viewer


def is_silenced(user: User) -> bool:
    """Silenced by the site's staff (core.moderation): the member reads but writes nothing others read."""
    return user.silenced_until is not None and user.silenced_until > now()


def check_not_silenced(user: User) -> None:
    """Refuse (403 ``silenced``) what a silenced member writes for others to read."""
    if is_silenced(user) and user.silenced_until is not None:
        until = user.silenced_until.date().isoformat()
        message = Message("You are silenced until %(until)s: %(reason)s", reason=user.silence_reason, until=until)
        raise Forbidden(message, code="silenced")


def require_writer(viewer: User | None) -> User:
    """The viewer, who must be signed in, not suspended and not silenced to write what others read outside any
    circle (a circle, a profile, a flag); writing in a circle is ``CircleAccess.check_post``."""
    user = require_actor(viewer)
    check_not_silenced(user)
    return user


def banned_error(ban: CircleBan) -> Forbidden:
    """The refusal a member banned from a circle meets there (403 ``banned``), with the reason and the end."""
    until = f" ({ban.until.date().isoformat()})" if ban.until else ""
    return Forbidden(
        Message("You are banned from this circle%(until)s: %(reason)s", reason=ban.reason, until=until), code="banned"
    )


def is_public(circle: Circle) -> bool:
    """Is ``circle`` public: seen, with what is in it, by everyone, guests and search engines included?"""
    return circle.visibility == Visibility.PUBLIC


def _lasts(ban: CircleBan) -> bool:
    return ban.until is None or ban.until > now()


@dataclass(frozen=True)
class Scope:
    """What one viewer may see and where they act: the acting user, whether they see everything (a site
    administrator) or moderate every circle they see (a site moderator), their memberships and their bans (while
    they last) by circle."""

    user: User | None = None
    memberships: Mapping[int, Membership] = field(default_factory=dict)
    bans: Mapping[int, CircleBan] = field(default_factory=dict)

    @property
    def silenced(self) -> bool:
        return self.user is not None and is_silenced(self.user)

    @property
    def sees_all(self) -> bool:
        return site_admin(self.user)

    @property
    def moderates_all(self) -> bool:
        return site_staff(self.user)

    @cached_property
    def member_of(self) -> frozenset[int]:
        """The circles where the viewer is an active member."""
        return frozenset(cid for cid, m in self.memberships.items() if m.status == MemberStatus.ACTIVE)

    @cached_property
    def staff_of(self) -> frozenset[int]:
        """The circles where the viewer is an active owner or moderator (``STAFF_ROLES``)."""
        return frozenset(
            cid for cid, m in self.memberships.items() if m.status == MemberStatus.ACTIVE and m.role in STAFF_ROLES
        )

    def runs(self, circle_id: int) -> bool:
        """Is the viewer the staff of circle ``circle_id``: one of its owners or moderators, or an administrator?"""
        return self.sees_all or circle_id in self.staff_of

    # The circle rule, four ways -----------------------------------------------------------------------------------

    def sees_circle(self, circle: Circle) -> bool:
        """May the viewer see ``circle`` and what is in it?"""
        return is_public(circle) or self.sees_all or circle.id in self.member_of

    def circles_sql(self, alias: str) -> tuple[str, list[Any]]:
        """The rule as a condition on the circles table under ``alias`` (core/sql.py), with its parameters."""
        if self.sees_all:
            return "1 = 1", []
        ids = sorted(self.member_of)
        if not ids:
            return f"{alias}.visibility = ?", [Visibility.PUBLIC.value]
        return f"({alias}.visibility = ? OR {alias}.id IN ({sql.placeholders(len(ids))}))", [
            Visibility.PUBLIC.value,
            *ids,
        ]

    def circles_q(self, prefix: str = "") -> Q:
        """The rule as an ORM filter on circles; ``prefix`` reaches them from another model (``"thread__circle__"``)."""
        if self.sees_all:
            return Q()
        public: dict[str, Any] = {f"{prefix}visibility": Visibility.PUBLIC}
        member: dict[str, Any] = {f"{prefix}id__in": sorted(self.member_of)}
        return Q(Q(**public), Q(**member), join_type=Q.OR) if self.member_of else Q(**public)

    async def visible_circle_ids(self) -> frozenset[int] | None:
        """The ids of the circles the viewer sees (search filters its index by them); None for one who sees all."""
        if self.sees_all:
            return None
        condition, params = self.circles_sql("c")
        return frozenset(row["id"] for row in await sql.fetch(f"SELECT c.id FROM circles c WHERE {condition}", *params))

    def audience_keys(self) -> frozenset[str]:
        """The audiences the viewer belongs to, as search documents name them (``core.access.audience``):
        ``user:3``, ``circle_member:7``, ``circle_staff:7``."""
        if self.user is None:
            return frozenset()
        keys = {f"user:{self.user.id}"}
        keys.update(f"circle_member:{cid}" for cid in self.member_of)
        keys.update(f"circle_staff:{cid}" for cid in self.staff_of)
        return frozenset(keys)


GUEST = Scope()


def _nulls(model: type[Membership | CircleBan], alias: str) -> str:
    return ", ".join(f"NULL AS {alias}__{column}" for column in sorted(model._meta.db_fields))


@cache
def _memberships_and_bans() -> str:
    """A member's memberships and bans in one statement (every page asks: one round trip instead of two); made
    once the models are set up, when their foreign keys have columns."""
    return (
        f"SELECT 'm' AS kind, {sql.columns(Membership, 'm')}, {_nulls(CircleBan, 'b')} FROM memberships m "
        f"WHERE m.user_id = ? UNION ALL SELECT 'b', {_nulls(Membership, 'm')}, {sql.columns(CircleBan, 'b')} "
        "FROM circle_bans b WHERE b.user_id = ?"
    )


async def _read_memberships_and_bans(user_id: int) -> tuple[Mapping[int, Membership], tuple[CircleBan, ...]]:
    rows = await sql.fetch(_memberships_and_bans(), user_id, user_id)
    memberships = {row["m__circle_id"]: sql.instance(Membership, row, "m") for row in rows if row["kind"] == "m"}
    return memberships, tuple(sql.instance(CircleBan, row, "b") for row in rows if row["kind"] == "b")


async def scope_of(viewer: User | None) -> Scope:
    """The viewer's scope: a query for a member's memberships and bans, made once per viewer object (a request's)
    and remembered until the database changes (core/remembered.py: shared, never to be changed)."""
    user = acting(viewer)
    if user is None:
        return GUEST
    memo: Scope | None = user.__dict__.get(_MEMO)
    if memo is not None:
        return memo
    memberships, bans = await remembered.recall("scope", user.id, lambda: _read_memberships_and_bans(user.id))
    scope = Scope(user=user, memberships=memberships, bans={ban.circle_id: ban for ban in bans if _lasts(ban)})
    user.__dict__[_MEMO] = scope
    return scope


def forget_scope(user: User) -> None:
    """The member's memberships or bans changed: compute their scope again when next asked."""
    user.__dict__.pop(_MEMO, None)
