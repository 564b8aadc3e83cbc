"""The site's own roles: its administrators (who see and run everything) and its staff (its moderators and
administrators, who moderate every circle they see and are trusted as writers), and what each may do to another
member's account. A suspended member holds no role while suspended."""

from __future__ import annotations

from core.accounts.models import Role, User

STAFF_ROLES = (Role.ADMIN, Role.MODERATOR)


def site_admin(viewer: User | None) -> bool:
    """Is the viewer one of the site's administrators?"""
    return viewer is not None and not viewer.suspended and viewer.role == Role.ADMIN


def site_staff(viewer: User | None) -> bool:
    """Is the viewer one of the site's staff (a moderator or an administrator)?"""
    return viewer is not None and not viewer.suspended and viewer.role in STAFF_ROLES


def may_suspend(actor: User, member: User) -> bool:
    """The site's staff suspend and reinstate members; only an administrator another staff member; nobody
    themselves."""
    return site_staff(actor) and member.id != actor.id and (member.role not in STAFF_ROLES or site_admin(actor))


def may_silence(actor: User, member: User) -> bool:
    """The site's staff silence members, never one of their own."""
    return site_staff(actor) and member.role not in STAFF_ROLES
