"""Who a request is from, and signing a browser in and out. The session cookie holds the key of a session kept in
the database (core.accounts.sessions), a bearer header an API token's: the core's answer to
``actor_from_request``. Logging out ends this browser's session alone."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from ua_parser import parse

from core.accounts import sessions
from core.accounts.models import SessionKind, User
from core.contract.kinds import SignInMethod
from core.errors import Message, Unauthorized
from core.web.auth import renew_csrf
from core.web.pagecache import SIGNED_IN
from core.web.site import site_of

KEY = SIGNED_IN  # in the signed session cookie: the browser's session key (the guest cache knows it too)


def browser_name(user_agent: str) -> str:
    """How a member recognises a browser in their list of sessions: "Chrome Mobile · Android", "WeChat · iOS"."""
    found = parse(user_agent)
    browser = "WeChat" if "MicroMessenger" in user_agent else found.user_agent.family if found.user_agent else ""
    system = found.os.family if found.os else ""
    return " · ".join(part for part in (browser, system) if part and part != "Other")[:64]


def _idle(request: Request) -> timedelta:
    return timedelta(seconds=site_of(request).config.session_max_age)


async def log_in(request: Request, user: User) -> None:
    """Sign this browser in to ``user``: a new session (any this browser had ends) and a fresh CSRF token."""
    if old := request.session.get(KEY):
        await sessions.end(old, SessionKind.BROWSER)
    name = browser_name(request.headers.get("user-agent", ""))
    key, session = await sessions.start(user, SessionKind.BROWSER, name, idle=_idle(request))
    request.session.clear()
    request.session[KEY] = key
    renew_csrf(request)
    request.scope.update(viewer=user, auth="session", session_id=session.id)


async def log_out(request: Request) -> None:
    """End this browser's session; the member's other browsers and tokens stay signed in."""
    if key := request.session.get(KEY):
        await sessions.end(key, SessionKind.BROWSER)
    request.session.clear()
    request.scope.update(viewer=None, session_id=None)


async def offers(request: Request, name: str) -> bool:
    """Whether this site offers the sign-in method ``name``: configured on this machine (its ``available``) and not
    turned off in the admin area (the site setting ``sign_in_NAME``)."""
    site = site_of(request)
    method = site.plugins.sign_in_methods.get(name)
    if method is None or not method.available(site.config):
        return False
    return (await site.settings.current()).get(f"sign_in_{name}", "1") != "0"


async def offered_ways(request: Request) -> list[SignInMethod]:
    """The sign-in methods this site offers, as registered."""
    return [way for way in site_of(request).plugins.sign_in_methods.values() if await offers(request, way.name)]


def current_session(request: Request) -> int | None:
    """The id of the session (browser or token) this request is made in."""
    found: int | None = request.scope.get("session_id")
    return found


async def viewer_from_credentials(request: Request) -> User | None:
    """An API token or the session cookie: a bad token is an error, an ended session a guest."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized(Message("Send the token as 'Authorization: Bearer <token>'."), code="invalid_token")
        signed = await sessions.signed_in(token.strip(), SessionKind.TOKEN)
        if signed is None:
            raise Unauthorized(Message("This token is not valid."), code="invalid_token")
        request.scope.update(auth="token", session_id=signed.session_id)
        return signed.user
    key = request.session.get(KEY)
    if key is None:
        return None
    signed = await sessions.signed_in(key, SessionKind.BROWSER, idle=_idle(request))
    if signed is None:  # logged out elsewhere, idle too long, password changed or suspended
        request.session.pop(KEY, None)
        return None
    request.scope.update(auth="session", session_id=signed.session_id)
    return signed.user
