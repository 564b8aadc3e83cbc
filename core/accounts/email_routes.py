"""The pages of e-mail confirmation: the mailed link (``/verify``), and the settings' address section (a new
address, the link sent again)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.accounts import limits, verify
from core.accounts.passwords import passwords_of
from core.accounts.routes import settings_page
from core.errors import ValidationError
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.pages import render
from core.web.site import site_of


async def verify_page(request: Request) -> Response:
    """What the link opens: the address and a button, so that a mail scanner following links confirms nothing."""
    token = request.query_params.get("token", "")
    form = Form({"token": token})
    address = ""
    try:
        _, address = await verify.pending(site_of(request).config.secret_key, token)
    except ValidationError as error:
        form.errors = error.fields
    context = {"form": form, "address": address, "done": False}
    return await render(request, "verify.html", context, status=400 if form.errors else 200)


async def verify_submit(request: Request) -> Response:
    form = Form.of(await read_form(request), ("token",))
    site = site_of(request)
    await limits.check_reset(site, request)
    try:
        user = await verify.confirm(site.config.secret_key, form.values["token"])
    except ValidationError as error:
        form.errors = error.fields
        return await render(request, "verify.html", {"form": form, "address": "", "done": False}, status=400)
    return await render(request, "verify.html", {"form": form, "address": user.email, "done": True})


async def change_email(request: Request) -> Response:
    data = await read_form(request)
    user = require_actor(await resolve_viewer(request))
    form = Form.of(data, ("email", "password"))
    site = site_of(request)
    await limits.check_reset_request(site, request, user.email)
    try:
        await verify.request_change(
            site.config.secret_key, passwords_of(site.config), user, form.values["email"], form.values["password"]
        )
    except ValidationError as error:
        form.errors = error.fields
        return await settings_page(request, user, status=400, email_form=form)
    return RedirectResponse("/settings?done=email#email-settings", status_code=303)


async def resend(request: Request) -> Response:
    await read_form(request)
    user = require_actor(await resolve_viewer(request))
    await limits.check_reset_request(site_of(request), request, user.email)
    await verify.send_link(site_of(request).config.secret_key, user)
    return RedirectResponse("/settings?done=verify#email-settings", status_code=303)


routes: list[BaseRoute] = [
    Route("/verify", verify_page, methods=["GET"]),
    Route("/verify", verify_submit, methods=["POST"]),
    Route("/settings/email", change_email, methods=["POST"]),
    Route("/settings/email/verify", resend, methods=["POST"]),
]
