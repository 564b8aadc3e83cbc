"""The site itself (setup, health, the core's own scenario template), registered through the plugin hooks."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.contract import hookimpl
from core.contract.kinds import Scenario
from core.site import api, routes, welcome
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [welcome.SCENARIO]
