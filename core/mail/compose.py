"""Mail as the recipient reads it: their language, plain text and HTML from the theme's (or a plugin's)
``mail/NAME.txt`` and ``mail/NAME.html``, links to the site from ``QUANZI_BASE_URL``, and an unsubscribe link (with
RFC 8058 one-click headers) for mail a member may turn off.

The text template's ``subject`` block is the subject line. Templates extend ``mail/layout.txt`` and
``mail/layout.html``, which add the greeting's site name and the footer."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from core.times import site_timezone
from core.web import i18n
from core.web.site import Site

UNSUBSCRIBE_SALT = "quanzi.unsubscribe"


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    """The signed part of an unsubscribe link: which member stops which kind of mail. It does not expire, so that
    the link in an old mail still works."""
    return str(URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).dumps([user_id, kind]))


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    return (user_id, kind) if isinstance(user_id, int) and isinstance(kind, str) else None


async def compose(
    site: Site,
    to: str,
    template: str,
    context: dict[str, Any],
    locale: str,
    *,
    message_id: str = "",
    unsubscribe_url: str = "",
) -> EmailMessage:
    settings = await site.settings.current()
    values = {
        **i18n.template_context(site.catalogues, locale),
        "site": settings,
        "timezone": site_timezone(settings["timezone"]),
        "base_url": site.config.link_base,
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    env = site.templates.env
    text = env.get_template(f"mail/{template}.txt")
    subject = "".join(text.blocks["subject"](text.new_context(values))).strip()
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = site.config.mail_from
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    if message_id:
        message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message["X-Quanzi-Mail"] = template  # which kind of mail: for the recipient's filters (and the tests)
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text.render(values))
    message.add_alternative(env.get_template(f"mail/{template}.html").render(values), subtype="html")
    return message
