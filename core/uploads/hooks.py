"""Pictures, registered through the plugin hooks: their page and API routes, and the job that forgets unused ones."""

from __future__ import annotations

from starlette.routing import BaseRoute

from core.contract import hookimpl
from core.contract.kinds import JobContext, JobKind
from core.uploads import api, routes
from core.uploads.service import FORGET, forget_unused
from core.web.jsonapi import ApiRouter


async def forget(job: JobContext) -> None:
    await forget_unused(job.payload["sha"], job.site.store)


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(FORGET, forget, attempts=5, lease_seconds=60)]


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return routes.routes
