"""Switching a plugin on or off in plugins.toml, as ``server.py plugins enable|disable`` and the admin area do."""

from __future__ import annotations

from core.config import Config
from core.db import run_migrations
from core.errors import ConfigError
from core.pluginhost import settings_file
from core.pluginhost.host import BrokenPlugin, PluginHost, discover


async def enable_plugin(config: Config, name: str) -> None:
    """Enable ``name`` in plugins.toml and apply its migrations; refused while a plugin it requires is off, or while
    it is broken."""
    broken: dict[str, BrokenPlugin] = {}
    installed = discover(broken=broken)
    if name in installed:
        try:
            installed[name].load()
        except Exception as error:
            broken[name] = BrokenPlugin(name, installed[name].origin, f"{type(error).__name__}: {error}")
    if name in broken:
        raise ConfigError(f"{name} cannot be loaded: {broken[name].error}")
    if name not in installed:
        raise ConfigError(
            f"no plugin named {name!r} is installed (installed: {', '.join(sorted(installed)) or 'none'})"
        )
    enabled = settings_file.enabled_names(settings_file.read(config.plugins_file))
    missing = [required for required in installed[name].manifest.requires if required not in enabled]
    if missing:
        raise ConfigError(f"{name} requires {', '.join(missing)}: enable that first")
    settings_file.write(config.plugins_file, name, {"enabled": True})
    await run_migrations(config, PluginHost(config, installed).models_apps())


def disable_plugin(config: Config, name: str) -> None:
    """Disable ``name`` in plugins.toml (its data and settings stay); refused while an enabled plugin requires it."""
    installed = discover()
    enabled = settings_file.enabled_names(settings_file.read(config.plugins_file))
    dependents = [other for other in enabled if other in installed and name in installed[other].manifest.requires]
    if dependents:
        raise ConfigError(f"{', '.join(dependents)} require {name}: disable them first")
    settings_file.write(config.plugins_file, name, {"enabled": False})
