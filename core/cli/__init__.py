"""``python server.py COMMAND``: serve, migrate, createadmin, plugins, template, backup, ..."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

from tortoise.exceptions import OperationalError

from core import backup, memory, metrics, sql
from core.cli.plugins import add_commands
from core.config import ROOT, Config, load_config
from core.db import database, run_migrations, tortoise_config
from core.demo import DEMO_PASSWORD
from core.errors import ConfigError, ValidationError
from core.pluginhost import settings_file, stored
from core.pluginhost.host import PluginError, PluginHost
from core.uploads.storage import pictures_folder


def _progress(event: str, app_label: str, name: str) -> None:
    if event == "apply_done":
        print(f"  applied {app_label}.{name}")


def _migrate(config: Config, host: PluginHost | None, quiet: bool = False) -> None:
    """Apply the migrations, and write the state of the plugins of plugins.toml that the database has none of yet
    (core/pluginhost/stored.py)."""

    async def migrate() -> list[str]:
        await run_migrations(config, host.models_apps() if host else None, progress=None if quiet else _progress)
        async with database(config):
            said = await stored.seed(settings_file.read(config.plugins_file))
            if config.search == "postgres" and not quiet and await _search_unfilled():
                said.append("Search in PostgreSQL holds nothing yet: run `server.py reindex` once to fill it.")
            return said

    for disagreement in asyncio.run(migrate()):
        print(disagreement, file=sys.stderr)


async def _search_unfilled() -> bool:
    """Whether the site has threads and PostgreSQL's search none of them: a site that has just moved to it."""
    rows = await sql.fetch(
        "SELECT EXISTS (SELECT 1 FROM threads) AS written, EXISTS (SELECT 1 FROM search_documents) AS indexed"
    )
    return bool(rows[0]["written"]) and not rows[0]["indexed"]


def cmd_migrate(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    _migrate(config, host)
    print("Database is up to date.")
    return 0


async def _setup_token(config: Config) -> str | None:
    from core.site.service import issue_setup_token

    async with database(config):
        return await issue_setup_token()


def cmd_serve(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    from core.workers import SUPERVISOR, note_server

    if config.is_sqlite and args.workers > 1:
        print(
            "Quanzi on SQLite runs one worker process: SQLite has one writer at a time, and several processes "
            "would fail with 'database is locked'. For several workers, set QUANZI_DATABASE_URL=postgres://... "
            "(see README, 'Deploying on PostgreSQL').",
            file=sys.stderr,
        )
        return 2
    _migrate(config, host)
    token = asyncio.run(_setup_token(config))
    if token:
        base = config.base_url or f"http://{args.host}:{args.port}"
        print(
            f"\n  No administrator yet. Open this one-time link to create one:\n\n    {base}/setup?token={token}\n",
            flush=True,
        )
    # The site's code stays in the workers: this process becomes a small supervisor (core/supervisor.py), keeping
    # the pid (the workers' SUPERVISOR) and the lock that tells `restore` a server runs here.
    os.environ[SUPERVISOR] = str(os.getpid())
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    # glibc's malloc gives back every large block as it is freed (core/memory.py); an operator's own setting wins
    os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(memory.MMAP_THRESHOLD))
    # the workers' counts for /metrics, in files that any worker reads for a scrape: this run's only
    if metrics.FOLDER_VARIABLE not in os.environ:
        counts = config.data_dir / metrics.FOLDER
        shutil.rmtree(counts, ignore_errors=True)
        counts.mkdir()
        os.environ[metrics.FOLDER_VARIABLE] = str(counts)
    backup.hold_serving_lock(config)
    note_server(config.data_dir)
    sys.stdout.flush()
    os.execv(
        sys.executable,
        [sys.executable, "-m", "core.supervisor", args.host, str(args.port), str(args.workers), args.log_level],
    )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        raise ConfigError("the two passwords differ")
    return first


async def _create_admin(config: Config, username: str, email: str, password: str) -> None:
    from core.accounts import service
    from core.accounts.models import Role
    from core.accounts.passwords import Passwords
    from core.site.service import issue_setup_token

    async with database(config):
        hasher = Passwords(config.password_time_cost, config.password_memory_cost)
        await service.register(hasher, username=username, email=email, password=password, role=Role.ADMIN)
        await issue_setup_token()  # with an administrator, this retires any pending setup link


def cmd_createadmin(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    _migrate(config, host, quiet=True)
    password = _read_password(args)
    try:
        asyncio.run(_create_admin(config, args.username, args.email, password))
    except ValidationError as error:
        for field, message in error.fields.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 1
    print(f"Administrator {args.username} created.")
    return 0


def cmd_backup(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    backup.backup(config, Path(args.file))
    kept = f", {backup.plugins_copy(Path(args.file))}" if config.plugins_file.exists() else ""
    if pictures_folder(config) is None:
        print(
            f"Backed up to {args.file}{kept}. The pictures stay in {config.storage_url.partition('?')[0]}: keep "
            "copies of the bucket with its own tools (versioning, replication)."
        )
    else:
        print(f"Backed up to {args.file}{kept} and {backup.uploads_copy(Path(args.file))} (the pictures).")
    return 0


def cmd_restore(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    backup.restore(config, Path(args.file))
    host = PluginHost(config)  # the plugins of the restored plugins.toml
    _migrate(config, host)  # a backup from an older version catches up
    # The index held what the replaced database had: build it anew from the restored one.
    asyncio.run(_reindex(config, host))
    pictures = " The pictures in the bucket were left as they are." if pictures_folder(config) is None else ""
    print(f"Restored from {args.file}; the search index is rebuilt.{pictures}")
    return 0


async def _reindex(config: Config, host: PluginHost) -> None:
    from core.search.commands import reindex

    async with database(config, host.models_apps()):
        await reindex(config, host)


async def _demo(config: Config, host: PluginHost | None, args: argparse.Namespace) -> list[str] | None:
    """The demo members' names, or None when the site already has content (and ``--force`` was not given) or the
    demo already."""
    from core import demo
    from core.accounts.passwords import Passwords
    from core.search.commands import reindex
    from core.uploads.storage import make_store

    async with database(config, host.models_apps() if host else None):
        if await demo.present():
            print("This site already holds the demo content; nothing was written.")
            return []
        if await demo.has_content() and not args.force:
            return None
        hasher = Passwords(config.password_time_cost, config.password_memory_cost)
        store = make_store(config)
        made = await (demo.small(hasher, store) if args.size == "small" else demo.large(hasher, scale=args.scale))
        if host is not None:
            await reindex(config, host)  # the demo writes in bulk, past the outbox: index it whole
        return made


def cmd_demo(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    _migrate(config, host, quiet=True)
    made = asyncio.run(_demo(config, host, args))
    if made is None:
        print(
            "This site already has circles or discussions: the demo would add accounts with a public password "
            "to it. Use a new data dir (QUANZI_DATA_DIR=...), or add --force.",
            file=sys.stderr,
        )
        return 2
    if made:
        shown = ", ".join(made[:10]) + (f" and {len(made) - 10} more" if len(made) > 10 else "")
        print(
            f"Demo content ({args.size}) written. Demo members: {shown}; each logs in with the password "
            f"'{DEMO_PASSWORD}'."
        )
    return 0


def cmd_makemigrations(args: argparse.Namespace, config: Config, host: PluginHost | None) -> int:
    """For developers: write a migration for model changes (Tortoise's autodetector)."""
    from tortoise.cli import cli as tortoise_cli

    # Tortoise loads only the apps it is given, and a plugin's models point into the core's: name both.
    apps = ["core", *(app for app in args.apps if app != "core")]
    sys.argv = ["tortoise", "-c", "core.cli.MIGRATIONS_CONFIG", "makemigrations", *apps]
    tortoise_cli.main()
    return 0


def build_parser(host: PluginHost | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="server.py", description="Quanzi (圈子), a forum and club server.")
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="serve the site (the default command)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="apply schema migrations of the core and the enabled plugins").set_defaults(
        run=cmd_migrate
    )

    admin = commands.add_parser("createadmin", help="create an administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.set_defaults(run=cmd_createadmin)

    for name, run, text in (
        ("backup", cmd_backup, "write a consistent copy of the database to FILE (safe while serving)"),
        ("restore", cmd_restore, "replace the database with the backup in FILE (stop the server first)"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("file", metavar="FILE")
        command.set_defaults(run=run)

    demo = commands.add_parser("demo", help="fill the site with demo content")
    demo.add_argument("--size", choices=["small", "large"], default="small")
    demo.add_argument("--scale", type=int, default=1, help="(large) multiply the data set, for growth benchmarks")
    demo.add_argument("--force", action="store_true", help="write into a site that already has content")
    demo.set_defaults(run=cmd_demo)

    add_commands(commands)

    makemigrations = commands.add_parser("makemigrations", help="(developers) write migrations for model changes")
    makemigrations.add_argument("apps", nargs="*", default=["core"])
    makemigrations.set_defaults(run=cmd_makemigrations)

    if host is not None:
        host.call_startup("register_commands", subparsers=commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    try:
        config = load_config()
        try:
            host: PluginHost | None = PluginHost(config)
        except ConfigError:
            if argv[0] != "plugins":  # `plugins ...` must work to repair plugins.toml
                raise
            host = None
        args = build_parser(host).parse_args(argv)
        if not hasattr(args, "run"):
            build_parser(host).print_help()
            return 2
        return int(args.run(args, config, host))
    except (ConfigError, PluginError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except (OperationalError, sqlite3.OperationalError) as error:
        if "locked" not in str(error):
            raise
        print(
            "Error: the database stayed busy for 10 seconds (the server, or another command, was writing); "
            "nothing was changed. Try again.",
            file=sys.stderr,
        )
        return 2


def __getattr__(name: str) -> Any:
    # ``tortoise -c core.cli.MIGRATIONS_CONFIG makemigrations`` reads this (``server.py makemigrations`` runs it).
    if name == "MIGRATIONS_CONFIG":
        config = load_config()
        return tortoise_config(config, PluginHost(config).models_apps())
    raise AttributeError(name)
