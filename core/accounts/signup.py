"""Signing up on a plugin's page (a campaign's form): the site's own checks and limits on a new account, and the
visitor signed in at once, as the site's sign-up page does; with a password, or with a phone number and the code
texted to it."""

from __future__ import annotations

from starlette.requests import Request

from core.accounts import limits, phone, service
from core.accounts.models import User
from core.accounts.passwords import passwords_of
from core.accounts.signin import log_in, offers
from core.circles.models import Circle, JoinPolicy
from core.circles.service import admit
from core.errors import Message, NotFound, TooManyRequests, ValidationError
from core.web.pages import browser_locale
from core.web.site import site_of


async def sign_up(request: Request, *, username: str, email: str, password: str) -> User:
    """Make the account (a ValidationError naming each field that does not fit; TooManyRequests past the address's
    limit) and sign this browser in to it."""
    site = site_of(request)
    await limits.check_sign_up(site, request)
    user = await service.register(
        passwords_of(site.config), username=username, email=email, password=password, locale=browser_locale(request)
    )
    await log_in(request, user)
    return user


async def phone_offered(request: Request) -> bool:
    """Whether this site signs people up and in by phone (it sends text messages, and offers it)."""
    return await offers(request, phone.PHONE)


async def require_phone(request: Request) -> None:
    if not await phone_offered(request):
        raise NotFound(Message("This site does not sign in by phone."), code="phone_off")


async def send_phone_code(request: Request, number: str, purpose: str, locale: str) -> str:
    """Text a code to ``number`` (as typed) within the address's limits (TooManyRequests past them); the number as
    E.164. The same answer whether or not the number has an account."""
    await require_phone(request)
    parsed = phone.parse_phone(number)
    await limits.check_phone_code(site_of(request), request)
    await phone.send_code(site_of(request).config.secret_key, parsed, purpose, locale)
    return parsed


async def phone_account(request: Request, number: str, code: str) -> tuple[User, bool]:
    """The account ``number`` opens with the code texted to it, or a new one: (the account, whether it was made).
    Nobody is signed in here; the caller starts a browser session or a token."""
    await require_phone(request)
    parsed = phone.parse_phone(number)
    site = site_of(request)
    await limits.check_phone_try(site, request)
    user, created = await phone.sign_in(site.config.secret_key, parsed, code, browser_locale(request))
    service.check_may_sign_in(user)
    return user, created


async def text_code(request: Request, number: str, purpose: str = phone.SIGN_IN) -> str:
    """Text a code to ``number`` (as the visitor typed it) to sign in with (or, ``purpose=phone.BIND``, to bind
    it); the number as E.164. A ValidationError on ``phone`` for a bad number, or when its limits say to wait."""
    try:
        return await send_phone_code(request, number, purpose, browser_locale(request))
    except TooManyRequests as error:
        wait = Message("Wait %(n)s seconds before asking for another code.", n=error.retry_after)
        raise ValidationError({"phone": wait}) from None


async def sign_up_by_phone(request: Request, number: str, code: str) -> tuple[User, bool]:
    """Sign this browser in to the account ``number`` opens, or a new one, with the code texted to it: (the
    account, whether it was made). A ValidationError on ``phone`` or ``code``, nothing made, when they do not fit."""
    user, created = await phone_account(request, number, code)
    await log_in(request, user)
    return user, created


async def guests_join_by_phone(request: Request, circle: Circle) -> bool:
    """Whether a guest may join ``circle`` from a plugin's form (an event's registration, a members' survey) with a
    phone number and a texted code: the site signs in by phone, and the circle takes anyone who asks."""
    return circle.join_policy == JoinPolicy.OPEN and await phone_offered(request)


async def join_by_phone(request: Request, circle: Circle, number: str, code: str) -> User:
    """Sign this browser in to the account ``number`` opens (or a new one) with the code texted to it, and make them
    a member of ``circle`` (which ``guests_join_by_phone`` allowed). A ValidationError, nothing made, when the
    number or the code do not fit."""
    user, _ = await sign_up_by_phone(request, number, code)
    await admit(circle, user)
    return user
