"""A real S3 protocol server for the tests (moto's, in a thread of the test process, on 127.0.0.1), and buckets
in it for sites that keep their pictures in a bucket (``QUANZI_STORAGE_URL=s3://...``)."""

from __future__ import annotations

import os
import secrets
from typing import Any

from core.testing.live import free_port

KEYS = {"AWS_ACCESS_KEY_ID": "quanzi-tests", "AWS_SECRET_ACCESS_KEY": "quanzi-tests-secret"}
running: BucketServer | None = None  # the one the test session started (tests/conftest.py, ``bucket_server``)


class BucketServer:
    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._saved: dict[str, str | None] = {}

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BucketServer:
        """Serve, with the keys a site (and the servers the tests start) signs its requests with."""
        global running
        self._server.start()
        running = self
        for name, value in KEYS.items():
            self._saved[name] = os.environ.get(name)
            os.environ[name] = value
        return self

    def stop(self) -> None:
        self._server.stop()
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def new_bucket(self) -> str:
        """A new, empty bucket: the ``QUANZI_STORAGE_URL`` of a site that keeps its pictures there."""
        name = f"pictures-{secrets.token_hex(6)}"
        self._client().create_bucket(Bucket=name)
        return f"s3://{name}?endpoint={self.endpoint}&region=us-east-1"

    def keys(self, storage_url: str) -> list[str]:
        """The keys of the objects in the bucket of ``storage_url``."""
        bucket = storage_url.removeprefix("s3://").split("?", 1)[0]
        listed = self._client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def _client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )
