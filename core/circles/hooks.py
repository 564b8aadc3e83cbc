"""The circles domain, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.circles import api, routes, template_pages
from core.contract import hookimpl
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return [*routes.routes, *template_pages.routes]
