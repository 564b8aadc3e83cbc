"""How the flyer campaign plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute

from core.plugins import ApiRouter, ModelsApp, Scenario, Slot, SlotContent, User, hookimpl
from plugins.flyer_campaign import api, routes, scenarios, service, views

HERE = Path(__file__).parent


@hookimpl
def register_models() -> ModelsApp:
    return ModelsApp(models=["plugins.flyer_campaign.models"], migrations="plugins.flyer_campaign.migrations")


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes


@hookimpl
def register_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def register_static_dir() -> Path:
    return HERE / "static"


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [scenarios.SCENARIO]


@hookimpl
async def member_acted(circle_id: int, user: User, act: str, ref: int) -> None:
    await service.became_active(user, circle_id)  # a first post, registration or order: the newcomer takes part


@hookimpl
async def shutdown(app: Starlette) -> None:
    await views.flush()


@hookimpl
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("flyer_campaign/slots/head.html")
    return None
