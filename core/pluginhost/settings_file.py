"""plugins.toml: which plugins are enabled and their settings. Read strictly; written back with its comments."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomlkit

from core.contract.manifest import PluginManifest
from core.errors import ConfigError


def read(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {name}: each plugin is a table, e.g. [{name}] then enabled = true")
    return data


def validate(
    path: Path, data: dict[str, dict[str, Any]], installed: dict[str, PluginManifest]
) -> dict[str, dict[str, Any]]:
    """The settings of every plugin (defaults filled in); ConfigError naming the file and key of the first mistake."""
    settings: dict[str, dict[str, Any]] = {}
    for name, table in data.items():
        manifest = installed.get(name)
        if manifest is None:
            known = ", ".join(sorted(installed)) or "none"
            raise ConfigError(f"{path}: [{name}]: no such plugin is installed (installed: {known})")
        for key, value in table.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise ConfigError(f"{path}: [{name}] enabled: expected true or false, got {value!r}")
                continue
            setting = manifest.setting(key)
            if setting is None:
                known = ", ".join(s.name for s in manifest.settings) or "none"
                raise ConfigError(f"{path}: [{name}] {key}: the plugin has no such setting (settings: {known})")
            if reason := setting.check(value):
                raise ConfigError(f"{path}: [{name}] {key}: {reason}")
    for name, manifest in installed.items():
        table = data.get(name, {})
        settings[name] = {setting.name: table.get(setting.name, setting.default) for setting in manifest.settings}
    return settings


def enabled_names(data: dict[str, dict[str, Any]]) -> list[str]:
    return [name for name, table in data.items() if table.get("enabled") is True]


def write(path: Path, name: str, values: dict[str, Any]) -> None:
    """Set keys of one plugin's table, keeping everything else in the file as it was (comments included)."""
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    if name not in document:
        document.add(tomlkit.nl())
        document.add(name, tomlkit.table())
    table = document[name]
    for key, value in values.items():
        table[key] = value
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
