"""Search, registered through the plugin hooks: its API and page, its indexer's life, and the core's documents."""

from __future__ import annotations

import argparse
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from core.contract import hookimpl
from core.contract.kinds import SearchSource
from core.live.postgres import Hearing
from core.search import api, commands, outbox, routes
from core.search.service import make_search
from core.threads.search import SOURCES
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_search_sources() -> list[SearchSource]:
    return SOURCES


@hookimpl
def register_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    command = subparsers.add_parser("reindex", help="rebuild the search index from the database (safe while serving)")
    command.set_defaults(run=commands.cmd_reindex)


@hookimpl
async def startup(app: Starlette) -> None:
    outbox.nudge.reset()
    site = app.state.site
    app.state.search = make_search(site.config, site.plugins)
    # the guests' kept search answers go when the index changes: here, and on PostgreSQL anywhere
    app.state.search.changed = lambda: site.page_cache.forget("/search", "/api/v1/search")
    if app.state.listener is not None and site.config.search == "postgres":
        from core.search.postgres_index import CHANGED

        app.state.listener.on(CHANGED, Hearing(lambda _: app.state.search.changed()))
    await app.state.search.start()


@hookimpl
async def shutdown(app: Starlette) -> None:
    await app.state.search.stop()


@hookimpl
def thread_created() -> None:
    outbox.wake()


@hookimpl
def post_created() -> None:
    outbox.wake()


@hookimpl
def post_edited() -> None:
    outbox.wake()


@hookimpl
def post_deleted() -> None:
    outbox.wake()
