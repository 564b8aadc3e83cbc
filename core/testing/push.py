"""A real HTTP server for tests that stands in for a browser's push service (FCM, Mozilla's autopush): it checks
each push's VAPID signature (RFC 8292: an ES256 JWT by the key in ``k``, ``aud`` its own origin, ``exp`` within a
day, a ``sub`` to write to) and decrypts the ``aes128gcm`` body (RFC 8291) with the key of the "browser" it made the
subscription for, keeping the JSON. An endpoint can be gone (410), as when a phone uninstalled the site.

    def test_push(quanzi_site, push_service):
        site = quanzi_site(push_services=(push_service.url,))
        site.post("/api/v1/me/push-subscriptions", json=push_service.subscribe(), headers=...)
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.testing.standin import Answer, StandIn


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService(StandIn):
    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []  # each push decrypted: {"endpoint", "payload", "vapid_key", "ttl"}
        self.refused: list[str] = []  # why each refused push was refused
        self.gone: set[str] = set()  # endpoints answered with 410
        self._browsers: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self._changed = threading.Condition(self.lock)

    def subscribe(self) -> dict[str, Any]:
        """A new browser's subscription, as ``PushSubscription.toJSON()`` gives it to a page's script."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        endpoint = f"{self.url}/wpush/v2/{secrets.token_urlsafe(24)}"
        self._browsers[endpoint] = (private_key, auth)
        public = private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": _b64(public), "auth": _b64(auth)}}

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        endpoint = self.url + path
        if endpoint in self.gone:
            return Answer(410, b"push subscription has unsubscribed or expired")
        try:
            vapid_key = self._check_vapid(headers.get("authorization", ""))
            assert headers.get("content-encoding") == "aes128gcm", "not aes128gcm"
            assert int(headers.get("ttl", "-1")) >= 0, "no TTL"
            private_key, auth = self._browsers[endpoint]
            plain = http_ece.decrypt(body, private_key=private_key, auth_secret=auth, version="aes128gcm")
        except (AssertionError, KeyError, ValueError) as error:
            self.refused.append(str(error))
            return Answer(401 if str(error).startswith("vapid") else 400, str(error).encode())
        pushed = {"endpoint": endpoint, "payload": json.loads(plain), "vapid_key": vapid_key}
        self.received.append({**pushed, "ttl": int(headers["ttl"]), "urgency": headers.get("urgency")})
        self._changed.notify_all()
        return Answer(201)

    def _check_vapid(self, authorization: str) -> str:
        scheme, _, rest = authorization.partition(" ")
        assert scheme.lower() == "vapid", "vapid: no VAPID authorization"
        parts = dict(part.strip().split("=", 1) for part in rest.split(","))
        token, key = parts["t"], parts["k"]
        signed, _, signature = token.rpartition(".")
        raw = _unb64(signature)
        assert len(raw) == 64, "vapid: not an ES256 signature"
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            raise AssertionError("vapid: the signature does not verify") from None
        header, claims = (json.loads(_unb64(part)) for part in signed.split("."))
        assert header.get("alg") == "ES256", "vapid: not ES256"
        assert claims.get("aud") == self.url, f"vapid: aud {claims.get('aud')} is not {self.url}"
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "vapid: exp not within a day"
        assert str(claims.get("sub", "")).startswith(("mailto:", "https://")), "vapid: no sub"
        return key

    def wait(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The pushes received, once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.received)} of {count} pushes arrived (refused: {self.refused})"
                self._changed.wait(left)
            return list(self.received)
