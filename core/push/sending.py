"""A notification by web push to each of the member's subscribed browsers: encrypted for each (RFC 8291,
``aes128gcm``) and signed with the site's VAPID key, by ``pywebpush``. A push service that says a subscription is
gone (404, 410) has it deleted; when none is left the member is unreachable this way."""

from __future__ import annotations

import json
import logging
from email.utils import parseaddr

from core.accounts.models import User
from core.config import Config
from core.contract.kinds import Reach, Unreachable
from core.push.keys import vapid_key
from core.push.models import PushSubscription
from core.push.service import subscriptions_of
from core.web.site import Site

log = logging.getLogger("quanzi.push")
TTL = 24 * 3600  # a phone that is off for a day misses it: it is urgent or it is nothing
GONE = (404, 410)


def contact(config: Config) -> str:
    """Whom a push service may write to about the site's pushes (VAPID's ``sub``): the site's https address, else
    its sender address."""
    return config.base_url if config.base_url.startswith("https://") else f"mailto:{parseaddr(config.mail_from)[1]}"


async def push(config: Config, subscription: PushSubscription, payload: dict[str, str]) -> bool:
    """Post ``payload`` to one browser; False when its push service says it is gone (it is deleted). Raises for a
    failure worth trying again."""
    from pywebpush import WebPushException, webpush_async  # loaded by the process that pushes, not every command

    try:
        await webpush_async(
            {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid_key(config.data_dir),
            vapid_claims={"sub": contact(config)},
            ttl=TTL,
            timeout=10,
            headers={"Urgency": "high"},
        )
    except WebPushException as error:
        status = error.response.status if error.response is not None else None
        if status in GONE:
            await PushSubscription.filter(id=subscription.id, endpoint=subscription.endpoint).delete()
            return False
        raise
    return True


async def send_reach(site: Site, user: User, reach: Reach) -> None:
    """The notification's sentence under the site's name, opening its address when tapped."""
    import aiohttp
    from pywebpush import WebPushException

    settings = await site.settings.current()
    payload = {"title": settings["site_name"], "body": reach.text, "url": reach.url, "tag": reach.kind}
    reached, failures = 0, []
    for subscription in await subscriptions_of(user):
        try:
            reached += await push(site.config, subscription, payload)
        except (TimeoutError, WebPushException, aiohttp.ClientError) as error:
            log.warning("push to %s failed: %s", subscription.endpoint.split("/")[2], error)
            failures.append(error)
    if reached:
        return  # one of their browsers has it: trying again would push twice to those that do
    if failures:
        raise failures[0]
    raise Unreachable("no browser of theirs is subscribed any more")
