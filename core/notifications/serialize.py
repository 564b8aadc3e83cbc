"""Notifications as the API shows them."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import user_ref
from core.contract.kinds import NotificationKind
from core.notifications.rows import NotificationItem


def notification_json(notification: NotificationItem, kinds: dict[str, NotificationKind]) -> dict[str, Any]:
    actor = notification.actor
    kind = kinds.get(notification.kind)
    params = {
        "actor": actor.display_name or actor.username if actor else "",
        "title": notification.title,
        "count": notification.count,
    }
    thread = notification.thread_id
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": str(kind.sentence(notification.count)) % params if kind else "",
        "count": notification.count,
        "actor": user_ref(actor) if actor else None,
        "thread": {"id": thread, "title": notification.title} if thread is not None else None,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }
