"""``server.py plugins ...`` and ``server.py template ...``."""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from rich.console import Console
from rich.table import Column, Table

from core.circles.scenarios import Applied, apply_scenario, scenarios
from core.cli import scaffold
from core.config import Config
from core.db import database, run_migrations
from core.errors import ConfigError, QuanziError, ValidationError
from core.pluginhost import settings_file, stored
from core.pluginhost.enabling import disable_plugin, enable_plugin
from core.pluginhost.host import BrokenPlugin, PluginHost, discover
from core.workers import first_to_ask, signal_server

console = Console()


def _table(*headers: str) -> Table:
    """A table whose first column (a name to type in the next command) prints whole, however narrow the terminal
    or pipe; the others wrap."""
    return Table(Column(headers[0], no_wrap=True), *(Column(header, overflow="fold") for header in headers[1:]))


def plugins_list(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    broken: dict[str, BrokenPlugin] = {}
    installed = discover(broken=broken)
    enabled = settings_file.enabled_names(stored.state_now(config))
    table = _table("plugin", "version", "enabled", "from", "description")
    for name, plugin in sorted(installed.items()):
        manifest = plugin.manifest
        table.add_row(name, manifest.version, "yes" if name in enabled else "no", plugin.origin, manifest.description)
    for name, failed in sorted(broken.items()):
        table.add_row(name, "-", "yes (broken)" if name in enabled else "no", failed.origin, f"BROKEN: {failed.error}")
    console.print(table)
    return 0


def plugins_enable(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    state = asyncio.run(enable_plugin(config, args.name))
    print(f"Enabled {args.name}; its migrations are applied. {_applied(config, state, 'load')}")
    return 0


def plugins_disable(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    state = asyncio.run(disable_plugin(config, args.name))
    print(f"Disabled {args.name} (its data and settings are kept). {_applied(config, state, 'unload')}")
    return 0


def _applied(config: Config, state: str, verb: str) -> str:
    """Have the server running here take the change (fresh workers), or say how to; servers on other machines
    find it themselves."""
    if not first_to_ask(config.data_dir, state):
        return f"The server running here has already asked for fresh workers to {verb} it."
    pid = signal_server(config.data_dir)
    if pid is not None:
        return f"The server running here (pid {pid}) starts fresh workers to {verb} it now; servers elsewhere within seconds."
    return f"No server runs on this data dir here: it will {verb} it when it starts; servers elsewhere within seconds."


def plugins_new(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,30}", args.name):
        raise ConfigError("a plugin name is 2 to 31 lowercase letters, digits or '_', starting with a letter")
    folder = scaffold.create(args.name)
    print(
        f"Created {folder}. Next:\n  python server.py plugins enable {args.name}\n  python -m pytest plugins/{args.name}"
    )
    return 0


def _host(host: PluginHost | None) -> PluginHost:
    if host is None:
        raise ConfigError("fix plugins.toml first")
    return host


def template_list(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    table = _table("template", "title", "needs", "questions (--answer NAME=...)", "description")
    for scenario in scenarios(_host(host)).values():
        questions = ", ".join(question.name for question in scenario.questions) or "-"
        table.add_row(
            scenario.name, scenario.title, ", ".join(scenario.requires) or "-", questions, scenario.description
        )
    console.print(table)
    return 0


async def _apply(config: Config, host: PluginHost, args: argparse.Namespace) -> Applied:
    answers = dict(answer.partition("=")[::2] for answer in args.answer)
    async with database(config, host.models_apps()):
        return await apply_scenario(host, args.name, args.circle, args.title, answers=answers, again=args.again)


def template_apply(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    host = _host(host)
    asyncio.run(run_migrations(config, host.models_apps()))
    try:
        applied = asyncio.run(_apply(config, host, args))
    except ValidationError as error:
        raise ConfigError("; ".join(f"{name}: {message}" for name, message in error.fields.items())) from None
    except QuanziError as error:
        hint = " (add --again to make a second set)" if error.code == "already_applied" else ""
        raise ConfigError(error.message + hint) from None
    print(f"Applied the {args.name!r} template to the circle {args.circle!r}:")
    for item in applied.created:
        print(f"  {item.kind}: {item.title}  {config.link_base}{item.url}")
    return 0


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    plugins = commands.add_parser("plugins", help="list, enable, disable or create plugins")
    actions = plugins.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="installed plugins").set_defaults(run=plugins_list)
    for name, run, text in (
        ("enable", plugins_enable, "enable a plugin (in plugins.toml) and apply its migrations"),
        ("disable", plugins_disable, "disable a plugin, keeping its data"),
        ("new", plugins_new, "scaffold a working plugin under plugins/NAME"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("name", metavar="NAME")
        action.set_defaults(run=run)

    template = commands.add_parser("template", help="scenario templates")
    template_actions = template.add_subparsers(dest="action", required=True)
    template_actions.add_parser("list", help="the templates the enabled plugins offer").set_defaults(run=template_list)
    apply = template_actions.add_parser("apply", help="set a circle up with a template")
    apply.add_argument("name", metavar="NAME")
    apply.add_argument("--circle", required=True, metavar="SLUG")
    apply.add_argument("--title", default=None)
    apply.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an answer to one of the template's questions (template list shows them)",
    )
    apply.add_argument("--again", action="store_true", help="apply a template this circle already has once more")
    apply.set_defaults(run=template_apply)
