"""Actions that plugins may refuse: named objects, registered by the core and by plugins (``register_actions``),
checked with ``allowed``. Every ``check_permission`` implementation is asked; any False refuses, and one that
raises refuses too: a failing plugin never opens a door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.accounts.models import User
from core.pluginhost import running


@dataclass(frozen=True)
class Action:
    """Something a member does that plugins may refuse (``check_permission``): its name (``"thread.create"``) and
    what it is, for the plugin guide and the admin area."""

    name: str
    description: str


THREAD_CREATE = Action("thread.create", "start a thread in a circle (target: the circle)")
POST_CREATE = Action("post.create", "reply in a thread (target: the thread)")
POST_EDIT = Action("post.edit", "edit a post (target: the post)")
CIRCLE_JOIN = Action("circle.join", "join or ask to join a circle (target: the circle)")
CIRCLE_CREATE = Action("circle.create", "create a circle (target: None)")
CORE_ACTIONS = [THREAD_CREATE, POST_CREATE, POST_EDIT, CIRCLE_JOIN, CIRCLE_CREATE]


async def allowed(action: Action, user: User | None, target: Any) -> bool:
    """False when a plugin refuses ``action`` (or fails while deciding); the core's own rules are checked first,
    by the caller."""
    host = running.active()
    if host is None:
        return True
    assert action.name in host.actions, f"the action {action.name!r} is not registered (register_actions)"
    answers = await host.call("check_permission", failed=False, action=action.name, user=user, target=target)
    return all(answer is not False for _, answer in answers)
