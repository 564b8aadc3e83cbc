"""Who is asking (the ``actor_from_request`` hook answers: the core's own answer is core.accounts.signin), and the
CSRF token that a cookie session needs."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from core.accounts.models import User
from core.errors import Forbidden, Message
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


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (the page that shows it is this visitor's own)."""
    mark_personal(request)
    if not request.session.get("csrf"):
        renew_csrf(request)
    return str(request.session["csrf"])


def _by_token(request: Request) -> bool:
    """Whether the request names its member by an API token (``Authorization: Bearer``): a form on another site can
    make a browser send its cookie (and the Basic credentials it keeps for a site), never a Bearer token, which a
    page may only add after a CORS preflight that this site never allows."""
    return request.headers.get("authorization", "")[:7].lower() == "bearer "


def form_token(request: Request) -> str:
    """The CSRF token a page's forms send: the session's, or none for a page asked for with an API token, whose
    forms are sent with it and need none (``check_csrf``); no session is made for it."""
    if _by_token(request):
        mark_personal(request)
        return ""
    return csrf_token(request)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Forbidden unless ``submitted`` is the session's CSRF token; a request with an API token needs none (one that
    is not valid is refused as its viewer is read)."""
    if _by_token(request):
        return
    expected = request.session.get("csrf")
    if not expected or not submitted or not secrets.compare_digest(str(expected), submitted):
        raise Forbidden(
            Message("The form or request is missing its CSRF token; reload the page and try again."), code="csrf"
        )


def renew_csrf(request: Request) -> None:
    """A new CSRF token for this browser (on signing in: one known before it no longer works)."""
    request.session["csrf"] = secrets.token_urlsafe(32)
