"""Circles and memberships as the JSON API shows them."""

from __future__ import annotations

from typing import Any

from core.access.circles import CircleAccess
from core.accounts.serialize import user_ref
from core.circles.models import Circle, Membership


def circle_json(circle: Circle, access: CircleAccess | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": circle.slug,
        "name": circle.name,
        "description": circle.description,
        "visibility": circle.visibility.value,
        "join_policy": circle.join_policy.value,
        "member_count": circle.member_count,
        "thread_count": circle.thread_count,
        "created_at": circle.created_at.isoformat(),
        "last_activity_at": circle.last_activity_at.isoformat() if circle.last_activity_at else None,
        "url": f"/c/{circle.slug}",
        "tint": circle.tint,
        "review_newcomers": circle.review_newcomers,
        "cover_url": f"/uploads/{circle.cover}" if circle.cover else None,
    }
    if access is not None:
        membership = access.membership
        data["membership"] = {"role": membership.role.value, "status": membership.status.value} if membership else None
        data["can_post"] = access.can_post
        data["can_moderate"] = access.can_moderate
    return data


def membership_json(membership: Membership) -> dict[str, Any]:
    return {
        "user": user_ref(membership.user),
        "role": membership.role.value,
        "status": membership.status.value,
        "since": membership.created_at.isoformat(),
    }
