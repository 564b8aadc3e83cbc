"""Queueing mail, in the caller's transaction: the mail goes (by the ``mail.send`` job) only if what caused it
commits, and is retried while the SMTP server is away. Without ``QUANZI_SMTP_URL`` nothing is queued."""

from __future__ import annotations

from email.utils import make_msgid, parseaddr
from typing import Any

from core.accounts.models import User
from core.accounts.names import has_address
from core.jobs.queue import enqueue_job
from core.pluginhost import running

SEND = "mail.send"


def mail_enabled() -> bool:
    """Whether this site sends mail (an SMTP server is configured)."""
    host = running.active()
    return host is not None and host.config.smtp is not None


async def queue_mail(
    to: User | str, template: str, context: dict[str, Any] | None = None, *, locale: str = "", unsubscribe: str = ""
) -> bool:
    """Mail the templates ``mail/{template}.txt`` and ``.html`` with ``context`` (plain JSON values) to a member (in
    their language, to their address as it is when sent) or to an address (in ``locale``, else the site's
    language). ``unsubscribe`` names the kind of mail a member can turn off from it (a notification kind). Whether it
    was queued: nothing is, when the site sends no mail or the member has no address (an account made by phone)."""
    host = running.active()
    if host is None or host.config.smtp is None or (isinstance(to, User) and not has_address(to.email)):
        return False
    domain = parseaddr(host.config.mail_from)[1].rpartition("@")[2] or "localhost"
    payload: dict[str, Any] = {
        "template": template,
        "context": context or {},
        "locale": locale,
        "unsubscribe": unsubscribe,
        "message_id": make_msgid(domain=domain),  # the same for every try, so that a receiver can tell a repeat
    }
    if isinstance(to, User):
        payload["user_id"] = to.id
    else:
        payload["to"] = to
    await enqueue_job(SEND, payload)
    return True
