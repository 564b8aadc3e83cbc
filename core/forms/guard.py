"""Guest form protection, one helper for every form a guest may send (a survey, an event's registration, a
complaint, a campaign's sign-up): a honeypot field that people never see, a signed time stamp that shows how long
the form was open, and a limit per client address.

The template puts ``{{ guest_guard() }}`` inside the form; the handler asks ``await guest_check(request, data,
action=..., per_hour=...)``. A caught bot gets False: answer it as if it had succeeded and change nothing, so that
it learns nothing. Too many tries from one address raise TooManyRequests (429), which people are shown plainly.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request

from core.errors import Message
from core.times import now
from core.web.site import site_of

HONEYPOT = "qz_homepage"  # a name no browser fills in by itself, and no person sees
STAMP = "qz_opened"
SALT = "quanzi.guest-form"
MIN_SECONDS = 3  # people take longer than this to fill in a form
MAX_AGE = 24 * 3600  # a page left open for a day is loaded again


LEAVE_EMPTY = Message("Leave this empty")  # the honeypot's label, for the rare person whose stylesheet failed


def guard_fields(secret: str, leave: str = LEAVE_EMPTY) -> Markup:
    """The hidden fields: the honeypot (hidden by the stylesheet, skipped by screen readers and the tab key, labelled
    ``leave``, in the page's language) and the time the form was shown, signed."""
    stamp = TimestampSigner(secret, salt=SALT).sign(secrets.token_urlsafe(6)).decode()
    return Markup(
        '<div class="qz-hp" aria-hidden="true"><label>{leave} <input name="{honeypot}" tabindex="-1" '
        'autocomplete="off"></label></div><input type="hidden" name="{stamp_name}" value="{stamp}">'
    ).format(leave=leave, honeypot=HONEYPOT, stamp_name=STAMP, stamp=stamp)


def is_bot(secret: str, data: FormData, *, min_seconds: float = MIN_SECONDS, require_stamp: bool = True) -> bool:
    """Whether a form was sent by a bot: the honeypot filled, or the stamp forged, stale, or too fresh. Without
    ``require_stamp`` a form without a stamp passes (a client that never loaded the page, as the JSON API's)."""
    if str(data.get(HONEYPOT, "")).strip():
        return True
    stamp = str(data.get(STAMP, ""))
    if not stamp:
        return require_stamp
    try:
        _, opened = TimestampSigner(secret, salt=SALT).unsign(stamp, max_age=MAX_AGE, return_timestamp=True)
    except (BadSignature, SignatureExpired):
        return True
    return (now() - opened).total_seconds() < min_seconds


async def guest_check(
    request: Request,
    data: FormData,
    *,
    action: str,
    per_hour: int,
    min_seconds: float = MIN_SECONDS,
    require_stamp: bool = True,
) -> bool:
    """Whether a guest's form may be taken: counted against the client's address (``per_hour`` tries of
    ``action``; TooManyRequests beyond), then False for a bot."""
    site = site_of(request)
    await site.limit_address(request, f"{per_hour}/hour", action)
    return not is_bot(site.config.secret_key, data, min_seconds=min_seconds, require_stamp=require_stamp)
