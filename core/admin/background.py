"""The admin area's "Mail and jobs" page: whether mail can be sent, the background jobs waiting, failing or dead,
and a retry for the dead."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.admin.pages import admin_only, admin_page
from core.jobs.models import Job, JobState
from core.jobs.queue import retry_job
from core.web.forms import read_form

TROUBLE = 50  # failing and dead jobs listed


async def background(request: Request) -> Response:
    await admin_only(request)
    counts = {state.value: await Job.filter(state=state).count() for state in JobState}
    trouble = await Job.exclude(last_error="").order_by("-state", "-id").limit(TROUBLE)
    return await admin_page(request, "admin/background.html", {"counts": counts, "trouble": trouble})


async def retry(request: Request) -> Response:
    await read_form(request)
    await admin_only(request)
    await retry_job(request.path_params["id"])
    return RedirectResponse("/admin/background?done=retried", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/background", background, methods=["GET"]),
    Route("/admin/background/jobs/{id:int}/retry", retry, methods=["POST"]),
]
