"""The ``notification.reach`` job: a notification carried by a channel outside the site (a text message, WeChat,
a push), in its member's language. What it is about is checked again when it is sent, as for mail: a member who
has left the private circle, or has read it in the app meanwhile, gets nothing, and no channel carries more than
the sentence, the title and the address. A channel that keeps failing a member is switched off for them, and they
are told in the app (and by mail, as they chose)."""

from __future__ import annotations

from core.accounts.models import User
from core.contract.kinds import JobContext, NotificationChannel, NotificationKind, Reach, Unreachable
from core.errors import Message
from core.notifications.audiences import ACCOUNT
from core.notifications.service import REACH_ATTEMPTS, notify_about, reach_arrived, reach_failed, to_mail
from core.web.site import Site

CHANNEL_OFF = NotificationKind(
    "channel_off",
    Message("We could not reach you by “%(title)s” several times, so it is switched off: check your settings"),
    email=True,
    label=Message("A way of reaching you switched off"),
)


async def send_reach(job: JobContext) -> None:
    site, payload = job.site, job.payload
    found = await to_mail(payload["notification_id"])
    if found is None:
        return
    user, item, _ = found
    channel = site.plugins.notification_channels.get(payload["channel"])
    kind = site.notification_kinds.get(item.kind)
    if channel is None or kind is None or not channel.available(site.config):
        return
    locale = user.locale or (await site.settings.current())["default_locale"]
    actor = (item.actor.display_name or item.actor.username) if item.actor else ""
    sentence = _translated(site, locale, kind.sentence(item.count))
    text = sentence % {"actor": actor, "title": item.title, "count": item.count}
    try:
        if not await channel.reachable(user):  # chosen, but their number or last subscribed browser is gone
            raise Unreachable("not reachable")
        await channel.send(site, user, Reach(kind.name, text, item.title, site.config.link_base + item.url, locale))
    except Unreachable as error:
        await _failed(site, user, channel, str(error), locale)
        return
    except Exception as error:
        if job.attempt >= REACH_ATTEMPTS:
            await _failed(site, user, channel, str(error), locale)
        raise
    await reach_arrived(user, channel.name)


def _translated(site: Site, locale: str, text: str) -> str:
    return str(site.catalogues.get(locale).gettext(getattr(text, "msgid", text)))


async def _failed(site: Site, user: User, channel: NotificationChannel, reason: str, locale: str) -> None:
    if await reach_failed(user, channel.name, reason):
        label = _translated(site, locale, channel.label)
        await notify_about(CHANNEL_OFF.name, [user], None, ACCOUNT, user, label, "/settings#notification-settings")
