"""The ``mail.send`` job: compose a queued mail for its recipient as they are now, and hand it to the SMTP server.
An SMTP error fails the job, which the runner retries with backoff (nothing is lost while the server is away)."""

from __future__ import annotations

import logging
from typing import Any

from core.accounts.models import User
from core.config import LOCALES
from core.contract.kinds import JobContext
from core.mail.compose import compose, unsubscribe_token
from core.web.site import Site

log = logging.getLogger("quanzi.mail")


async def deliver(
    site: Site,
    to: User | str,
    template: str,
    context: dict[str, Any],
    *,
    locale: str = "",
    unsubscribe: str = "",
    message_id: str = "",
) -> None:
    """Compose and send now: to a member in their language (else ``locale``, else the site's), with an unsubscribe
    link for the kind ``unsubscribe``; or to an address."""
    smtp = site.config.smtp
    if smtp is None:
        log.warning("mail %s not sent: QUANZI_SMTP_URL is not set", template)
        return
    unsubscribe_url = ""
    if isinstance(to, User):
        locale = to.locale or locale
        if unsubscribe:
            token = unsubscribe_token(site.config.secret_key, to.id, unsubscribe)
            unsubscribe_url = f"{site.config.link_base}/unsubscribe/{token}"
        address = to.email
    else:
        address = to
    if locale not in LOCALES:
        locale = (await site.settings.current())["default_locale"]
    message = await compose(
        site, address, template, context, locale, message_id=message_id, unsubscribe_url=unsubscribe_url
    )
    await smtp.send(message)


async def send_job(job: JobContext) -> None:
    payload = job.payload
    to: User | str | None = payload.get("to")
    if "user_id" in payload:
        to = await User.get_or_none(id=payload["user_id"])
        if to is None or to.suspended:
            return  # the account is gone or suspended: nothing to say to it
    assert to is not None
    await deliver(
        job.site,
        to,
        payload["template"],
        payload["context"],
        locale=payload["locale"],
        unsubscribe=payload["unsubscribe"],
        message_id=payload["message_id"],
    )
