"""Notifications as the API shows them."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import user_ref
from core.notifications.models import Notification
from core.plugins.kinds import NotificationKind


def notification_json(notification: Notification, kinds: dict[str, NotificationKind]) -> dict[str, Any]:
    actor = notification.actor
    kind = kinds.get(notification.kind)
    params = {"actor": actor.display_name or actor.username if actor else "", "title": notification.thread.title}
    post = notification.post_id
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": str(kind.text) % params if kind else "",
        "actor": user_ref(actor) if actor else None,
        "thread": {"id": notification.thread.id, "title": notification.thread.title},
        "url": f"/p/{post}" if post else f"/t/{notification.thread.id}",
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }
