"""Who is asking: a bearer token or the session cookie, and the CSRF token that a cookie session needs."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from core.accounts import service as accounts
from core.accounts.models import User
from core.errors import Forbidden, Message, Unauthorized
from core.web.pagecache import mark_personal
from core.web.site import site_of

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def resolve_viewer(request: Request) -> User | None:
    """The member making the request (asked of the plugins' ``actor_from_request``, the core's answering last),
    or None for a guest. Resolved once per request."""
    if "viewer" not in request.scope:
        viewer = await site_of(request).plugins.first("actor_from_request", request=request)
        if viewer is not None:
            mark_personal(request)  # a plugin may know members by more than the session and token
        request.scope["viewer"] = viewer
    resolved: User | None = request.scope["viewer"]
    return resolved


async def viewer_from_credentials(request: Request) -> User | None:
    """An API token or the session cookie: a bad token is an error, a stale session a guest."""
    viewer: User | None = None
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(Message("Send the token as 'Authorization: Bearer <token>'."), code="invalid_token")
        viewer = await accounts.user_for_token(token.strip())
        if viewer is None:
            raise Unauthorized(Message("This token is not valid."), code="invalid_token")
        request.scope["auth"] = "token"
    else:
        user_id = request.session.get("uid")
        if user_id is not None:
            viewer = await accounts.user_by_id(user_id)
            if viewer is None or viewer.session_epoch != request.session.get("epoch"):
                # Logged out elsewhere, password changed, or suspended: this copy of the session is over.
                request.session.pop("uid", None)
                request.session.pop("epoch", None)
                viewer = None
            else:
                request.scope["auth"] = "session"
    return viewer


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the page that shows it is this visitor's own)."""
    mark_personal(request)
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not secrets.compare_digest(str(expected), submitted):
        raise Forbidden(
            Message("The form or request is missing its CSRF token; reload the page and try again."), code="csrf"
        )


def log_in(request: Request, user: User) -> None:
    """Start a session for ``user``: a fresh CSRF token, and the account's current session epoch."""
    request.session.clear()
    request.session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": secrets.token_urlsafe(32)})
    request.scope["viewer"] = user
    request.scope["auth"] = "session"


def log_out(request: Request) -> None:
    request.session.clear()
    request.scope["viewer"] = None
