"""A worker's memory given back to the system, not kept for good by glibc's ``malloc``.

Left to itself, malloc keeps what a burst of work freed: it raises the size above which a block is given back as
soon as it is freed to the largest block freed so far (a password hash's 7 MiB, a photo being sized), and keeps
freed pages in the middle of its heaps for later. ``serve`` fixes that size (``MMAP_THRESHOLD``, in the workers'
``MALLOC_MMAP_THRESHOLD_``), and each worker hands the free pages back every ``TRIM_SECONDS`` (``malloc_trim``), so
that a flood of requests leaves the caches it filled, each bounded, and not the heap it grew. Where the C library
is not glibc (musl), nothing is trimmed. docs/performance.md, "A worker's memory", has the figures.
"""

from __future__ import annotations

import asyncio
import ctypes
from functools import cache
from typing import Any

MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept from moving
TRIM_SECONDS = 10.0


@cache
def _glibc() -> Any:
    """The process's C library, if it is glibc (the symbols already loaded: no search for the library's file)."""
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "malloc_trim") else None


async def give_back_freed(every: float = TRIM_SECONDS) -> None:
    """Every ``every`` seconds, the pages malloc holds free go back to the system (a few milliseconds)."""
    libc = _glibc()
    if libc is None:
        return
    while True:
        await asyncio.sleep(every)
        libc.malloc_trim(0)
