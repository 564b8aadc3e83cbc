"""Helpers for tests of HTML pages: a browser session and its forms."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.testing import sign_in


def csrf_of(client: TestClient) -> str:
    return str(client.get("/api/v1/auth/csrf").json()["csrf_token"])


def browser(client: TestClient, username: str) -> str:
    """Log ``client`` in as ``username`` (registering them); returns the session's CSRF token."""
    return sign_in(client, username)
