"""Members as the JSON API shows them."""

from __future__ import annotations

from typing import Any

from core.accounts.models import User
from core.accounts.names import has_address
from core.accounts.rows import Named


def user_ref(user: Named) -> dict[str, Any]:
    """How another object names a member."""
    return {"username": user.username, "display_name": user.display_name or user.username}


def profile_json(user: User, counts: tuple[int, int] | None = None) -> dict[str, Any]:
    """A member's profile; ``counts``: their threads and posts that the viewer may see (the stored counters when
    it is the member themselves)."""
    thread_count, post_count = counts if counts is not None else (user.thread_count, user.post_count)
    return {
        **user_ref(user),
        "bio": user.bio,
        "location": user.location,
        "website": user.website,
        "avatar_url": f"/uploads/{user.avatar}" if user.avatar else f"/u/{user.username}/avatar.svg",
        "role": user.role.value,
        "suspended": user.suspended,
        "created_at": user.created_at.isoformat(),
        "thread_count": thread_count,
        "post_count": post_count,
    }


def me_json(user: User) -> dict[str, Any]:
    """The signed-in member's own view: the profile plus what only they see."""
    return {
        **profile_json(user),
        "id": user.id,
        "email": user.email if has_address(user.email) else "",  # "": an account made by phone, with none yet
        "email_verified": user.email_verified,
        "has_password": bool(user.password_hash),
        "locale": user.locale,
        "messages_from": user.messages_from,
    }
