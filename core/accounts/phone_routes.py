"""The pages of signing in with a phone number: the number, then the code texted to it; and binding a number to
one's account in the settings. No JavaScript: each step is a form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.accounts import limits, phone
from core.accounts.routes import settings_page
from core.accounts.signin import offers
from core.accounts.signup import sign_up_by_phone, text_code
from core.errors import Message, NotFound, QuanziError
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form, safe_next
from core.web.pages import render
from core.web.site import site_of


async def _phone_on(request: Request) -> None:
    if not await offers(request, phone.PHONE):
        raise NotFound(Message("This site does not sign in by phone."))


def _problem(error: QuanziError) -> dict[str, str]:
    """A refusal as the form's errors: a field's, or the whole form's."""
    return dict(getattr(error, "fields", None) or {"form": error.message})


async def login_phone_page(request: Request) -> Response:
    await _phone_on(request)
    context = {"form": Form(), "next": safe_next(request.query_params.get("next")), "sent": False}
    return await render(request, "login_phone.html", context)


async def login_phone_submit(request: Request) -> Response:
    """``step=send``: text a code to the number; ``step=verify``: sign in with it (a new account if the number
    has none)."""
    await _phone_on(request)
    data = await read_form(request)
    form = Form.of(data, ("phone", "code", "step"))
    next_path = safe_next(str(data.get("next", "")))
    sent = form.values["step"] == "verify"
    try:
        if not sent:
            form.values["phone"] = await text_code(request, form.values["phone"])
            notice = Message("We texted a code to %(phone)s. It is valid for 10 minutes.", phone=form.values["phone"])
            context = {"form": form, "next": next_path, "sent": True, "notice": notice}
            return await render(request, "login_phone.html", context)
        user, created = await sign_up_by_phone(request, form.values["phone"], form.values["code"])
    except QuanziError as error:
        if error.status >= 500:
            raise
        form.errors = _problem(error)
        return await render(
            request, "login_phone.html", {"form": form, "next": next_path, "sent": sent}, status=error.status
        )
    return RedirectResponse("/settings?done=welcome" if created and next_path == "/" else next_path, status_code=303)


async def settings_phone(request: Request) -> Response:
    """Bind a number to one's account: ``step=send`` texts a code to it, ``step=verify`` binds it."""
    await _phone_on(request)
    data = await read_form(request)
    user = require_actor(await resolve_viewer(request))
    form = Form.of(data, ("phone", "code", "step"))
    site = site_of(request)
    try:
        if form.values["step"] != "verify":
            form.values["phone"] = await text_code(request, form.values["phone"], phone.BIND)
            form.values["step"] = "verify"
            return await settings_page(request, user, phone_form=form)
        await limits.check_phone_try(site, request)
        await phone.bind(site.config.secret_key, user, phone.parse_phone(form.values["phone"]), form.values["code"])
    except QuanziError as error:
        if error.status >= 500:
            raise
        form.errors = _problem(error)
        if "phone" in form.errors:
            form.values["step"] = "send"
        return await settings_page(request, user, status=error.status, phone_form=form)
    return RedirectResponse("/settings?done=phone#phone-settings", status_code=303)


routes: list[BaseRoute] = [
    Route("/login/phone", login_phone_page, methods=["GET"]),
    Route("/login/phone", login_phone_submit, methods=["POST"]),
    Route("/settings/phone", settings_phone, methods=["POST"]),
]
