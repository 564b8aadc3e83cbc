"""Naming the background workers of this machine's processes, telling whether one has died (a worker killed
while it held something gives it up to others at once instead of at the end of its lease), and asking the server
for fresh worker processes (after a plugin is switched on or off)."""

from __future__ import annotations

import fcntl
import os
import secrets
import signal
import socket
from pathlib import Path

SUPERVISOR = "QUANZI_SUPERVISOR_PID"  # set by ``serve`` for its worker processes: the process that runs them
PID_FILE = "server.pid"  # in the data dir: the ``serve`` process last started on it, for the CLI to signal
ASKED_FILE = "plugins.asked"  # in the data dir: the plugins' state this machine's server was last asked to load


def holder_name() -> str:
    """A name for one worker: its machine, its process, and a random part (one process may have several)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def dead_here(holder: str) -> bool:
    """Whether ``holder`` was a process of this machine that no longer runs."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def can_restart() -> bool:
    """Whether this process is a worker of ``serve``, whose supervisor can replace it."""
    return os.environ.get(SUPERVISOR, "") == str(os.getppid())


def restart_workers() -> bool:
    """Ask ``serve`` to start new worker processes (which read plugins.toml afresh) and retire the old ones once the
    new ones answer, finishing the requests they hold (uvicorn's SIGHUP); whether it could be asked."""
    if not can_restart():
        return False
    os.kill(os.getppid(), signal.SIGHUP)
    return True


def first_to_ask(data_dir: Path, state: str) -> bool:
    """Whether nobody on this machine has yet asked its server for fresh workers to load the plugins' ``state`` (a
    digest): the first to ask is told yes and noted, so that the server's workers, which all see a change at once,
    ask for fresh ones once."""
    with open(data_dir / ASKED_FILE, "a+", encoding="utf-8") as noted:
        fcntl.flock(noted, fcntl.LOCK_EX)  # let go when the file closes
        noted.seek(0)
        if noted.read() == state:
            return False
        noted.seek(0)
        noted.truncate()
        noted.write(state)
    return True


def note_server(data_dir: Path) -> None:
    """``serve`` says which process it is (the supervisor it becomes keeps the pid), for ``signal_server``."""
    (data_dir / PID_FILE).write_text(f"{os.getpid()}\n")


def signal_server(data_dir: Path) -> int | None:
    """Ask the server running on ``data_dir`` on this machine for fresh workers (after ``plugins enable`` in a
    shell); its pid, or None when none runs here."""
    try:
        pid = int((data_dir / PID_FILE).read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    if b"core.supervisor" not in command:
        return None  # gone, and the number taken by another program
    os.kill(pid, signal.SIGHUP)
    return pid
