"""The pages of a password reset: ask for a link (``/forgot``), then choose a new password (``/reset``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.accounts import limits, reset
from core.accounts.passwords import passwords_of
from core.accounts.signin import log_in
from core.errors import ValidationError
from core.web.forms import Form, read_form
from core.web.pages import page_context, render
from core.web.site import site_of


async def forgot_page(request: Request) -> Response:
    return await render(request, "forgot.html", {"form": Form(), "sent": False})


async def forgot_submit(request: Request) -> Response:
    form = Form.of(await read_form(request), ("email",))
    site = site_of(request)
    await limits.check_reset_request(site, request, form.values["email"])
    known = await page_context(request)
    await reset.request_reset(site.config.secret_key, form.values["email"], known["locale"])
    return await render(request, "forgot.html", {"form": form, "sent": True}, known=known)


async def reset_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    form = Form({"token": token})
    try:
        await reset.user_for_reset(site_of(request).config.secret_key, token)
    except ValidationError as error:
        form.errors = error.fields
    return await render(request, "reset.html", {"form": form}, status=400 if form.errors else 200)


async def reset_submit(request: Request) -> Response:
    form = Form.of(await read_form(request), ("token", "password"))
    site = site_of(request)
    await limits.check_reset(site, request)
    try:
        user = await reset.reset_password(
            passwords_of(site.config), site.config.secret_key, form.values["token"], form.values["password"]
        )
    except ValidationError as error:
        form.errors = error.fields
        return await render(request, "reset.html", {"form": form}, status=400)
    await log_in(request, user)  # this browser: every other session has ended
    return RedirectResponse("/settings?done=reset", status_code=303)


routes: list[BaseRoute] = [
    Route("/forgot", forgot_page, methods=["GET"]),
    Route("/forgot", forgot_submit, methods=["POST"]),
    Route("/reset", reset_page, methods=["GET"]),
    Route("/reset", reset_submit, methods=["POST"]),
]
