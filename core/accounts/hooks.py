"""The accounts domain, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute

from core.accounts import (
    api,
    email_routes,
    phone,
    phone_routes,
    reset_routes,
    routes,
    sessions,
    verify,
    wechat,
    wechat_routes,
)
from core.accounts.models import User
from core.accounts.signin import viewer_from_credentials
from core.contract import hookimpl
from core.contract.kinds import JobContext, JobKind, SignInMethod
from core.errors import Message
from core.jobs.queue import enqueue_job, ensure_job
from core.pluginhost import running
from core.times import now
from core.web.jsonapi import ApiRouter


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router]


PASSWORD = "password"


@hookimpl
def register_sign_in_methods() -> list[SignInMethod]:
    return [
        SignInMethod(PASSWORD, Message("Password"), "/login"),
        SignInMethod(wechat.WECHAT, Message("WeChat"), "/auth/wechat", wechat.offered),
        SignInMethod(phone.PHONE, Message("Phone number and a texted code"), "/login/phone", phone.offered),
    ]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return [*routes.routes, *phone_routes.routes, *wechat_routes.routes, *reset_routes.routes, *email_routes.routes]


@hookimpl(trylast=True)
async def actor_from_request(request: Request) -> User | None:
    """The core's own answer: an API token or the session cookie."""
    return await viewer_from_credentials(request)


@hookimpl
async def member_registered(user: User) -> None:
    """A new account is mailed the link that confirms its address."""
    host = running.active()
    if host is not None:
        await verify.send_link(host.config.secret_key, user)


SWEEP = "accounts.sweep"  # daily: sessions over and phone numbers' day counts past are deleted
SWEEP_EVERY = timedelta(days=1)


async def sweep(job: JobContext) -> None:
    await sessions.sweep()
    await phone.sweep()
    await enqueue_job(SWEEP, at=now() + SWEEP_EVERY, key=SWEEP)


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(SWEEP, sweep, attempts=3, lease_seconds=300)]


@hookimpl
async def startup(app: Starlette) -> None:
    await ensure_job(SWEEP, SWEEP, now() + timedelta(hours=1))
