"""The job runner's life in each server process."""

from __future__ import annotations

from starlette.applications import Starlette

from core.contract import hookimpl
from core.jobs.queue import nudge
from core.jobs.runner import JobRunner


@hookimpl
async def startup(app: Starlette) -> None:
    site = app.state.site
    nudge.reset()
    app.state.jobs = JobRunner(site, site.plugins.job_kinds, retry_seconds=site.config.job_retry_seconds)
    app.state.jobs.start()


@hookimpl
async def shutdown(app: Starlette) -> None:
    await app.state.jobs.stop()
