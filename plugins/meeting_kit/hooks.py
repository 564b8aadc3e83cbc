"""How the meeting kit plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from core.plugins import ApiRouter, JobKind, ModelsApp, Scenario, Slot, SlotContent, hookimpl
from plugins.meeting_kit import api, feedback, routes, scenarios, service

HERE = Path(__file__).parent


@hookimpl
def register_models() -> ModelsApp:
    return ModelsApp(models=["plugins.meeting_kit.models"], migrations="plugins.meeting_kit.migrations")


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
def register_job_kinds() -> list[JobKind]:
    return feedback.JOBS


@hookimpl
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    if slot == Slot.HEAD:
        return SlotContent("meeting_kit/slots/head.html")
    if slot == Slot.THREAD_HEADER and context["thread"].kind == "event":
        meeting = await service.meeting_of_thread(context["thread"].id)
        return SlotContent("meeting_kit/slots/thread_header.html", {"meeting": meeting}) if meeting else None
    return None
