"""Finding plugins, enabling them, and calling their hooks safely."""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from core.config import ROOT, Config
from core.contract import hookspecs
from core.contract.manifest import PluginManifest
from core.errors import ConfigError, QuanziError
from core.pluginhost import settings_file

log = logging.getLogger("quanzi.plugins")

PLUGINS_DIR = ROOT / "plugins"
ENTRY_POINT_GROUP = "quanzi.plugins"
# The core's own features, registered through the same hooks as every plugin.
BUILTIN = (
    "core.access.hooks",
    "core.site.hooks",
    "core.accounts.hooks",
    "core.circles.hooks",
    "core.threads.hooks",
    "core.search.hooks",
    "core.notifications.hooks",
    "core.admin.hooks",
    "core.jobs.hooks",
    "core.mail.hooks",
)


@dataclass(frozen=True)
class InstalledPlugin:
    manifest: PluginManifest
    package: ModuleType
    origin: str  # "plugins/<name>" or the distribution that installed it

    @property
    def folder(self) -> Path:
        return Path(self.package.__file__ or "").parent


class PluginError(Exception):
    """A plugin failed while the application was being built; the message names it."""


def _load_package(module_name: str, origin: str) -> InstalledPlugin:
    package = importlib.import_module(module_name)
    manifest = getattr(package, "PLUGIN", None)
    if not isinstance(manifest, PluginManifest):
        raise ConfigError(f"{origin}: the package {module_name} has no PLUGIN = PluginManifest(...)")
    return InstalledPlugin(manifest, package, origin)


def discover(plugins_dir: Path = PLUGINS_DIR) -> dict[str, InstalledPlugin]:
    """Every installed plugin: folders under plugins/ and distributions with a ``quanzi.plugins`` entry point."""
    found: dict[str, InstalledPlugin] = {}
    if plugins_dir.is_dir():
        for child in sorted(plugins_dir.iterdir()):
            if (child / "__init__.py").exists():
                plugin = _load_package(f"plugins.{child.name}", f"plugins/{child.name}")
                if plugin.manifest.name != child.name:
                    raise ConfigError(
                        f"plugins/{child.name}: PLUGIN.name is {plugin.manifest.name!r}, not {child.name!r}"
                    )
                found[child.name] = plugin
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        origin = entry.dist.name if entry.dist else entry.value
        plugin = _load_package(entry.value, origin)
        if plugin.manifest.name in found:
            other = found[plugin.manifest.name].origin
            raise ConfigError(f"two plugins are named {plugin.manifest.name!r}: {other} and {origin}")
        found[plugin.manifest.name] = plugin
    return found


def _in_dependency_order(path: Path, enabled: list[str], installed: dict[str, InstalledPlugin]) -> list[str]:
    ordered: list[str] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise ConfigError(f"{path}: plugins require each other in a circle: {' -> '.join([*visiting, name])}")
        visiting.append(name)
        for required in installed[name].manifest.requires:
            if required not in installed:
                raise ConfigError(f"{path}: [{name}] requires the plugin {required!r}, which is not installed")
            if required not in enabled:
                raise ConfigError(f"{path}: [{name}] requires [{required}]: enable it too ({required}.enabled = true)")
            visit(required)
        visiting.pop()
        ordered.append(name)

    for name in enabled:
        visit(name)
    return ordered


class PluginHost:
    """The enabled plugins of one application, with their settings, and the only way hooks are called."""

    def __init__(self, config: Config, installed: dict[str, InstalledPlugin] | None = None) -> None:
        self.config = config
        self.installed = discover() if installed is None else installed
        data = settings_file.read(config.plugins_file)
        manifests = {name: plugin.manifest for name, plugin in self.installed.items()}
        self.settings = settings_file.validate(config.plugins_file, data, manifests)
        self.enabled = _in_dependency_order(config.plugins_file, settings_file.enabled_names(data), self.installed)
        self.pm = pluggy.PluginManager("quanzi")
        self.pm.add_hookspecs(hookspecs)
        for module_name in BUILTIN:
            self.pm.register(importlib.import_module(module_name), name=module_name)
        for name in self.enabled:
            package = self.installed[name].package
            try:
                hooks = importlib.import_module(f"{package.__name__}.hooks")
            except ModuleNotFoundError:
                hooks = package
            self.pm.register(hooks, name=name)
        self.pm.check_pending()
        for caller in self.pm.hook.__dict__.values():
            for impl in caller.get_hookimpls() if isinstance(caller, pluggy.HookCaller) else ():
                if impl.hookwrapper or impl.wrapper:
                    raise PluginError(f"plugin {impl.plugin_name!r}: hook wrappers are not supported ({caller.name})")
        self.actions = {
            action.name: action for _, offered in self.call_startup("register_actions") for action in offered
        }
        self.job_kinds = {kind.name: kind for _, offered in self.call_startup("register_job_kinds") for kind in offered}
        self.notification_kinds = {
            kind.name: kind for _, offered in self.call_startup("register_notification_kinds") for kind in offered
        }
        self.audiences = {
            audience.name: audience for _, offered in self.call_startup("register_audiences") for audience in offered
        }

    def models_apps(self) -> dict[str, dict[str, Any]]:
        """The Tortoise apps of the enabled plugins, by plugin name."""
        return {
            name: {"models": list(app.models), "migrations": app.migrations, "default_connection": "default"}
            for name, app in self.call_startup("register_models")
        }

    def plugin_settings(self, name: str) -> dict[str, Any]:
        return self.settings[name]

    def _implementations(self, hook: str) -> list[pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hook)
        # pluggy calls the last registered first; keep that order (tryfirst/trylast respected).
        return list(reversed(caller.get_hookimpls()))

    def _firstresult(self, hook: str) -> bool:
        spec = getattr(self.pm.hook, hook).spec
        return bool(spec and spec.opts.get("firstresult"))

    def call_startup(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a build-time hook: (plugin name, result) for each non-None result; a failure stops the start."""
        results = []
        for impl in self._implementations(hook):
            try:
                result = impl.function(**{name: kwargs[name] for name in impl.argnames})
            except Exception as error:
                raise PluginError(f"plugin {impl.plugin_name!r} failed in {hook}: {error!r}") from error
            if result is not None:
                results.append((impl.plugin_name, result))
                if self._firstresult(hook):
                    break
        return results

    async def call(self, hook: str, *, failed: Any = None, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook as its specification says (``firstresult``: up to the first answer that is not None),
        awaiting async implementations. One that raises is logged with its plugin and taken to have answered
        ``failed`` (None: no answer; ``check_permission`` passes False, so that a failing plugin refuses)."""
        results = []
        firstresult = self._firstresult(hook)
        for impl in self._implementations(hook):
            try:
                result = impl.function(**{name: kwargs[name] for name in impl.argnames})
                if inspect.isawaitable(result):
                    result = await result
            except QuanziError:
                raise  # an answer to the request (NotFound, Forbidden, ...), not a failure
            except Exception:
                outcome = "skipped" if failed is None else f"taken to answer {failed!r}"
                log.exception("plugin %r failed in hook %s; %s", impl.plugin_name, hook, outcome)
                result = failed
            if result is not None:
                results.append((impl.plugin_name, result))
                if firstresult:
                    break
        return results

    async def first(self, hook: str, **kwargs: Any) -> Any:
        """The answer of a ``firstresult`` hook, or None."""
        assert self._firstresult(hook), f"{hook} is not a firstresult hook"
        results = await self.call(hook, **kwargs)
        return results[0][1] if results else None
