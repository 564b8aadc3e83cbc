"""Which browser answers a public survey as a guest: a random token in a long-lived cookie, kept in the database
only as its SHA-256 (``SurveyResponse.guest_key``), so that one browser answers a survey once."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from core.plugins import User, guest_check, site_of
from plugins.polls import surveys

COOKIE = "quanzi_respondent"
MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_key(request: Request) -> str | None:
    """The key of the browser's token, if it has one."""
    token = request.cookies.get(COOKIE, "")
    return _key(token) if 20 <= len(token) <= 100 else None


def guest_token(request: Request) -> tuple[str, str | None]:
    """The browser's key, and a new token to give it (``remember``) when it had none."""
    key = guest_key(request)
    if key is not None:
        return key, None
    token = secrets.token_urlsafe(32)
    return _key(token), token


def remember(request: Request, response: Response, token: str) -> None:
    """Give the browser its token (sent back only to this site, never readable by scripts)."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=site_of(request).config.secure_cookies,
    )


ACTION = "polls:survey-answer"


async def answer(
    request: Request, viewer: User | None, survey_id: int, answers: Any, form: FormData | None = None
) -> str | None:
    """Record ``viewer``'s answers, or a guest browser's (rate limited by address; from the page's ``form``, with
    the guest form protection: a bot's answers are dropped as if they were taken); the new token to give the
    browser (``remember``), if it needs one."""
    site = site_of(request)
    if viewer is not None:
        await surveys.respond(viewer, survey_id, answers)
        return None
    settings = site.plugin_settings("polls")
    per_hour = settings["guest_answers_per_hour"]
    if form is None:
        await site.limit_address(request, f"{per_hour}/hour", ACTION)
    elif not await guest_check(
        request, form, action=ACTION, per_hour=per_hour, min_seconds=settings["guest_min_seconds"], require_stamp=False
    ):
        return None
    key, token = guest_token(request)
    await surveys.respond(None, survey_id, answers, key)
    return token
