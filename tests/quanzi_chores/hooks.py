"""Chores, plugged in: job kinds and an endpoint that enqueues them, and a scenario template that asks questions."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from core.plugins import (
    ApiCall,
    ApiRouter,
    Body,
    Created,
    Field,
    JobContext,
    JobKind,
    Scenario,
    ScenarioContext,
    User,
    ValidationError,
    create_thread,
    enqueue_job,
    hookimpl,
    now,
    require_actor,
    transaction,
)

router = ApiRouter("chores")


def log_run(context: JobContext, event: str = "ran") -> None:
    line = f"{event} {context.payload['n']} {os.getpid()} {context.attempt}\n"
    with open(Path(context.site.config.data_dir) / "chores.log", "a") as log:
        log.write(line)


async def note(context: JobContext) -> None:
    """Writes its run down; fails on tries before ``succeed_on``."""
    if context.attempt < context.payload.get("succeed_on", 1):
        log_run(context, "failed")
        raise RuntimeError(f"not yet (try {context.attempt})")
    await asyncio.sleep(context.payload.get("seconds", 0))  # a job that takes a while: another worker claims meanwhile
    log_run(context)


async def stall(context: JobContext) -> None:
    """Its first try hangs (the test kills its worker meanwhile); a later try writes its run down."""
    if context.attempt == 1:
        log_run(context, "started")
        await asyncio.sleep(3600)
    log_run(context)


class ChoresBody(Body):
    kind: str = "chores.note"
    count: int = 1
    first: int = 0  # the number of the first job
    in_seconds: float = 0
    succeed_on: int = 1
    seconds: float = 0  # how long each takes
    key: str | None = None
    roll_back: bool = False  # enqueue, then fail the request: the jobs must never run


@router.route("POST", "/chores", "Enqueue chores", body=ChoresBody, auth=True, status=201)
async def add(call: ApiCall[ChoresBody]) -> dict[str, Any]:
    require_actor(call.viewer)
    body = call.body
    async with transaction():
        for n in range(body.first, body.first + body.count):
            payload = {"n": n, "succeed_on": body.succeed_on, "seconds": body.seconds}
            await enqueue_job(body.kind, payload, at=now() + timedelta(seconds=body.in_seconds), key=body.key)
        if body.roll_back:
            raise ValidationError({"roll_back": "rolled back on purpose"})
    return {"enqueued": body.count}


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind("chores.note", note, attempts=3), JobKind("chores.stall", stall, lease_seconds=3)]


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [router]


TEAMS = ["Kitchen 厨房", "Garden 花园"]


async def chore_day(context: ScenarioContext) -> list[Created]:
    team = TEAMS[context.answers.get("team") or 0]
    title = context.title or f"Chores on {context.answers['day']} · {team}"
    thread = await create_thread(context.owner, context.circle.slug, title, "Who helps?", max_length=1000)
    return [Created("thread", title, f"/t/{thread.id}")]


@hookimpl
def register_scenarios() -> list[Scenario]:
    questions = (Field("date", "Chore day", required=True, name="day"), Field("single", "Team", TEAMS, name="team"))
    return [Scenario("chore_day", "Chore day", "A thread for a day of chores", chore_day, questions=questions)]


DATA_DIR: list[Path] = []  # the site's, known from its start


@hookimpl
def startup(app: Any) -> None:
    DATA_DIR[:] = [Path(app.state.site.config.data_dir)]


@hookimpl
def member_registered(user: User) -> None:
    with open(DATA_DIR[0] / "members.log", "a") as log:
        log.write(f"registered {user.username}\n")
