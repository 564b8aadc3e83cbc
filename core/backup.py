"""Backups that are consistent while the server runs: SQLite's online backup API (never a file copy, which
would miss what is still in the WAL), or pg_dump / pg_restore for PostgreSQL; and the pictures' files in a tar
archive beside it, written after the database (a picture's file is written before its row, so every picture the
backup's database names is in the archive)."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from core.config import Config
from core.db import postgres_url
from core.errors import ConfigError
from core.uploads.storage import NAME, layout, pictures_folder


def sqlite_path(config: Config) -> Path:
    return Path(urlsplit(config.database_url).path)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ConfigError(f"{name} is needed to back up or restore PostgreSQL; install the postgresql-client package")
    return path


def hold_serving_lock(config: Config) -> None:
    """Held by ``serve`` for its life (shared: several servers may share a data dir), so that ``restore`` will not
    replace a database under a running server. ``serve`` then becomes its supervisor: the lock stays held by the
    open file, which the next program inherits, for its life."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(config.data_dir / "server.lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise ConfigError("a backup is being restored into this data dir: wait for it to finish") from None
    os.set_inheritable(fd, True)


@contextmanager
def _lock(config: Config, kind: int) -> Iterator[None]:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    with open(config.data_dir / "server.lock", "a") as file:
        try:
            fcntl.flock(file, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError("the server is running on this data dir: stop it before restoring a backup") from None
        yield


def plugins_copy(backup_file: Path) -> Path:
    """Where a backup keeps the site's plugins.toml: beside the database's file, named after it."""
    return backup_file.with_name(backup_file.name + ".plugins.toml")


def uploads_copy(backup_file: Path) -> Path:
    """Where a backup keeps the pictures' files: a tar archive beside the database's file, named after it."""
    return backup_file.with_name(backup_file.name + ".uploads.tar")


def backup(config: Config, target: Path) -> None:
    """The database into ``target``, and plugins.toml (which plugins hold the database's tables) and the pictures
    beside it; pictures in a bucket stay there (the bucket's own copies keep them)."""
    if config.plugins_file.exists():
        shutil.copyfile(config.plugins_file, plugins_copy(target))
    _backup_database(config, target)
    uploads = pictures_folder(config)
    if uploads is None:
        return
    with tarfile.open(uploads_copy(target), "w") as archive:
        for path in sorted(uploads.glob("??/??/*")) if uploads.is_dir() else []:
            if NAME.match(path.name):
                archive.add(path, arcname=layout(path.name))


def _backup_database(config: Config, target: Path) -> None:
    if not config.is_sqlite:
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", f"--file={target}", postgres_url(config.database_url)], check=True
        )
        return
    source = sqlite3.connect(sqlite_path(config))
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def restore(config: Config, source_file: Path) -> None:
    """Replace the database's contents with a backup, and plugins.toml and the pictures with those kept beside it
    (if any); refused while a server runs on this data dir."""
    if not source_file.is_file():
        raise ConfigError(f"{source_file}: no such backup file")
    with _lock(config, fcntl.LOCK_EX):
        _restore(config, source_file)
        uploads = pictures_folder(config)
        if uploads is not None and uploads_copy(source_file).exists():
            _restore_uploads(uploads, uploads_copy(source_file))
        plugins = plugins_copy(source_file)
        if plugins.exists():  # the plugins whose tables the restored database holds
            incoming = config.plugins_file.with_name(config.plugins_file.name + ".restoring")
            shutil.copyfile(plugins, incoming)
            os.replace(incoming, config.plugins_file)


def _restore_uploads(uploads: Path, archive_file: Path) -> None:
    """The pictures of the archive in place of those in ``uploads`` (only files named as pictures are, laid out as
    the store lays them out: nothing in an archive can write elsewhere)."""
    incoming = uploads.with_name(uploads.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    with tarfile.open(archive_file) as archive:
        members = [
            member
            for member in archive.getmembers()
            if member.isfile() and NAME.match(name := member.name.rpartition("/")[2]) and member.name == layout(name)
        ]
        archive.extractall(incoming, members=members, filter="data")
    shutil.rmtree(uploads, ignore_errors=True)
    incoming.mkdir(parents=True, exist_ok=True)
    os.replace(incoming, uploads)


def _restore(config: Config, source_file: Path) -> None:
    if not config.is_sqlite:
        subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={postgres_url(config.database_url)}",
                str(source_file),
            ],
            check=True,
        )
        return
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        source.close()
        raise ConfigError(f"{source_file} is not a SQLite database") from None
    if "tortoise_migrations" not in tables or "users" not in tables:
        source.close()
        raise ConfigError(f"{source_file} is not a Quanzi backup")
    destination = sqlite3.connect(sqlite_path(config))
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
