"""Naming the background workers of this machine's processes, and telling whether one has died (a worker killed
while it held something gives it up to others at once instead of at the end of its lease)."""

from __future__ import annotations

import os
import secrets
import socket


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
