"""The ``mail.notification`` job: a notification by e-mail, in its member's language, with a link to turn that
kind off. What it is about is checked again when it is sent: a member who has left the circle, or whose post is
gone, or who has read it in the app meanwhile, is mailed nothing."""

from __future__ import annotations

from core.contract.kinds import JobContext, NotificationKind
from core.mail.sending import deliver
from core.notifications.rows import NotificationItem
from core.notifications.service import digest_of, to_mail


def _line(kind: NotificationKind, item: NotificationItem, base: str) -> dict[str, str]:
    """What a mail says of one notification: its sentence (a msgid, translated by the template), who, what, where."""
    actor = item.actor
    return {
        "text": getattr(kind.sentence(item.count), "msgid", kind.sentence(item.count)),
        "count": str(item.count),
        "title": item.title,
        "url": base + item.url,
        "actor": (actor.display_name or actor.username) if actor else "",
    }


async def send_notification(job: JobContext) -> None:
    found = await to_mail(job.payload["notification_id"])
    kind = job.site.notification_kinds.get(found[1].kind) if found else None
    if found is None or kind is None:
        return
    user, notification, excerpt = found
    context = {**_line(kind, notification, job.site.config.link_base), "excerpt": excerpt}
    await deliver(job.site, user, "notification", context, unsubscribe=kind.name)


async def send_digest(job: JobContext) -> None:
    """The daily digest: the member's notifications of the day still unread, of the kinds they chose it for, about
    what they may see now."""
    found = await digest_of(job.payload["user_id"])
    if found is None:
        return
    user, items = found
    kinds = job.site.notification_kinds
    lines = [_line(kinds[item.kind], item, job.site.config.link_base) for item in items if item.kind in kinds]
    context = {"items": lines}
    await deliver(job.site, user, "digest", context, unsubscribe="digest")
