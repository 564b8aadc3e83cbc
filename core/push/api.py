"""JSON API of web push: the site's public key, and a browser's subscription kept or dropped (the settings page's
script calls these; so may an app)."""

from __future__ import annotations

from typing import Any

from core.accounts.signin import current_session
from core.errors import BadRequest, Message
from core.push import keys, service
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("push")


class SubscriptionKeys(Body):
    p256dh: str
    auth: str


class Subscription(Body):
    endpoint: str
    keys: SubscriptionKeys
    expirationTime: int | None = None  # noqa: N815 (the Push API's name); kept by nobody: push services ignore it


class Endpoint(Body):
    endpoint: str


@router.route("GET", "/push/key", "The site's VAPID public key: a browser subscribes with it")
async def public_key(call: ApiCall[None]) -> dict[str, Any]:
    return {"public_key": keys.public_key(call.site.config.data_dir)}


@router.route(
    "POST",
    "/me/push-subscriptions",
    "Keep this browser's push subscription (PushSubscription.toJSON()): urgent notifications come to it by push",
    body=Subscription,
    status=201,
    auth=True,
)
async def subscribe(call: ApiCall[Subscription]) -> dict[str, Any]:
    session_id = current_session(call.request)
    if session_id is None:
        raise BadRequest(Message("Subscribe from a signed-in browser."), code="no_session")
    body = call.body
    await service.subscribe(call.site.config, call.actor, session_id, body.endpoint, body.keys.p256dh, body.keys.auth)
    return {"subscribed": True}


@router.route(
    "DELETE", "/me/push-subscriptions", "Drop a browser's push subscription", body=Endpoint, status=204, auth=True
)
async def unsubscribe(call: ApiCall[Endpoint]) -> None:
    await service.unsubscribe(call.actor, call.body.endpoint)
