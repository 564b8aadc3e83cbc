"""Where pictures' files are kept, behind one small interface: ``put``, ``get``, ``delete`` and ``check`` by a file
name the core made (``<sha256>.jpg``, never a name a member chose), chosen by ``QUANZI_STORAGE_URL``
(``make_store``).

``FileStore`` keeps them in the data directory, laid out by content hash (``uploads/ab/cd/abcd….jpg``), written
whole or not at all. ``BucketStore`` keeps them in an S3-compatible bucket (S3, MinIO, Aliyun OSS, Tencent COS),
through obstore, under the same layout: the store of a site on several machines. Either way a picture is served
through the site, which asks first whether the reader may see it (core/uploads/routes.py): a private circle's
picture in a bucket is as private as on a disk, and the bucket need not be public.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import anyio.to_thread

from core.config import Config
from core.errors import ConfigError

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


class BucketStore:
    """Pictures in an S3-compatible bucket: ``s3://BUCKET[/PREFIX]?endpoint=URL&region=R``, the keys in
    ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (and any other setting obstore reads from ``AWS_...``)."""

    def __init__(self, url: str) -> None:
        from obstore.store import S3Store  # the client is loaded by the sites that keep pictures in a bucket

        parts = urlsplit(url)
        options = dict(parse_qsl(parts.query))
        if not parts.netloc:
            raise ConfigError("QUANZI_STORAGE_URL: s3://BUCKET?endpoint=URL&region=REGION names a bucket")
        unknown = options.keys() - {"endpoint", "region"}
        if unknown:
            raise ConfigError(f"QUANZI_STORAGE_URL: unknown settings {', '.join(sorted(unknown))} (endpoint, region)")
        self.url = urlunsplit(parts._replace(query=""))
        config: dict[str, Any] = {"region": options.get("region", "us-east-1")}
        if "endpoint" in options:  # a store of one's own (MinIO) or another cloud's: the bucket in the path
            config.update(endpoint=options["endpoint"], virtual_hosted_style_request=False)
        self._bucket = S3Store(
            parts.netloc,
            prefix=parts.path.strip("/") or None,
            client_options={"allow_http": options.get("endpoint", "").startswith("http://")},
            **config,
        )

    async def put(self, name: str, data: bytes) -> None:
        import obstore

        await obstore.put_async(self._bucket, layout(name), data)

    async def get(self, name: str) -> bytes | None:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            found = await obstore.get_async(self._bucket, layout(name))
        except (NotFoundError, FileNotFoundError):
            return None
        return bytes(await found.bytes_async())

    async def delete(self, name: str) -> None:
        import obstore

        await obstore.delete_async(self._bucket, layout(name))  # S3 says nothing of a key that was not there

    async def check(self) -> None:
        import obstore

        try:  # a list of what lies under a name nothing has: the bucket answers, or says why not
            await obstore.list(self._bucket, prefix="quanzi-ready-check/", chunk_size=1).collect_async()
        except Exception as error:  # unreachable, refused, no such bucket
            raise OSError(f"{self.url}: {error}") from error


def pictures_folder(config: Config) -> Path | None:
    """The folder the pictures are kept in: the one ``QUANZI_STORAGE_URL`` names (``file:///srv/pictures``), the
    data dir's ``uploads`` (nothing, or ``file://``), or None for a bucket (``s3://``)."""
    if config.storage_url.startswith("s3://"):
        return None
    folder = urlsplit(config.storage_url).path
    return Path(folder) if folder else config.data_dir / "uploads"


def make_store(config: Config) -> Store:
    """The store ``QUANZI_STORAGE_URL`` names."""
    folder = pictures_folder(config)
    return BucketStore(config.storage_url) if folder is None else FileStore(folder)
