"""The threads domain, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from core.plugins import hookimpl
from core.threads import api
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]
