"""Queueing text messages, in the caller's transaction, as mail is queued: the ``sms.send`` job sends it only if
what caused it commits, and tries again while the gateway is away. Without ``QUANZI_SMS_URL`` nothing is queued."""

from __future__ import annotations

from core.jobs.queue import enqueue_job
from core.pluginhost import running

SEND = "sms.send"


def sms_enabled() -> bool:
    """Whether this site sends text messages (a sender is configured)."""
    host = running.active()
    return host is not None and host.config.sms is not None


async def queue_text(to: str, template: str, params: dict[str, str], *, locale: str = "") -> bool:
    """Text ``sms/{template}.txt`` with ``params`` (strings: the vendors' templates take them as they are) to the
    E.164 number ``to``, in ``locale`` (else the site's language). Whether it was queued."""
    if not sms_enabled():
        return False
    await enqueue_job(SEND, {"to": to, "template": template, "params": params, "locale": locale})
    return True
