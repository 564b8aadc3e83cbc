"""Signing in with WeChat: the OAuth 2.0 web authorisation of a service account (公众号) inside WeChat's browser,
and an open-platform website app's QR code (``snsapi_login``) on a computer. The account is found by ``unionid``
when WeChat gives one (the same person in every app bound to one open-platform account), else by the app and
``openid``; the first sign-in makes it, and a member already signed in binds WeChat to their account.

The four calls are WeChat's documented ones: the authorisation page, ``/sns/oauth2/access_token`` (the code, once
and within minutes, for a token and the ``openid``) and ``/sns/userinfo`` (nickname, picture, ``unionid``)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx2
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.accounts import service
from core.accounts.models import SignInKey, User
from core.config import Config, WeChatApp
from core.errors import BadRequest, Conflict, Message

WECHAT = "wechat"  # the sign-in method; its keys: "union:UNIONID" and "APPID:OPENID"
TIMEOUT = 10.0
REFUSED = Message("WeChat did not confirm who you are. Try again from the log-in page.")


def offered(config: Config) -> bool:
    """Whether this site signs in with WeChat: a service account or a website app is configured."""
    return config.wechat is not None or config.wechat_web is not None


def in_wechat(user_agent: str) -> bool:
    """Whether the page is open in WeChat's own browser (which says ``MicroMessenger``)."""
    return "MicroMessenger" in user_agent


def app_for(config: Config, user_agent: str) -> tuple[WeChatApp, str] | None:
    """The app to ask and its scope: the service account inside WeChat, the website app's QR code elsewhere (the
    service account's page, if there is no website app: WeChat asks to open it in WeChat)."""
    if config.wechat is not None and (in_wechat(user_agent) or config.wechat_web is None):
        return config.wechat, "snsapi_userinfo"
    if config.wechat_web is not None:
        return config.wechat_web, "snsapi_login"
    return None


def new_state() -> str:
    return secrets.token_hex(16)  # a-z0-9, as WeChat asks of a state


def authorize_url(config: Config, app: WeChatApp, scope: str, redirect_uri: str, state: str) -> str:
    """WeChat's page where the member agrees; it sends the browser back to ``redirect_uri`` with a code."""
    path = "/connect/qrconnect" if scope == "snsapi_login" else "/connect/oauth2/authorize"
    query = urlencode(
        {"appid": app.app_id, "redirect_uri": redirect_uri, "response_type": "code", "scope": scope, "state": state}
    )
    return f"{config.wechat_open}{path}?{query}#wechat_redirect"


@dataclass(frozen=True)
class WeChatPerson:
    app_id: str
    openid: str
    unionid: str
    nickname: str

    @property
    def keys(self) -> list[str]:
        """The keys this person is found by, the one WeChat shares across apps first."""
        return ([f"union:{self.unionid}"] if self.unionid else []) + [f"{self.app_id}:{self.openid}"]


async def _get(config: Config, path: str, **query: str) -> dict[str, Any]:
    try:
        async with httpx2.AsyncClient(timeout=TIMEOUT) as client:
            answer = await client.get(f"{config.wechat_api}{path}", params=query)
        found = answer.json()
    except (httpx2.HTTPError, ValueError):
        raise BadRequest(REFUSED, code="wechat_unreachable") from None
    if not isinstance(found, dict) or found.get("errcode"):
        raise BadRequest(REFUSED, code="wechat_refused")
    return found


async def person(config: Config, app: WeChatApp, code: str) -> WeChatPerson:
    """Who the code WeChat sent back is: exchange it for a token, then read their profile. BadRequest when WeChat
    refuses (a used or stale code) or gives only a snapshot identity (快照页: not the member's real one)."""
    token = await _get(
        config, "/sns/oauth2/access_token", appid=app.app_id, secret=app.secret, code=code,
        grant_type="authorization_code",
    )  # fmt: skip
    if token.get("is_snapshotuser") or not token.get("openid") or not token.get("access_token"):
        raise BadRequest(REFUSED, code="wechat_refused")
    profile = await _get(
        config, "/sns/userinfo", access_token=str(token["access_token"]), openid=str(token["openid"]), lang="zh_CN"
    )
    unionid = str(profile.get("unionid") or token.get("unionid") or "")
    return WeChatPerson(app.app_id, str(token["openid"]), unionid, clean_nickname(str(profile.get("nickname", ""))))


def clean_nickname(nickname: str) -> str:
    """A WeChat nickname as a display name: emoji and symbols kept, control and format characters (but the
    zero-width joiner of emoji sequences) dropped, at most 64 characters."""
    kept = "".join(
        char for char in nickname if unicodedata.category(char) not in ("Cc", "Cs", "Co") and char != "\ufeff"
    )
    return re.sub(r"\s+", " ", kept).strip()[:64]


async def account_of(found: WeChatPerson) -> User | None:
    return await service.holder_of(WECHAT, found.keys)


async def sign_in(found: WeChatPerson, locale: str = "") -> tuple[User, bool]:
    """The account this person's WeChat opens, or a new one (their nickname as its display name): (the account,
    whether it was made). The keys WeChat gave that the account lacks are added (a unionid seen for the first time)."""
    user, made = await service.account_for_keys(WECHAT, found.keys, "w", display_name=found.nickname, locale=locale)
    if not made:
        await _add_keys(user, found)
    return user, made


async def bind(user: User, found: WeChatPerson) -> None:
    """Bind this person's WeChat to ``user``; Conflict when it opens another account."""
    holder = await account_of(found)
    if holder is not None and holder.id != user.id:
        raise Conflict(Message("This WeChat is bound to another account."), code="wechat_taken")
    await _add_keys(user, found)


async def is_bound(user: User) -> bool:
    return await SignInKey.filter(user_id=user.id, method=WECHAT).exists()


async def _add_keys(user: User, found: WeChatPerson) -> None:
    have = {row.key for row in await SignInKey.filter(user_id=user.id, method=WECHAT)}
    for key in found.keys:
        if key not in have:
            try:
                async with in_transaction():
                    await SignInKey.create(user=user, method=WECHAT, key=key)
            except IntegrityError:
                raise Conflict(Message("This WeChat is bound to another account."), code="wechat_taken") from None
