"""What a plugin's folder registers by its layout, as Datasette finds a plugin's ``templates/`` and ``static/``: the
five registration hooks every plugin would otherwise write the same way. A plugin that implements one of these hooks
itself answers it its own way instead (a different layout, or nothing).

    models.py (+ migrations/)  register_models         ModelsApp(["<package>.models"], "<package>.migrations")
    api.py with ``router``     register_api_routes     [router]
    routes.py with ``routes``  register_routes         routes
    templates/                 register_template_dirs  [templates/]
    static/                    register_static_dir     static/
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from core.contract.kinds import ModelsApp

if TYPE_CHECKING:
    from core.pluginhost.host import InstalledPlugin


def _attribute(plugin: InstalledPlugin, module: str, name: str) -> Any:
    """``name`` of the plugin's module ``module`` when it has that module; None when it has not."""
    if not (plugin.folder / f"{module}.py").is_file():
        return None
    found = importlib.import_module(f"{plugin.package.__name__}.{module}")
    if not hasattr(found, name):
        raise AttributeError(f"{module}.py has no {name!r} to register (or implement the hook that registers it)")
    return getattr(found, name)


def _models(plugin: InstalledPlugin) -> ModelsApp | None:
    if not (plugin.folder / "models.py").is_file():
        return None
    package = plugin.package.__name__
    return ModelsApp(models=[f"{package}.models"], migrations=f"{package}.migrations")


def _api_routes(plugin: InstalledPlugin) -> list[Any] | None:
    router = _attribute(plugin, "api", "router")
    return [router] if router is not None else None


def _template_dirs(plugin: InstalledPlugin) -> list[Any] | None:
    return [plugin.folder / "templates"] if (plugin.folder / "templates").is_dir() else None


CONVENTION_MODULES = ("models", "api", "routes")  # imported when the plugin loads: one that fails, fails it
CONVENTIONS: dict[str, Callable[[InstalledPlugin], Any]] = {
    "register_models": _models,
    "register_api_routes": _api_routes,
    "register_routes": lambda plugin: _attribute(plugin, "routes", "routes"),
    "register_template_dirs": _template_dirs,
    "register_static_dir": lambda plugin: plugin.folder / "static" if (plugin.folder / "static").is_dir() else None,
}
