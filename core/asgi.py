"""The application as uvicorn imports it in each worker process."""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from core.app import create_app
from core.config import load_config


def app_factory() -> Starlette:
    app = create_app(load_config())
    # What the worker has made so far (modules, the plugins, the app) lives as long as it does: moved out of the
    # garbage collector's sight, so that its collections look at what requests make, not at all of it each time
    gc.collect()
    gc.freeze()
    return app
