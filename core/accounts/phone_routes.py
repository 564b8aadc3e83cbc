"""The pages of signing in with a phone number: the number, then the code texted to it; and binding a number to
one's account in the settings. No JavaScript: each step is a form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.accounts import limits, phone, service
from core.accounts.routes import settings_page
from core.accounts.signin import log_in
from core.errors import Message, NotFound, QuanziError, TooManyRequests
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form, safe_next
from core.web.pages import browser_locale, render
from core.web.site import site_of


def _phone_on(request: Request) -> None:
    if not phone.offered(site_of(request).config):
        raise NotFound(Message("This site does not sign in by phone."))


def _problem(error: QuanziError) -> dict[str, str]:
    """A refusal as the form's errors: a field's, or the whole form's (too many codes: when to ask again)."""
    if isinstance(error, TooManyRequests):
        return {"phone": Message("Wait %(n)s seconds before asking for another code.", n=error.retry_after)}
    return dict(getattr(error, "fields", None) or {"form": error.message})


async def login_phone_page(request: Request) -> Response:
    _phone_on(request)
    context = {"form": Form(), "next": safe_next(request.query_params.get("next")), "sent": False}
    return await render(request, "login_phone.html", context)


async def login_phone_submit(request: Request) -> Response:
    """``step=send``: text a code to the number; ``step=verify``: sign in with it (a new account if the number
    has none)."""
    _phone_on(request)
    data = await read_form(request)
    form = Form.of(data, ("phone", "code", "step"))
    next_path = safe_next(str(data.get("next", "")))
    site, sent = site_of(request), form.values["step"] == "verify"
    try:
        number = phone.parse_phone(form.values["phone"])
        form.values["phone"] = number
        if not sent:
            await limits.check_phone_code(site, request)
            await phone.send_code(site.config.secret_key, number, phone.SIGN_IN, browser_locale(request))
            notice = Message("We texted a code to %(phone)s. It is valid for 10 minutes.", phone=number)
            context = {"form": form, "next": next_path, "sent": True, "notice": notice}
            return await render(request, "login_phone.html", context)
        await limits.check_phone_try(site, request)
        locale = browser_locale(request)
        user, created = await phone.sign_in(site.config.secret_key, number, form.values["code"], locale)
        service.check_may_sign_in(user)
    except QuanziError as error:
        if error.status >= 500:
            raise
        form.errors = _problem(error)
        status = 429 if isinstance(error, TooManyRequests) else error.status
        return await render(request, "login_phone.html", {"form": form, "next": next_path, "sent": sent}, status=status)
    await log_in(request, user)
    return RedirectResponse("/settings?done=welcome" if created and next_path == "/" else next_path, status_code=303)


async def settings_phone(request: Request) -> Response:
    """Bind a number to one's account: ``step=send`` texts a code to it, ``step=verify`` binds it."""
    _phone_on(request)
    data = await read_form(request)
    user = require_actor(await resolve_viewer(request))
    form = Form.of(data, ("phone", "code", "step"))
    site = site_of(request)
    try:
        number = phone.parse_phone(form.values["phone"])
        form.values["phone"] = number
        if form.values["step"] != "verify":
            await limits.check_phone_code(site, request)
            await phone.send_code(site.config.secret_key, number, phone.BIND, browser_locale(request))
            form.values["step"] = "verify"
            return await settings_page(request, user, phone_form=form)
        await limits.check_phone_try(site, request)
        await phone.bind(site.config.secret_key, user, number, form.values["code"])
    except QuanziError as error:
        if error.status >= 500:
            raise
        form.errors = _problem(error)
        if isinstance(error, TooManyRequests) or "phone" in form.errors:
            form.values["step"] = "send"
        return await settings_page(request, user, status=error.status, phone_form=form)
    return RedirectResponse("/settings?done=phone#phone-settings", status_code=303)


routes: list[BaseRoute] = [
    Route("/login/phone", login_phone_page, methods=["GET"]),
    Route("/login/phone", login_phone_submit, methods=["POST"]),
    Route("/settings/phone", settings_phone, methods=["POST"]),
]
