"""The ``sms.send`` job: write the message in its language from the theme's ``sms/NAME.txt`` and hand it to the
sender. A refusal or an unreachable gateway fails the job, which the runner retries with backoff."""

from __future__ import annotations

import logging

from core.config import LOCALES
from core.contract.kinds import JobContext
from core.sms.senders import TextMessage
from core.web import i18n

log = logging.getLogger("quanzi.sms")


async def send_job(job: JobContext) -> None:
    site, payload = job.site, job.payload
    if site.config.sms is None:
        log.warning("text message %s not sent: QUANZI_SMS_URL is not set", payload["template"])
        return
    settings = await site.settings.current()
    locale = str(payload["locale"] if payload.get("locale") in LOCALES else settings["default_locale"])
    values = {**i18n.template_context(site.catalogues, locale), "site": settings, **payload["params"]}
    text = site.templates.env.get_template(f"sms/{payload['template']}.txt").render(values)
    await site.config.sms.send(TextMessage(payload["to"], " ".join(text.split()), payload["params"]))
