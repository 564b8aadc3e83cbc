"""The pages of signing in with WeChat: off to WeChat's authorisation page with a ``state`` bound to this browser,
and back with a code. A member already signed in binds WeChat to their account the same way."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import acting
from core.accounts import service, wechat
from core.accounts.signin import log_in, offers
from core.errors import BadRequest, NotFound
from core.web.auth import resolve_viewer
from core.web.forms import safe_next
from core.web.pages import browser_locale
from core.web.site import site_of

PENDING = "wechat"  # in the session: the state sent to WeChat, the app asked, where to go after, whether to bind


async def start(request: Request) -> Response:
    """``GET /auth/wechat?next=PATH``: to WeChat, which asks the member and sends them back with a code."""
    site = site_of(request)
    chosen = wechat.app_for(site.config, request.headers.get("user-agent", ""))
    if chosen is None or not await offers(request, wechat.WECHAT):
        raise NotFound(wechat.REFUSED)
    app, scope = chosen
    state = wechat.new_state()
    binding = acting(await resolve_viewer(request)) is not None
    next_path = safe_next(request.query_params.get("next"))
    request.session[PENDING] = {"state": state, "app": app.app_id, "next": next_path, "bind": binding}
    callback = f"{site.base_url(request)}/auth/wechat/callback"
    return RedirectResponse(wechat.authorize_url(site.config, app, scope, callback, state), status_code=302)


async def callback(request: Request) -> Response:
    """``GET /auth/wechat/callback?code=&state=``: the state must be the one this browser was sent with, once;
    then the account WeChat's person opens (made on the first visit), or the binding to the member signed in."""
    site = site_of(request)
    if not await offers(request, wechat.WECHAT):
        raise NotFound(wechat.REFUSED)
    pending = request.session.pop(PENDING, None)
    state, code = request.query_params.get("state", ""), request.query_params.get("code", "")
    if not isinstance(pending, dict) or not code or not secrets.compare_digest(state, str(pending.get("state"))):
        raise BadRequest(wechat.REFUSED, code="wechat_state")
    app = next(
        (app for app in (site.config.wechat, site.config.wechat_web) if app and app.app_id == pending["app"]), None
    )
    if app is None:
        raise BadRequest(wechat.REFUSED, code="wechat_state")
    found = await wechat.person(site.config, app, code)
    viewer = acting(await resolve_viewer(request))
    if viewer is not None and pending.get("bind"):
        await wechat.bind(viewer, found)
        return RedirectResponse("/settings?done=wechat#wechat-settings", status_code=303)
    user, created = await wechat.sign_in(found, browser_locale(request))
    service.check_may_sign_in(user)
    await log_in(request, user)
    next_path = safe_next(pending.get("next"))
    return RedirectResponse("/settings?done=welcome" if created and next_path == "/" else next_path, status_code=303)


routes: list[BaseRoute] = [
    Route("/auth/wechat", start, methods=["GET"]),
    Route("/auth/wechat/callback", callback, methods=["GET"]),
]
