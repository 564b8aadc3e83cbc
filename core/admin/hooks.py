"""The admin area, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.admin import background, routes
from core.contract import hookimpl


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes + background.routes
