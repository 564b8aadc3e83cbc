"""The public interface for plugin developers: ``from core.plugins import hookimpl, PluginManifest, ...``."""

from __future__ import annotations

import pluggy

from core.plugins.kinds import (
    ContentKind,
    ModelsApp,
    NotificationKind,
    PerPost,
    Scenario,
    ScenarioContext,
    SearchDocument,
    SearchSource,
    Slot,
    SlotContent,
)
from core.plugins.manifest import PluginManifest, Setting

hookimpl = pluggy.HookimplMarker("quanzi")

__all__ = [
    "ContentKind",
    "ModelsApp",
    "NotificationKind",
    "PerPost",
    "PluginManifest",
    "Scenario",
    "ScenarioContext",
    "SearchDocument",
    "SearchSource",
    "Setting",
    "Slot",
    "SlotContent",
    "hookimpl",
]
