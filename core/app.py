"""The ASGI application: ``create_app(config)``, built from the core's features and the enabled plugins, all
through the same hooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise

from core import memory, metrics, remembered
from core.config import Config
from core.db import postgres_url, tortoise_config
from core.live.postgres import Hearing, Listener
from core.moderation import limits as newcomer_limits
from core.pluginhost import stored
from core.pluginhost.host import PluginHost
from core.pluginhost.running import activate
from core.remembered import Remembering
from core.site import operations
from core.site.service import THEMES_DIR, SiteSettings, installed_themes
from core.uploads.storage import make_store
from core.web.bodylimit import BodyLimit
from core.web.errors import EXCEPTION_HANDLERS
from core.web.headers import SecurityHeaders
from core.web.i18n import Catalogues
from core.web.jsonapi import Endpoint, JSONResponse, starlette_route
from core.web.observing import Observed
from core.web.openapi import openapi_document
from core.web.pagecache import GuestCache, GuestPageCache
from core.web.ratelimit import RateLimits
from core.web.routing import IndexedRouter
from core.web.site import Site
from core.web.templating import Templates

API_PREFIX = "/api/v1"


def _api_routes(endpoints: list[Endpoint]) -> list[BaseRoute]:
    document = openapi_document(endpoints)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    return [Route("/openapi.json", openapi, methods=["GET"]), *(starlette_route(endpoint) for endpoint in endpoints)]


def _static_mounts(host: PluginHost) -> list[BaseRoute]:
    mounts: list[BaseRoute] = [
        Mount(f"/static/plugins/{name}", StaticFiles(directory=folder))
        for name, folder in host.call_startup("register_static_dir")
    ]
    for theme in installed_themes():
        if (THEMES_DIR / theme / "static").is_dir():
            mounts.append(Mount(f"/static/themes/{theme}", StaticFiles(directory=THEMES_DIR / theme / "static")))
    mounts.append(Mount("/static", StaticFiles(directory=THEMES_DIR / "default" / "static"), name="static"))
    return mounts


def create_app(config: Config, plugins: PluginHost | None = None) -> Starlette:
    host = plugins or PluginHost(config)
    activate(host)
    endpoints = [
        endpoint
        for _, routers in host.call_startup("register_api_routes")
        for router in routers
        for endpoint in router.endpoints
    ]
    templates = Templates([folder for _, folders in host.call_startup("register_template_dirs") for folder in folders])
    templates.env.globals["mail_enabled"] = config.smtp is not None
    host.call_startup("prepare_jinja_env", env=templates.env)
    plugin_locales = [host.installed[name].folder / "locale" for name in host.enabled]
    kinds = {kind.name: kind for _, offered in host.call_startup("register_content_kinds") for kind in offered}
    newcomer_limits.configure(config.rate_limit_scale)
    site = Site(
        config=config,
        plugins=host,
        rate_limits=RateLimits(config.rate_limit_storage, config.rate_limit_scale),
        templates=templates,
        catalogues=Catalogues([folder for folder in plugin_locales if folder.is_dir()]),
        settings=SiteSettings(),
        page_cache=GuestCache(config.guest_cache_seconds),
        content_kinds=kinds,
        notification_kinds=host.notification_kinds,
        endpoints=endpoints,
        store=make_store(config),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        # The global fallback makes the ORM, started in the lifespan task, reachable from request tasks.
        async with RegisterTortoise(
            app, config=tortoise_config(config, host.models_apps()), _enable_global_fallback=True
        ):
            # on PostgreSQL the worker hears the others' changes (and, through the startup hooks, what else it hears)
            app.state.listener = None if config.is_sqlite else Listener(postgres_url(config.database_url))
            if app.state.listener is not None:
                hearing = Hearing(
                    remembered.changed,
                    broke=lambda: remembered.listening(False),
                    back=lambda: remembered.listening(True),
                )
                app.state.listener.on(remembered.CHANGES_CHANNEL, hearing)
            await host.call("startup", app=app)
            if app.state.listener is not None:
                app.state.listener.start()
            loop = asyncio.get_running_loop()
            trimming = loop.create_task(memory.give_back_freed())
            watching = loop.create_task(stored.watch(config, stored.fingerprint(host.stored)))
            counting = loop.create_task(operations.count_connections())
            flushing = loop.create_task(metrics.keep_flushing())
            yield {}
            for task in (trimming, watching, counting, flushing):
                task.cancel()
            metrics.worker_stops()
            site.rate_limits.close()
            await host.call("shutdown", app=app)
            if app.state.listener is not None:
                await app.state.listener.stop()

    routes: list[BaseRoute] = [
        Mount(API_PREFIX, app=IndexedRouter(_api_routes(endpoints))),
        *(route for _, plugin_routes in host.call_startup("register_routes") for route in plugin_routes),
        *_static_mounts(host),
    ]
    middleware = [
        Middleware(Observed, trusted_proxies=config.trusted_proxies),
        Middleware(Remembering),
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_body_size=config.max_body_size, max_upload_size=config.max_upload_size),
        Middleware(
            SessionMiddleware,
            secret_key=config.secret_key,
            session_cookie="quanzi_session",
            max_age=config.session_max_age,
            same_site="lax",
            https_only=config.secure_cookies,
        ),
        Middleware(GuestPageCache, cache=site.page_cache),
    ]
    app = Starlette(middleware=middleware, exception_handlers=EXCEPTION_HANDLERS)
    app.router = IndexedRouter(routes, lifespan=lifespan)
    app.state.site = site
    return app
