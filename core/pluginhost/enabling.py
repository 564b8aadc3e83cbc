"""Switching a plugin on or off, or setting its settings, as ``server.py plugins enable|disable`` and the admin
area do: in the site's database, which every machine follows (core/pluginhost/stored.py), and in this machine's
plugins.toml."""

from __future__ import annotations

from typing import Any

from core.config import Config
from core.db import database, run_migrations
from core.errors import ConfigError
from core.pluginhost import settings_file, stored
from core.pluginhost.host import BrokenPlugin, PluginHost, discover


async def enable_plugin(config: Config, name: str) -> str:
    """Enable ``name`` and apply its migrations; refused while a plugin it requires is off, or while it is broken.
    The plugins' state it leaves (``stored.fingerprint``)."""
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
    enabled = enabled_now(config)
    missing = [required for required in installed[name].manifest.requires if required not in enabled]
    if missing:
        raise ConfigError(f"{name} requires {', '.join(missing)}: enable that first")
    await run_migrations(config, PluginHost(config, installed, enabling=name).models_apps())
    return await set_state(config, name, {"enabled": True})


async def disable_plugin(config: Config, name: str) -> str:
    """Disable ``name`` (its data and settings stay); refused while an enabled plugin requires it. The plugins'
    state it leaves."""
    installed = discover()
    dependents = [
        other for other in enabled_now(config) if other in installed and name in installed[other].manifest.requires
    ]
    if dependents:
        raise ConfigError(f"{', '.join(dependents)} require {name}: disable them first")
    return await set_state(config, name, {"enabled": False})


async def set_state(config: Config, name: str, values: dict[str, Any]) -> str:
    """Set keys of one plugin's state (``enabled``, settings) in the database and in plugins.toml; the plugins'
    state it leaves."""
    from_file = settings_file.read(config.plugins_file).get(name, {})
    settings_file.write(config.plugins_file, name, values)
    async with database(config):
        await stored.store(name, values, from_file)
        return stored.fingerprint(await stored.read())


def enabled_now(config: Config) -> list[str]:
    """The plugins enabled now: plugins.toml's, with the database's state over it (read once, outside of the ORM:
    a new site's database may not have the table yet)."""
    return settings_file.enabled_names(stored.state_now(config))
