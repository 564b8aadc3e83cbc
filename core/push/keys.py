"""The site's VAPID key pair (RFC 8292), generated once into the data dir beside the secret key: push services
know the site by its public key, and a browser's subscription made with it works with no other. Several machines
share the file as they share ``secret_key``."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py_vapid import Vapid02

FILE = "vapid_private.pem"


@cache
def vapid_key(data_dir: Path) -> Vapid02:
    """The site's key, made on first use (workers starting together agree on one: the first file linked wins).
    The key's libraries (py_vapid, cryptography: some 6 MB) are loaded when it is first asked for."""
    from py_vapid import Vapid

    path = data_dir / FILE
    if not path.exists():
        made = Vapid()
        made.generate_keys()
        draft = data_dir / f"{FILE}.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(made.private_pem())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return Vapid.from_file(str(path))


def public_key(data_dir: Path) -> str:
    """The public key as a browser's ``applicationServerKey`` takes it: the uncompressed point, base64url."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from py_vapid import b64urlencode

    point = vapid_key(data_dir).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return str(b64urlencode(point))
