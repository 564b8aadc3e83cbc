"""A real HTTP server for tests that speaks WeChat's documented endpoints (``QUANZI_WECHAT_API`` and
``QUANZI_WECHAT_OPEN_URL`` point at it): ``/sns/oauth2/access_token`` (a code, once, for a token and the openid;
``errcode`` 40029 for a used or unknown code, 40125 for a wrong secret) and ``/sns/userinfo``; for the service
account's template messages, ``/cgi-bin/stable_token`` and ``/cgi-bin/message/template/send`` (43004 for a member
who does not follow the account: add their openid to ``unfollowed``).

    server = WeChatServer().start()
    code = server.agree("wx-app", openid="o1", unionid="u1", nickname="小梅🌸")  # the member taps "allow"
    client.get(f"/auth/wechat/callback?code={code}&state={state}")

A real browser sent to its authorisation page comes straight back agreeing as ``server.member`` (``{"openid":
..., "unionid": ..., "nickname": ...}``), as WeChat does once the member taps "allow".
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from core.testing.standin import Answer, StandIn

AUTHORISE = ("/connect/oauth2/authorize", "/connect/qrconnect")


class WeChatServer(StandIn):
    def __init__(self, secrets_by_app: dict[str, str] | None = None) -> None:
        super().__init__()
        self.apps = dict(secrets_by_app or {"wx-service": "service-secret", "wx-web": "web-secret"})
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.template_messages: list[dict[str, Any]] = []  # each template message sent, as POSTed
        self.unfollowed: set[str] = set()  # openids of members who do not follow the service account
        self._access_tokens: set[str] = set()
        self.member: dict[str, str] | None = None  # who agrees on the authorisation page a browser is sent to

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Answer:
        parts = urlsplit(path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if method == "GET" and parts.path in AUTHORISE and self.member is not None:  # the member taps "allow"
            code = self._agree(query.get("appid", ""), self.member)
            back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
            return Answer(302, headers={"location": back})
        self.calls.append((parts.path, query))
        if method == "POST":
            found = self.answer_post(parts.path, query, json.loads(body or b"{}"))
        else:
            found = self.answer_get(parts.path, query)
        # WeChat answers errors with 200 and an errcode
        content = {"content-type": "application/json; charset=utf-8"}
        return Answer(200, json.dumps(found, ensure_ascii=False).encode(), content)

    def agree(self, app_id: str, *, openid: str, unionid: str = "", nickname: str = "", snapshot: bool = False) -> str:
        """A member agrees on WeChat's page: the code WeChat sends back to the site for them."""
        with self.lock:
            person = {"openid": openid, "unionid": unionid, "nickname": nickname, "snapshot": snapshot}
            return self._agree(app_id, person)

    def _agree(self, app_id: str, person: dict[str, Any]) -> str:
        code = secrets.token_hex(8)
        self._codes[code] = {"app": app_id, "unionid": "", "nickname": "", "snapshot": False, **person}
        return code

    def answer_get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        if path == "/sns/oauth2/access_token":
            if self.apps.get(query.get("appid", "")) != query.get("secret") or query.get("grant_type") != (
                "authorization_code"
            ):
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            person = self._codes.pop(query.get("code", ""), None)
            if person is None or person["app"] != query["appid"]:
                return {"errcode": 40029, "errmsg": "invalid code"}
            token = secrets.token_hex(16)
            self._tokens[token] = person
            answer = {"access_token": token, "expires_in": 7200, "refresh_token": secrets.token_hex(16),
                      "openid": person["openid"], "scope": "snsapi_userinfo"}  # fmt: skip
            if person["unionid"]:
                answer["unionid"] = person["unionid"]
            if person["snapshot"]:
                answer["is_snapshotuser"] = 1
            return answer
        if path == "/sns/userinfo":
            person = self._tokens.get(query.get("access_token", ""))
            if person is None or person["openid"] != query.get("openid"):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            profile = {"openid": person["openid"], "nickname": person["nickname"], "sex": 0, "headimgurl": ""}
            return {**profile, **({"unionid": person["unionid"]} if person["unionid"] else {})}
        return {"errcode": 40066, "errmsg": "invalid url"}

    def answer_post(self, path: str, query: dict[str, str], sent: dict[str, Any]) -> dict[str, Any]:
        if path == "/cgi-bin/stable_token":
            if self.apps.get(sent.get("appid", "")) != sent.get("secret") or sent.get("grant_type") != (
                "client_credential"
            ):
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            token = secrets.token_hex(16)
            self._access_tokens.add(token)
            return {"access_token": token, "expires_in": 7200}
        if path == "/cgi-bin/message/template/send":
            if query.get("access_token") not in self._access_tokens:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            if not sent.get("touser") or not sent.get("template_id"):
                return {"errcode": 40037, "errmsg": "invalid template_id"}
            if sent["touser"] in self.unfollowed:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            self.template_messages.append(sent)
            return {"errcode": 0, "errmsg": "ok", "msgid": len(self.template_messages)}
        return {"errcode": 40066, "errmsg": "invalid url"}
