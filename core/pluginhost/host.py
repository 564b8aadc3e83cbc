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
from core.contract.kinds import ALIKE_ATTRIBUTE, SLOTS_ATTRIBUTE
from core.contract.manifest import PluginManifest
from core.errors import ConfigError, QuanziError
from core.pluginhost import settings_file, stored
from core.pluginhost.conventions import CONVENTION_MODULES, CONVENTIONS

log = logging.getLogger("quanzi.plugins")

PLUGINS_DIR = ROOT / "plugins"
ENTRY_POINT_GROUP = "quanzi.plugins"
# The hook specifications and the core's own features, which register through the same hooks as every plugin: all
# of them sit above the host (they name the models, the access layer and the web's types), so it loads them by name.
HOOKSPECS = "core.contract.hookspecs"
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
    "core.sms.hooks",
    "core.push.hooks",
    "core.wechat_messages.hooks",
    "core.uploads.hooks",
    "core.moderation.hooks",
    "core.messages.hooks",
    "core.chat.hooks",
)


@dataclass(frozen=True)
class InstalledPlugin:
    manifest: PluginManifest
    package: ModuleType
    origin: str  # "plugins/<name>" or the distribution that installed it

    @property
    def folder(self) -> Path:
        return Path(self.package.__file__ or "").parent

    def hooks_module(self) -> ModuleType:
        """Its ``hooks`` module, or the package itself when it has none; an error inside it goes to the caller."""
        name = f"{self.package.__name__}.hooks"
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name not in (name, self.package.__name__):  # its hooks import something missing: broken
                raise
            return self.package

    def load(self) -> ModuleType:
        """Import what the host will call: its hooks module and the modules its layout registers
        (``core.pluginhost.conventions``); an error inside them goes to the caller. Its hooks module."""
        hooks = self.hooks_module()
        for module in CONVENTION_MODULES:
            if (self.folder / f"{module}.py").is_file():
                importlib.import_module(f"{self.package.__name__}.{module}")
        return hooks


class PluginError(Exception):
    """A plugin failed while the application was being built; the message names it."""


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin that could not be loaded (a broken import, a missing manifest): skipped, and shown with its error
    in ``plugins list`` and the admin area, where it can be disabled."""

    name: str
    origin: str
    error: str


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _skip(broken: dict[str, BrokenPlugin] | None, name: str, origin: str, error: BaseException | str) -> None:
    message = error if isinstance(error, str) else _describe(error)
    log.error(
        "plugin %s (%s) is broken and was skipped: %s. To switch it off: python server.py plugins disable %s",
        name,
        origin,
        message,
        name,
    )
    if broken is not None:
        broken[name] = BrokenPlugin(name, origin, message)


def _load_package(module_name: str, origin: str) -> InstalledPlugin:
    package = importlib.import_module(module_name)
    manifest = getattr(package, "PLUGIN", None)
    if not isinstance(manifest, PluginManifest):
        raise ConfigError(f"{origin}: the package {module_name} has no PLUGIN = PluginManifest(...)")
    return InstalledPlugin(manifest, package, origin)


def discover(
    plugins_dir: Path = PLUGINS_DIR, broken: dict[str, BrokenPlugin] | None = None
) -> dict[str, InstalledPlugin]:
    """Every installed plugin: folders under plugins/ and distributions with a ``quanzi.plugins`` entry point. One
    that cannot be imported is logged, skipped and named in ``broken``, so that the rest (and the commands that
    repair plugins.toml) still work."""
    found: dict[str, InstalledPlugin] = {}
    if plugins_dir.is_dir():
        for child in sorted(plugins_dir.iterdir()):
            if (child / "__init__.py").exists():
                origin = f"plugins/{child.name}"
                try:
                    plugin = _load_package(f"plugins.{child.name}", origin)
                except Exception as error:  # any error of its code: the plugin is broken, not the site
                    _skip(broken, child.name, origin, error)
                    continue
                if plugin.manifest.name != child.name:
                    _skip(broken, child.name, origin, f"PLUGIN.name is {plugin.manifest.name!r}, not {child.name!r}")
                    continue
                found[child.name] = plugin
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        origin = entry.dist.name if entry.dist else entry.value
        try:
            plugin = _load_package(entry.value, origin)
        except Exception as error:
            _skip(broken, entry.name, origin, error)
            continue
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

    def __init__(
        self, config: Config, installed: dict[str, InstalledPlugin] | None = None, enabling: str | None = None
    ) -> None:
        """The plugins the site has enabled; with ``enabling``, that one too (to apply its migrations first)."""
        self.config = config
        self.broken: dict[str, BrokenPlugin] = {}
        self.installed = discover(broken=self.broken) if installed is None else installed
        self.stored = stored.read_now(config)
        data = self._with_stored(settings_file.read(config.plugins_file))
        if enabling is not None:
            data[enabling] = {**data.get(enabling, {}), "enabled": True}
        manifests = {name: plugin.manifest for name, plugin in self.installed.items()}
        kept = {name: table for name, table in data.items() if name not in self.broken}
        self.settings = settings_file.validate(config.plugins_file, kept, manifests)
        enabled = self._loadable(settings_file.enabled_names(kept))
        self.enabled = _in_dependency_order(config.plugins_file, enabled, self.installed)
        self.pm = pluggy.PluginManager("quanzi")
        self._kept_implementations: dict[
            tuple[str, str | None, bool | None], tuple[list[pluggy.HookImpl], list[pluggy.HookImpl]]
        ] = {}
        self.pm.add_hookspecs(importlib.import_module(HOOKSPECS))
        for module_name in BUILTIN:
            self.pm.register(importlib.import_module(module_name), name=module_name)
        for name in self.enabled:
            self.pm.register(self.installed[name].hooks_module(), name=name)
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
        self.notification_channels = {
            channel.name: channel
            for _, offered in self.call_startup("register_notification_channels")
            for channel in offered
        }
        self.sign_in_methods = {
            method.name: method for _, offered in self.call_startup("register_sign_in_methods") for method in offered
        }
        self.audiences = {
            audience.name: audience for _, offered in self.call_startup("register_audiences") for audience in offered
        }

    def _with_stored(self, from_file: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """plugins.toml's tables with the database's state over them, key by key (core/pluginhost/stored.py). A
        plugin enabled there that is not installed on this machine is broken here."""
        for name, table in self.stored.items():
            if name not in self.installed and table.get("enabled") and name not in self.broken:
                _skip(self.broken, name, "the site's database", "enabled there, but not installed on this machine")
        return stored.over(from_file, {name: table for name, table in self.stored.items() if name in self.installed})

    def _loadable(self, enabled: list[str]) -> list[str]:
        """The enabled plugins that load, each with the plugins it requires; the others are skipped as broken."""
        loadable: list[str] = []
        for name in enabled:
            plugin = self.installed.get(name)
            if plugin is None:
                continue  # broken at import: already named
            try:
                plugin.load()
            except Exception as error:
                _skip(self.broken, name, plugin.origin, error)
                continue
            loadable.append(name)
        changed = True
        while changed:  # a plugin that requires a broken one cannot run either
            changed = False
            for name in list(loadable):
                missing = [needed for needed in self.installed[name].manifest.requires if needed in self.broken]
                if missing:
                    _skip(
                        self.broken,
                        name,
                        self.installed[name].origin,
                        f"it requires {', '.join(missing)}, which is broken",
                    )
                    loadable.remove(name)
                    changed = True
        return loadable

    def models_apps(self) -> dict[str, dict[str, Any]]:
        """The Tortoise apps of the enabled plugins, by plugin name."""
        return {
            name: {"models": list(app.models), "migrations": app.migrations, "default_connection": "default"}
            for name, app in self.call_startup("register_models")
        }

    def plugin_settings(self, name: str) -> dict[str, Any]:
        return self.settings[name]

    def _implementations(self, hook: str, slot: str | None = None, alike: bool | None = None) -> list[pluggy.HookImpl]:
        """The implementations of ``hook`` in the order pluggy calls them (the last registered first; tryfirst and
        trylast respected); for ``render_slot``, those that answer ``slot`` (``answers_slots``), and with ``alike``
        only those that do (or do not) answer it alike for every reader. Made once and kept while the registered
        implementations stay the same (a test may register one on ``pm`` at any time)."""
        registered = getattr(self.pm.hook, hook).get_hookimpls()
        kept = self._kept_implementations.get((hook, slot, alike))
        if kept is not None and kept[0] == registered:
            return kept[1]
        found = [
            impl
            for impl in reversed(registered)
            if slot is None
            or (
                slot in getattr(impl.function, SLOTS_ATTRIBUTE, (slot,))
                and (alike is None or alike == (slot in getattr(impl.function, ALIKE_ATTRIBUTE, ())))
            )
        ]
        self._kept_implementations[(hook, slot, alike)] = (registered, found)
        return found

    def slot_order(self, slot: str) -> dict[str, int]:
        """The plugins that answer ``slot``, by their place in the order they are asked."""
        return {impl.plugin_name: place for place, impl in enumerate(self._implementations("render_slot", slot))}

    def _firstresult(self, hook: str) -> bool:
        spec = getattr(self.pm.hook, hook).spec
        return bool(spec and spec.opts.get("firstresult"))

    def call_startup(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a build-time hook: (plugin name, result) for each non-None result; a failure stops the start. A
        plugin that does not implement one of the registration hooks answers by its layout (``CONVENTIONS``)."""
        results = []
        if (convention := CONVENTIONS.get(hook)) is not None:
            implemented = {impl.plugin_name for impl in self._implementations(hook)}
            for name in reversed(self.enabled):  # in the order pluggy calls them: the last registered first
                if name in implemented:
                    continue
                try:
                    found = convention(self.installed[name])
                except Exception as error:
                    raise PluginError(f"plugin {name!r} failed in {hook}: {error!r}") from error
                if found is not None:
                    results.append((name, found))
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

    async def call(
        self, hook: str, *, failed: Any = None, alike: bool | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call a hook as its specification says (``firstresult``: up to the first answer that is not None),
        awaiting async implementations. One that raises is logged with its plugin and taken to have answered
        ``failed`` (None: no answer; ``check_permission`` passes False, so that a failing plugin refuses).
        ``render_slot`` asks only the plugins that answer its ``slot`` (``answers_slots``); with ``alike``, only
        those that do (or do not) answer it alike for every reader."""
        results = []
        firstresult = self._firstresult(hook)
        for impl in self._implementations(hook, kwargs["slot"] if hook == "render_slot" else None, alike):
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
