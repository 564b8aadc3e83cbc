"""Who may see what the core's own notifications are about: a circle's staff, its members, a member's own
account (``notify_about`` checks them when the list is shown)."""

from __future__ import annotations

from core.access.audience import Audience

CIRCLE_STAFF = Audience("core.circle_staff", "circles", circle_staff=("id",))
CIRCLE_MEMBERS = Audience("core.circle_members", "circles", circle_member=("id",))
ACCOUNT = Audience("core.account", "users", user=("id",))
