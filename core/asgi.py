"""The application as uvicorn imports it in each worker process."""

from __future__ import annotations

from starlette.applications import Starlette

from core.app import create_app
from core.config import load_config


def app_factory() -> Starlette:
    return create_app(load_config())
