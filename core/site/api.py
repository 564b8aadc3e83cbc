"""JSON API of the site: the first-run setup."""

from __future__ import annotations

from typing import Any

from core.accounts import limits
from core.accounts.passwords import passwords_of
from core.accounts.serialize import me_json
from core.site import service
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("site")


class Setup(Body):
    token: str
    username: str
    email: str
    password: str
    site_name: str = ""  # the club's name and welcome, if set now (the admin area changes them later)
    site_description: str = ""


@router.route("POST", "/setup", "Create the first administrator with the one-time setup token", body=Setup, status=201)
async def setup(call: ApiCall[Setup]) -> dict[str, Any]:
    site = call.site
    await limits.check_sign_up(site, call.request, "setup")
    body = call.body
    club = {"site_name": body.site_name, "site_description": body.site_description}
    user = await service.complete_setup(
        passwords_of(site.config),
        body.token,
        username=body.username,
        email=body.email,
        password=body.password,
        site=club,
    )
    site.settings.forget()
    return me_json(user)
