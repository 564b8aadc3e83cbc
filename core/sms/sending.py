"""The ``sms.send`` job: write the message in its language from the theme's ``sms/NAME.txt`` and hand it to the
sender. A refusal or an unreachable gateway fails the job, which the runner retries with backoff."""

from __future__ import annotations

import logging
from typing import Any

from core.accounts.models import SignInKey, User
from core.config import LOCALES
from core.contract.kinds import JobContext, Reach
from core.sms.senders import TextMessage
from core.web import i18n
from core.web.site import Site

log = logging.getLogger("quanzi.sms")


async def send_job(job: JobContext) -> None:
    payload = job.payload
    await send(job.site, payload["to"], payload["template"], payload["params"], payload.get("locale", ""))


async def send(site: Site, to: str, template: str, params: dict[str, Any], locale: str) -> None:
    """Write ``sms/{template}.txt`` in ``locale`` (else the site's language) and hand it to the sender."""
    if site.config.sms is None:
        log.warning("text message %s not sent: QUANZI_SMS_URL is not set", template)
        return
    settings = await site.settings.current()
    locale = locale if locale in LOCALES else str(settings["default_locale"])
    values = {**i18n.template_context(site.catalogues, locale), "site": settings, **params}
    text = site.templates.env.get_template(f"sms/{template}.txt").render(values)
    params = {name: str(value) for name, value in params.items()}
    await site.config.sms.send(TextMessage(to, " ".join(text.split()), params, template))


async def has_phone(user: User) -> bool:
    return await SignInKey.filter(user_id=user.id, method="phone").exists()


async def send_reach(site: Site, user: User, reach: Reach) -> None:
    """A notification by text message to the member's bound number: its sentence and the address to open."""
    key = await SignInKey.get_or_none(user_id=user.id, method="phone")
    if key is not None:
        await send(site, key.key, "notification", {"text": reach.text, "url": reach.url}, reach.locale)
