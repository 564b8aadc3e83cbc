"""The access layer, registered through the plugin hooks: the core's own actions."""

from __future__ import annotations

from core.access.actions import CORE_ACTIONS, Action
from core.contract import hookimpl


@hookimpl
def register_actions() -> list[Action]:
    return CORE_ACTIONS
