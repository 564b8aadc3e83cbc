"""How often credentials may be tried and accounts made: the login and sign-up policy, on the site's rate limits."""

from __future__ import annotations

from starlette.requests import Request

from core.accounts.names import username_key
from core.accounts.service import find_by_login
from core.web.site import Site

LOGIN_PER_ACCOUNT = "10/15 minutes"
LOGIN_PER_ADDRESS = "30/15 minutes"
REGISTER_PER_ADDRESS = "10/hour"
RESET_PER_ADDRESS = "10/hour"
RESET_PER_ACCOUNT = "3/hour"
RESET_TRIES_PER_ADDRESS = "20/hour"
PHONE_CODES_PER_ADDRESS = "60/hour"  # a whole club at one table asks from one address (the limits per number hold)
PHONE_TRIES_PER_ADDRESS = "60/15 minutes"


async def check_login(site: Site, request: Request, login: str) -> None:
    """Count a login attempt against the account (whichever spelling or e-mail names it) and the client address."""
    user = await find_by_login(login)
    await site.rate_limits.hit(
        LOGIN_PER_ACCOUNT, f"login:user:{user.id}" if user else f"login:name:{username_key(login)}"
    )
    await site.limit_address(request, LOGIN_PER_ADDRESS, "login")


async def check_sign_up(site: Site, request: Request, action: str = "register") -> None:
    """Count an account made (or the site's first, ``setup``) against the client address."""
    await site.limit_address(request, REGISTER_PER_ADDRESS, action)


async def check_reset_request(site: Site, request: Request, email: str) -> None:
    """Count a "mail me a reset link" against the client address and the address it is for."""
    await site.limit_address(request, RESET_PER_ADDRESS, "reset")
    await site.rate_limits.hit(RESET_PER_ACCOUNT, f"reset:email:{email.strip().lower()}")


async def check_reset(site: Site, request: Request) -> None:
    """Count a try of a reset link against the client address."""
    await site.limit_address(request, RESET_TRIES_PER_ADDRESS, "reset-confirm")


async def check_phone_code(site: Site, request: Request) -> None:
    """Count a "text me a code" against the client address (the number's own limits are the code's)."""
    await site.limit_address(request, PHONE_CODES_PER_ADDRESS, "phone_code")


async def check_phone_try(site: Site, request: Request) -> None:
    """Count a code tried against the client address."""
    await site.limit_address(request, PHONE_TRIES_PER_ADDRESS, "phone_try")
