"""Signing up on a plugin's page (a campaign's form): the site's own checks and limits on a new account, and the
visitor signed in at once, as the site's sign-up page does."""

from __future__ import annotations

from starlette.requests import Request

from core.accounts import limits, service
from core.accounts.models import User
from core.accounts.signin import log_in
from core.web.pages import browser_locale
from core.web.site import site_of


async def sign_up(request: Request, *, username: str, email: str, password: str) -> User:
    """Make the account (a ValidationError naming each field that does not fit; TooManyRequests past the address's
    limit) and sign this browser in to it."""
    site = site_of(request)
    await limits.check_sign_up(site, request)
    user = await service.register(
        site.passwords, username=username, email=email, password=password, locale=browser_locale(request)
    )
    await log_in(request, user)
    return user
