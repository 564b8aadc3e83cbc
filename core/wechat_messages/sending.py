"""Sending a template message through the service account: its access token from ``/cgi-bin/stable_token`` (kept
until shortly before it expires; the stable token does not cut off another machine's), then
``/cgi-bin/message/template/send`` to the member's ``openid`` of that account, opening the notification's address.
A member who does not follow the account (43004) or whose openid WeChat no longer knows (40003) cannot be reached
this way: ``Unreachable``; any other refusal is tried again."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

import httpx2

from core.accounts.models import SignInKey, User
from core.config import Config, WeChatApp
from core.contract.kinds import Reach, Unreachable
from core.pluginhost import running
from core.times import site_timezone
from core.web.site import Site
from core.wechat_messages.templates import template_for

log = logging.getLogger("quanzi.wechat")
TIMEOUT = 10.0
STALE_TOKEN = (40001, 40014, 42001)  # a token WeChat no longer takes: fetch another
UNREACHABLE = {43004: "does not follow the service account", 40003: "an openid WeChat does not know"}
THING = 20  # the characters a "thing" field shows
_tokens: dict[str, tuple[str, float]] = {}  # app id: (access token, when to fetch another)


async def _call(client: httpx2.AsyncClient, url: str, **kwargs: Any) -> dict[str, Any]:
    answer = await client.post(url, **kwargs)
    found = answer.json()
    if not isinstance(found, dict):
        raise RuntimeError(f"WeChat answered {answer.status_code}: {answer.text[:200]}")
    return found


async def access_token(config: Config, app: WeChatApp, client: httpx2.AsyncClient) -> str:
    kept = _tokens.get(app.app_id)
    if kept is not None and kept[1] > time.monotonic():
        return kept[0]
    body = {"grant_type": "client_credential", "appid": app.app_id, "secret": app.secret}
    found = await _call(client, f"{config.wechat_api}/cgi-bin/stable_token", json=body)
    if not found.get("access_token"):
        raise RuntimeError(f"WeChat gave no access token: {found.get('errcode')} {found.get('errmsg')}")
    _tokens[app.app_id] = (str(found["access_token"]), time.monotonic() + int(found.get("expires_in", 7200)) - 300)
    return str(found["access_token"])


async def openid_of(app: WeChatApp, user: User) -> str | None:
    """The member's openid of the service account (they signed in with it, or bound it), or None."""
    key = await SignInKey.filter(user_id=user.id, method="wechat", key__startswith=f"{app.app_id}:").first()
    return key.key.removeprefix(f"{app.app_id}:") if key else None


async def reachable(user: User) -> bool:
    host = running.active()
    app = host.config.wechat if host is not None else None
    return app is not None and await openid_of(app, user) is not None


def _values(fields: dict[str, str], reach: Reach, site_name: str, zone: str) -> dict[str, dict[str, str]]:
    sources = {
        "text": reach.text,
        "title": reach.title or reach.text,
        "time": datetime.now(site_timezone(zone)).strftime("%Y-%m-%d %H:%M"),
        "site": site_name,
    }
    values = {}
    for field, source in fields.items():
        value = sources[source]
        values[field] = {
            "value": value[: THING - 1] + "…" if field.startswith("thing") and len(value) > THING else value
        }
    return values


async def send_reach(site: Site, user: User, reach: Reach) -> None:
    app = site.config.wechat
    template = await template_for(reach.kind)
    if app is None or template is None:
        log.warning("no WeChat template for %s: set one in the admin area", reach.kind)
        return
    openid = await openid_of(app, user)
    if openid is None:
        raise Unreachable("WeChat is not bound")
    settings = await site.settings.current()
    template_id, fields = template
    message = {
        "touser": openid,
        "template_id": template_id,
        "url": reach.url,
        "data": _values(fields, reach, settings["site_name"], settings["timezone"]),
    }
    async with httpx2.AsyncClient(timeout=TIMEOUT) as client:
        token = await access_token(site.config, app, client)
        url = f"{site.config.wechat_api}/cgi-bin/message/template/send"
        found = await _call(client, url, params={"access_token": token}, json=message)
    code = int(found.get("errcode", 0))
    if code in STALE_TOKEN:
        _tokens.pop(app.app_id, None)
    if code in UNREACHABLE:
        raise Unreachable(UNREACHABLE[code])
    if code:
        raise RuntimeError(f"WeChat refused the template message: {code} {found.get('errmsg')}")
