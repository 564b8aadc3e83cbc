"""Circles and memberships: the only code that writes them."""

from __future__ import annotations

import re
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import sql
from core.access.actions import CIRCLE_CREATE, CIRCLE_JOIN, allowed
from core.access.circles import CircleAccess, circle_access
from core.access.scope import STAFF_ROLES, banned_error, forget_scope, require_actor, require_writer, scope_of
from core.accounts.models import User
from core.accounts.rows import Author
from core.circles.models import TINTS, Circle, JoinPolicy, MemberRole, Membership, MemberStatus
from core.circles.rows import CircleItem
from core.db import transaction
from core.errors import Conflict, Forbidden, Message, NotFound, ValidationError
from core.pagination import Page, paginate, paginate_sql
from core.pluginhost.running import emit
from core.uploads.models import Upload
from core.uploads.service import set_uses

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
NAME_MAX = 100
DESCRIPTION_MAX = 2000


def _validate(data: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "slug" in data and not SLUG.match(data["slug"]):
        errors["slug"] = Message("2 to 64 lowercase letters, digits or '-', not starting or ending with '-'.")
    if "name" in data:
        data["name"] = data["name"].strip()
        if not 1 <= len(data["name"]) <= NAME_MAX:
            errors["name"] = Message("A name has 1 to %(n)s characters.", n=NAME_MAX)
    if "description" in data and len(data["description"]) > DESCRIPTION_MAX:
        errors["description"] = Message("At most %(n)s characters.", n=DESCRIPTION_MAX)
    if data.get("tint", "") not in ("", *TINTS):
        errors["tint"] = Message("Choose one of the colours offered.")
    return errors


async def create_circle(viewer: User | None, data: dict[str, Any]) -> Circle:
    """Create a circle; its creator becomes its first owner."""
    user = require_writer(viewer)
    if not await allowed(CIRCLE_CREATE, user, None):
        raise Forbidden(Message("You may not create circles."))
    if errors := _validate(data):
        raise ValidationError(errors)
    try:
        async with transaction():
            circle = await Circle.create(**data, created_by=user, member_count=1)
            await Membership.create(circle=circle, user=user, role=MemberRole.OWNER, status=MemberStatus.ACTIVE)
    except IntegrityError:
        raise ValidationError({"slug": Message("This address is taken.")}) from None
    forget_scope(user)
    await emit("member_joined", circle=circle, user=user)
    return circle


async def access_by_slug(viewer: User | None, slug: str, *, invited_ok: bool = False) -> CircleAccess:
    """The circle at ``slug`` as ``viewer`` may reach it; NotFound when they may not see it."""
    row = await sql.fetch_one(f"SELECT {sql.columns(Circle, 'c')} FROM circles c WHERE c.slug = ?", slug)
    if row is None:
        raise NotFound(Message("No such circle."))
    access = await circle_access(viewer, sql.instance(Circle, row, "c"))
    if not (access.can_see_invitation if invited_ok else access.can_view):
        raise NotFound(Message("No such circle."))
    return access


async def first_members(circle: Circle, limit: int) -> list[Author]:
    """The circle's first ``limit`` active members (its page shows their faces)."""
    rows = await sql.fetch(
        "SELECT u.id, u.username, u.display_name, u.avatar FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE m.circle_id = ? AND m.status = ? ORDER BY m.id LIMIT ?",
        circle.id,
        MemberStatus.ACTIVE.value,
        limit,
    )
    return [Author(row["id"], row["username"], row["display_name"], row["avatar"]) for row in rows]


async def pending_count(circle: Circle) -> int:
    """How many ask to join the circle (its page shows its staff the count)."""
    row = await sql.fetch_one(
        "SELECT COUNT(*) AS n FROM memberships WHERE circle_id = ? AND status = ?",
        circle.id,
        MemberStatus.PENDING.value,
    )
    return int(row["n"]) if row else 0


async def circle_staff(circle: Circle) -> list[User]:
    """The circle's active owners and moderators (those its staff notices and a desk's cases go to)."""
    staff_ids = await Membership.filter(circle=circle, status=MemberStatus.ACTIVE, role__in=STAFF_ROLES).values_list(
        "user_id", flat=True
    )
    return list(await User.filter(id__in=list(staff_ids), suspended=False))


async def circle_members(circle: Circle) -> list[User]:
    """The circle's active members who are not suspended, by username (a plugin's segment of them, a notice)."""
    member_ids = Membership.filter(circle=circle, status=MemberStatus.ACTIVE).values_list("user_id", flat=True)
    return list(await User.filter(id__in=list(await member_ids), suspended=False).order_by("username"))


async def list_circles(viewer: User | None, cursor: str | None, limit: int) -> Page[Circle]:
    visible, params = (await scope_of(viewer)).circles_sql("c")
    return await paginate_sql(
        f"{sql.columns(Circle, 'c')} FROM circles c",
        visible,
        params,
        [("c.id", "id")],
        cursor,
        limit,
        lambda row: sql.instance(Circle, row, "c"),
    )


async def circle_items(viewer: User | None, limit: int) -> list[CircleItem]:
    """The first ``limit`` circles the viewer may see, as the home page lists them (shared by the requests that
    ask alike until the database changes, core/remembered.py)."""
    visible, params = (await scope_of(viewer)).circles_sql("c")
    page = await paginate_sql(
        f"{CircleItem.COLUMNS} FROM circles c",
        visible,
        params,
        [("c.id", "id")],
        None,
        limit,
        CircleItem.of,
        shared=True,
    )
    return page.items


async def update_circle(viewer: User | None, slug: str, changes: dict[str, Any]) -> Circle:
    access = await access_by_slug(viewer, slug)
    if not access.is_owner:
        raise Forbidden(Message("Only the circle's owners change its settings."))
    if errors := _validate(changes):
        raise ValidationError(errors)
    circle = access.circle
    try:
        await Circle.filter(id=circle.id).update(**changes)
    except IntegrityError:
        raise ValidationError({"slug": Message("This address is taken.")}) from None
    await circle.refresh_from_db()
    return circle


async def set_cover(viewer: User | None, slug: str, upload: Upload | None) -> Circle:
    """The circle's cover picture is now ``upload`` (seen by whoever sees the circle), or none (owners)."""
    access = await access_by_slug(viewer, slug)
    if not access.is_owner:
        raise Forbidden(Message("Only the circle's owners change its settings."))
    circle = access.circle
    async with transaction():
        await Circle.filter(id=circle.id).update(cover=upload.name if upload else "")
        await set_uses("circle_cover", circle.id, [upload.sha] if upload else [], circle_id=circle.id)
    circle.cover = upload.name if upload else ""
    return circle


async def join(viewer: User | None, slug: str) -> MemberStatus:
    """Join as the circle's policy allows: open circles at once, approval circles after a moderator's yes.

    An invitation is accepted by joining. A private circle that takes members only by invitation does not
    exist for anyone who was not invited.
    """
    user = require_actor(viewer)
    circle = await Circle.get_or_none(slug=slug)
    if circle is None:
        raise NotFound(Message("No such circle."))
    access = await circle_access(user, circle)
    if access.is_member:
        return MemberStatus.ACTIVE
    if access.is_invited:
        status = await _activate(access.membership)  # type: ignore[arg-type]
        forget_scope(user)
        return status
    if access.membership is not None:  # already asked
        return access.membership.status
    if (ban := access.ban) is not None:
        raise banned_error(ban)
    if not await allowed(CIRCLE_JOIN, user, circle):
        raise Forbidden(Message("You may not join this circle."))
    if circle.join_policy == JoinPolicy.INVITE:
        if not access.can_view:
            raise NotFound(Message("No such circle."))
        raise Forbidden(Message("This circle takes new members by invitation only."), code="invite_only")
    if circle.join_policy == JoinPolicy.APPROVAL and not access.scope.sees_all:
        if await _create_membership(circle, user, MemberStatus.PENDING):
            await emit("join_requested", circle=circle, user=user)
        return MemberStatus.PENDING
    await _create_membership(circle, user, MemberStatus.ACTIVE)
    return MemberStatus.ACTIVE


async def _create_membership(
    circle: Circle, user: User, status: MemberStatus, role: MemberRole = MemberRole.MEMBER
) -> bool:
    """Whether this request made it (not a parallel one)."""
    try:
        async with transaction():
            await Membership.create(circle=circle, user=user, status=status, role=role)
            if status == MemberStatus.ACTIVE:
                await Circle.filter(id=circle.id).update(member_count=F("member_count") + 1)
    except IntegrityError:
        return False  # a parallel request made the same membership
    forget_scope(user)
    if status == MemberStatus.ACTIVE:
        await emit("member_joined", circle=circle, user=user)
    return True


async def _activate(membership: Membership, role: MemberRole | None = None) -> MemberStatus:
    async with transaction():
        changed = (
            await Membership.filter(id=membership.id)
            .exclude(status=MemberStatus.ACTIVE)
            .update(status=MemberStatus.ACTIVE, role=role or membership.role)
        )
        if changed:
            await Circle.filter(id=membership.circle_id).update(member_count=F("member_count") + 1)
    if changed:
        await membership.fetch_related("circle", "user")
        await emit("member_joined", circle=membership.circle, user=membership.user)
    return MemberStatus.ACTIVE


async def admit(circle: Circle, user: User) -> bool:
    """Make ``user`` an active member of ``circle`` whatever its join policy, as a plugin decides (a membership fee
    paid, a campaign's sign-up); whether they were not one before. A member banned from it stays out."""
    if (await circle_access(user, circle)).ban is not None:
        return False
    membership = await Membership.get_or_none(circle_id=circle.id, user_id=user.id)
    if membership is None:
        return await _create_membership(circle, user, MemberStatus.ACTIVE)
    if membership.status == MemberStatus.ACTIVE:
        return False
    await _activate(membership)
    forget_scope(user)
    return True


async def dismiss(circle: Circle, user: User) -> bool:
    """Take ``user``'s plain membership of ``circle`` away, as a plugin decides (a membership fee lapsed); its owners
    and moderators keep theirs. Whether there was one to take."""
    membership = await Membership.get_or_none(circle_id=circle.id, user_id=user.id, role=MemberRole.MEMBER)
    if membership is None:
        return False
    await _remove(membership)
    forget_scope(user)
    return True


async def _owner_count(circle: Circle) -> int:
    return await Membership.filter(circle=circle, role=MemberRole.OWNER, status=MemberStatus.ACTIVE).count()


async def _remove(membership: Membership) -> None:
    async with transaction():
        removed = await Membership.filter(id=membership.id).delete()
        if removed and membership.status == MemberStatus.ACTIVE:
            await Circle.filter(id=membership.circle_id).update(member_count=F("member_count") - 1)
    if removed and membership.status == MemberStatus.ACTIVE:
        await membership.fetch_related("circle", "user")
        await emit("member_left", circle=membership.circle, user=membership.user)


async def leave(viewer: User | None, slug: str) -> None:
    """Leave the circle, withdraw one's request to join it, or decline an invitation."""
    user = require_actor(viewer)
    circle = await Circle.get_or_none(slug=slug)
    access = await circle_access(user, circle) if circle is not None else None
    membership = access.membership if access is not None else None
    if access is None or membership is None:
        if access is None or not access.can_view:
            raise NotFound(Message("No such circle."))
        return
    if (
        membership.role == MemberRole.OWNER
        and membership.status == MemberStatus.ACTIVE
        and await _owner_count(access.circle) == 1
    ):
        raise Conflict(Message("The last owner cannot leave; make someone else an owner first."), code="last_owner")
    await _remove(membership)
    forget_scope(user)


async def list_members(viewer: User | None, slug: str, status: str, cursor: str | None, limit: int) -> Page[Membership]:
    """Active members for everyone who sees the circle; pending and invited ones for its moderators."""
    access = await access_by_slug(viewer, slug)
    if status not in {s.value for s in MemberStatus}:
        raise ValidationError({"status": Message("One of: active, pending, invited.")})
    if status != MemberStatus.ACTIVE and not access.can_moderate:
        raise Forbidden(Message("Only the circle's moderators see requests and invitations."))
    query = Membership.filter(circle=access.circle, status=status).select_related("user")
    return await paginate(query, ["id"], cursor, limit)


async def set_member(viewer: User | None, slug: str, member: User, role: MemberRole) -> Membership:
    """Approve a request, invite someone, or change a member's role.

    Moderators approve and invite plain members; only owners (and site admins) hand out moderator and owner roles.
    """
    access = await access_by_slug(viewer, slug)
    if not access.can_moderate:
        raise Forbidden(Message("Only the circle's moderators manage its members."))
    if role != MemberRole.MEMBER and not access.is_owner:
        raise Forbidden(Message("Only the circle's owners appoint moderators and owners."))
    circle = access.circle
    membership = await Membership.get_or_none(circle=circle, user=member)
    if membership is None:
        if await _create_membership(circle, member, MemberStatus.INVITED, role):
            await emit("member_invited", circle=circle, user=member, by=access.viewer)
    elif membership.status == MemberStatus.PENDING:
        await _activate(membership, role)
        await emit("join_answered", circle=circle, user=member, approved=True, by=access.viewer)
    else:
        if not access.may_manage(membership):
            raise Forbidden(Message("Only the circle's owners change a moderator's or an owner's role."))
        if membership.role == MemberRole.OWNER and role != MemberRole.OWNER:
            if membership.status == MemberStatus.ACTIVE and await _owner_count(circle) == 1:
                raise Conflict(Message("A circle keeps at least one owner."), code="last_owner")
        await Membership.filter(id=membership.id).update(role=role)
    return await Membership.get(circle=circle, user=member).select_related("user")


async def remove_member(viewer: User | None, slug: str, member: User) -> None:
    """Remove a member, refuse a request or withdraw an invitation (or leave, for one's own name)."""
    if viewer is not None and member.id == viewer.id:
        return await leave(viewer, slug)
    access = await access_by_slug(viewer, slug)
    if not access.can_moderate:
        raise Forbidden(Message("Only the circle's moderators manage its members."))
    membership = await Membership.get_or_none(circle=access.circle, user=member)
    if membership is None:
        raise NotFound(Message("This person is not a member."))
    if not access.may_manage(membership):
        raise Forbidden(Message("Only owners remove moderators and owners."))
    if (
        membership.role == MemberRole.OWNER
        and membership.status == MemberStatus.ACTIVE
        and await _owner_count(access.circle) == 1
    ):
        raise Conflict(Message("A circle keeps at least one owner."), code="last_owner")
    await _remove(membership)
    if membership.status == MemberStatus.PENDING:
        await emit("join_answered", circle=access.circle, user=member, approved=False, by=access.viewer)
