"""Where pictures' files are kept, behind one small interface: ``put``, ``get`` and ``delete`` by a
file name the core made (``<sha256>.jpg``, never a name a member chose).

``FileStore`` keeps them in the data directory, laid out by content hash (``uploads/ab/cd/abcd….jpg``), written
whole or not at all. An S3-compatible store (MinIO, COS, OSS, S3) for sites on several machines would be a second
class with the same three methods; it is not built yet, as no MinIO server installs from the package registries our
CI reaches to test it against (docs/admin.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

import anyio.to_thread

NAME = re.compile(r"^[0-9a-f]{64}(?:-t)?\.(?:jpg|png|webp|gif)$")


class Store(Protocol):
    async def put(self, name: str, data: bytes) -> None: ...

    async def get(self, name: str) -> bytes | None: ...

    async def delete(self, name: str) -> None: ...

    async def check(self) -> None:
        """OSError when the store cannot take a file now (``/readyz``)."""


def layout(name: str) -> str:
    """Where the file ``name`` lies under the store's root: ``ab/cd/abcd….jpg``."""
    if not NAME.match(name):
        raise ValueError(f"not a stored picture's name: {name!r}")
    return f"{name[:2]}/{name[2:4]}/{name}"


class FileStore:
    """Pictures as files under ``root`` (``QUANZI_DATA_DIR/uploads``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / layout(name)

    async def put(self, name: str, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._write, self.path(name), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():
            return  # the same name holds the same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    async def get(self, name: str) -> bytes | None:
        path = self.path(name)
        try:
            return await anyio.to_thread.run_sync(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    async def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root} cannot be written")
