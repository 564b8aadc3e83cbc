"""The ``notification.reach`` job: a notification carried by a channel outside the site (a text message, WeChat,
a push), in its member's language. What it is about is checked again when it is sent, as for mail: a member who
has left the private circle, or has read it in the app meanwhile, gets nothing, and no channel carries more than
the sentence, the title and the address."""

from __future__ import annotations

from core.contract.kinds import JobContext, Reach
from core.notifications.service import to_mail


async def send_reach(job: JobContext) -> None:
    site, payload = job.site, job.payload
    found = await to_mail(payload["notification_id"])
    if found is None:
        return
    user, item, _ = found
    channel = site.plugins.notification_channels.get(payload["channel"])
    kind = site.notification_kinds.get(item.kind)
    if channel is None or kind is None or not channel.available(site.config) or not await channel.reachable(user):
        return
    locale = user.locale or (await site.settings.current())["default_locale"]
    actor = (item.actor.display_name or item.actor.username) if item.actor else ""
    sentence = site.catalogues.get(locale).gettext(getattr(kind.text, "msgid", kind.text))
    text = sentence % {"actor": actor, "title": item.title}
    await channel.send(site, user, Reach(kind.name, text, item.title, site.config.link_base + item.url, locale))
