"""The job runners of each server process: one per lane of job kinds (``JobKind.lane``)."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette

from core.contract import hookimpl
from core.contract.kinds import JobKind
from core.jobs.queue import nudge
from core.jobs.runner import JobRunner


@hookimpl
async def startup(app: Starlette) -> None:
    site = app.state.site
    nudge.reset()
    lanes: dict[str, dict[str, JobKind]] = {}
    for name, kind in site.plugins.job_kinds.items():
        lanes.setdefault(kind.lane, {})[name] = kind
    app.state.jobs = [
        JobRunner(site, kinds, retry_seconds=site.config.job_retry_seconds) for _, kinds in sorted(lanes.items())
    ]
    for runner in app.state.jobs:
        runner.start()


@hookimpl
async def shutdown(app: Starlette) -> None:
    await asyncio.gather(*(runner.stop() for runner in app.state.jobs))
