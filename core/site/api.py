"""JSON API of the site: the first-run setup."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import me_json
from core.site import service
from core.web import ratelimit
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("site")


class Setup(Body):
    token: str
    username: str
    email: str
    password: str


@router.route("POST", "/setup", "Create the first administrator with the one-time setup token", body=Setup, status=201)
async def setup(call: ApiCall[Setup]) -> dict[str, Any]:
    site = call.site
    address = ratelimit.client_address(call.request, site.config.trusted_proxies)
    await site.rate_limits.hit(ratelimit.REGISTER_PER_ADDRESS, f"setup:ip:{address}")
    body = call.body
    user = await service.complete_setup(
        site.passwords, body.token, username=body.username, email=body.email, password=body.password
    )
    return me_json(user)
