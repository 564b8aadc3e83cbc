"""A real HTTP server for tests that speaks WeChat's documented endpoints (``QUANZI_WECHAT_API`` and
``QUANZI_WECHAT_OPEN_URL`` point at it): ``/sns/oauth2/access_token`` (a code, once, for a token and the openid;
``errcode`` 40029 for a used or unknown code, 40125 for a wrong secret) and ``/sns/userinfo``.

    server = WeChatServer().start()
    code = server.agree("wx-app", openid="o1", unionid="u1", nickname="小梅🌸")  # the member taps "allow"
    client.get(f"/auth/wechat/callback?code={code}&state={state}")
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class WeChatServer:
    def __init__(self, secrets_by_app: dict[str, str] | None = None) -> None:
        self.apps = dict(secrets_by_app or {"wx-service": "service-secret", "wx-web": "web-secret"})
        self._codes: dict[str, dict[str, Any]] = {}
        self._tokens: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                with server._lock:
                    server.calls.append((parts.path, query))
                    answer = server.answer(parts.path, query)
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)  # WeChat answers errors with 200 and an errcode
                self.send_header("content-type", "application/json; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def agree(self, app_id: str, *, openid: str, unionid: str = "", nickname: str = "", snapshot: bool = False) -> str:
        """A member agrees on WeChat's page: the code WeChat sends back to the site for them."""
        code = secrets.token_hex(8)
        with self._lock:
            self._codes[code] = {"app": app_id, "openid": openid, "unionid": unionid, "nickname": nickname,
                                 "snapshot": snapshot}  # fmt: skip
        return code

    def answer(self, path: str, query: dict[str, str]) -> dict[str, Any]:
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

    def start(self) -> WeChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
