"""The ASGI application: ``create_app(config)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from tortoise.contrib.starlette import RegisterTortoise

from core.accounts import api as accounts_api
from core.accounts import routes as accounts_routes
from core.accounts.passwords import Passwords
from core.circles import api as circles_api
from core.config import ROOT, Config
from core.db import tortoise_config
from core.site import api as site_api
from core.site import routes as site_routes
from core.threads import api as threads_api
from core.web.bodylimit import BodyLimit
from core.web.errors import EXCEPTION_HANDLERS
from core.web.headers import SecurityHeaders
from core.web.jsonapi import Endpoint, JSONResponse, starlette_route
from core.web.openapi import openapi_document
from core.web.ratelimit import RateLimits
from core.web.templating import make_templates

API_PREFIX = "/api/v1"


@dataclass
class Site:
    """What every request may need, built once per process."""

    config: Config
    passwords: Passwords
    rate_limits: RateLimits
    templates: Jinja2Templates
    endpoints: list[Endpoint]


def _api_routes(endpoints: list[Endpoint]) -> list[BaseRoute]:
    document = openapi_document(endpoints)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    routes: list[BaseRoute] = [Route("/openapi.json", openapi, methods=["GET"])]
    routes += [starlette_route(endpoint) for endpoint in endpoints]
    return routes


def create_app(config: Config) -> Starlette:
    endpoints = [
        *site_api.router.endpoints,
        *accounts_api.router.endpoints,
        *circles_api.router.endpoints,
        *threads_api.router.endpoints,
    ]
    site = Site(
        config=config,
        passwords=Passwords(config.password_time_cost, config.password_memory_cost),
        rate_limits=RateLimits(config.rate_limit_storage, config.rate_limit_scale),
        templates=make_templates(),
        endpoints=endpoints,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        # The global fallback makes the ORM, started in the lifespan task, reachable from request tasks.
        async with RegisterTortoise(app, config=tortoise_config(config), _enable_global_fallback=True):
            yield {}

    routes: list[BaseRoute] = [
        Mount(API_PREFIX, routes=_api_routes(endpoints)),
        *site_routes.routes,
        *accounts_routes.routes,
        Mount("/static", StaticFiles(directory=ROOT / "themes" / "default" / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_body_size=config.max_body_size),
        Middleware(
            SessionMiddleware,
            secret_key=config.secret_key,
            session_cookie="quanzi_session",
            max_age=config.session_max_age,
            same_site="lax",
            https_only=config.secure_cookies,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    app.state.site = site
    return app
