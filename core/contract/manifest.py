"""What a plugin says about itself: name, version, requirements and settings. Its title, description and the
labels and descriptions of its settings may be ``core.errors.Message``s, shown translated in the admin area (from
the plugin's own catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SETTING_TYPES: dict[type, str] = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


@dataclass(frozen=True)
class Setting:
    """A setting a plugin declares; its value comes from the plugin's table in plugins.toml."""

    name: str
    type: type
    default: Any
    description: str = ""
    choices: tuple[Any, ...] = ()
    label: str = ""  # what the admin area calls it (the name when empty)

    def __post_init__(self) -> None:
        assert self.type in SETTING_TYPES, f"setting {self.name}: type must be one of bool, int, float, str"

    def check(self, value: Any) -> str | None:
        """Why ``value`` cannot be this setting's value, or None."""
        expected = self.type is float and isinstance(value, int) and not isinstance(value, bool)
        if not (expected or (isinstance(value, self.type) and (self.type is bool or not isinstance(value, bool)))):
            return f"expected {SETTING_TYPES[self.type]}, got {value!r}"
        if self.choices and value not in self.choices:
            return f"expected one of {', '.join(map(repr, self.choices))}, got {value!r}"
        return None


@dataclass(frozen=True)
class PluginManifest:
    """Declared as ``PLUGIN`` in a plugin package's ``__init__.py``."""

    name: str
    version: str
    description: str = ""
    requires: tuple[str, ...] = ()
    settings: tuple[Setting, ...] = field(default=())
    title: str = ""  # what the admin area calls it (the name when empty)

    def setting(self, name: str) -> Setting | None:
        return next((setting for setting in self.settings if setting.name == name), None)
