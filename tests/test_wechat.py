"""Signing in with WeChat (CONTRACT.md, "Phone numbers and WeChat"), against a real HTTP server that speaks
WeChat's documented endpoints: the authorisation page's address, a state bound to the browser and used once, the
account found by unionid (else by app and openid) or made with the nickname, binding WeChat to an account that
signed up by phone, and never unbinding the last way in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from core.accounts.models import SignInKey
from core.config import WeChatApp
from core.testing import another_browser, wait_for_jobs
from core.testing.wechat import WeChatServer

IN_WECHAT = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116.0 Mobile MicroMessenger/8.0.47"
COMPUTER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


@pytest.fixture
def wechat_server():
    server = WeChatServer().start()
    yield server
    server.stop()


@pytest.fixture
def site(quanzi_site, wechat_server, text_gateway):
    client = quanzi_site(
        base_url="https://club.example",
        wechat=WeChatApp("wx-service", "service-secret"),
        wechat_web=WeChatApp("wx-web", "web-secret"),
        wechat_api=wechat_server.url,
        wechat_open=wechat_server.url,
        sms=text_gateway.sender,
    )
    client.wechat, client.gateway = wechat_server, text_gateway
    return client


def browser(site, user_agent=IN_WECHAT):
    opened = another_browser(site)
    opened.base_url = "https://club.example"  # the site's address: its cookies are Secure
    opened.headers["user-agent"] = user_agent
    return opened


def to_wechat(opened, next_path="/"):
    """Start signing in: where WeChat's page is, and the query it was given."""
    answer = opened.get(f"/auth/wechat?next={next_path}", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    return location, {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def back(opened, code, state):
    return opened.get(f"/auth/wechat/callback?code={code}&state={state}", follow_redirects=False)


def me(opened):
    answer = opened.get("/api/v1/me")
    return answer.json() if answer.status_code == 200 else None


def test_inside_wechat_a_guest_signs_up_with_their_nickname_and_comes_back_to_the_same_account(site):
    phone = browser(site)
    location, query = to_wechat(phone, "/search")
    assert location.startswith(f"{site.wechat.url}/connect/oauth2/authorize?") and location.endswith("#wechat_redirect")
    assert query == {
        "appid": "wx-service",
        "redirect_uri": "https://club.example/auth/wechat/callback",
        "response_type": "code",
        "scope": "snsapi_userinfo",
        "state": query["state"],
    }
    code = site.wechat.agree("wx-service", openid="o-mei", unionid="u-mei", nickname="小梅🌸\u0007 <b>")
    landed = back(phone, code, query["state"])
    assert landed.status_code == 303 and landed.headers["location"] == "/search", landed.text[-300:]
    mei = me(phone)
    assert mei["display_name"] == "小梅🌸 <b>" and mei["username"].startswith("w") and mei["email"] == ""
    assert "&lt;b&gt;" in phone.get(f"/u/{mei['username']}").text  # kept as written, shown escaped
    again = browser(site)
    _, query = to_wechat(again)
    back(again, site.wechat.agree("wx-service", openid="o-mei", unionid="u-mei", nickname="小梅"), query["state"])
    assert me(again)["username"] == mei["username"]


def test_on_a_computer_the_website_apps_qr_code_finds_the_same_person_by_unionid(site):
    phone = browser(site)
    _, query = to_wechat(phone)
    back(phone, site.wechat.agree("wx-service", openid="o-service", unionid="u-lei", nickname="雷"), query["state"])
    computer = browser(site, COMPUTER)
    location, query = to_wechat(computer)
    assert "/connect/qrconnect?" in location and query["appid"] == "wx-web" and query["scope"] == "snsapi_login"
    back(computer, site.wechat.agree("wx-web", openid="o-web", unionid="u-lei", nickname="雷"), query["state"])
    assert me(computer)["username"] == me(phone)["username"]


def test_a_wrong_missing_or_reused_state_or_a_refused_code_signs_nobody_in(site):
    opened = browser(site)
    _, query = to_wechat(opened)
    code = site.wechat.agree("wx-service", openid="o-x", unionid="u-x", nickname="x")
    assert back(opened, code, "0" * 32).status_code == 400  # not the state this browser was sent with
    assert back(opened, code, query["state"]).status_code == 400  # the state was spent by the try before
    assert opened.get(f"/auth/wechat/callback?code={code}").status_code == 400
    stranger = browser(site)
    assert back(stranger, code, query["state"]).status_code == 400  # another browser: no state of its own
    _, query = to_wechat(opened)
    assert back(opened, "made-up-code", query["state"]).status_code == 400  # WeChat answers 40029
    _, query = to_wechat(opened)
    snapshot = site.wechat.agree("wx-service", openid="o-s", unionid="u-s", nickname="微信用户", snapshot=True)
    assert back(opened, snapshot, query["state"]).status_code == 400  # a snapshot page's identity is not theirs
    assert me(opened) is None and site.portal.call(_keys) == 0


def test_a_member_who_signed_up_by_phone_binds_wechat_and_later_signs_in_with_it(site):
    phone = browser(site)
    csrf = phone.get("/api/v1/auth/csrf").json()["csrf_token"]
    phone.post("/login/phone", data={"csrf_token": csrf, "step": "send", "phone": "13800138000"})
    wait_for_jobs(site)
    code = site.gateway.code_for("+8613800138000")
    phone.post("/login/phone", data={"csrf_token": csrf, "step": "verify", "phone": "+8613800138000", "code": code})
    username = me(phone)["username"]
    _, query = to_wechat(phone, "/settings")
    bound = back(phone, site.wechat.agree("wx-service", openid="o-p", unionid="u-p", nickname="小芳"), query["state"])
    assert bound.status_code == 303 and bound.headers["location"].startswith("/settings")
    assert phone.get("/api/v1/me/sign-in").json()["ways"] == ["phone", "wechat"]
    later = browser(site)
    _, query = to_wechat(later)
    back(later, site.wechat.agree("wx-service", openid="o-p", unionid="u-p", nickname="小芳"), query["state"])
    assert me(later)["username"] == username
    csrf = phone.get("/api/v1/auth/csrf").json()["csrf_token"]
    assert phone.delete("/api/v1/me/sign-in/phone", headers={"X-CSRF-Token": csrf}).status_code == 204
    last = phone.delete("/api/v1/me/sign-in/wechat", headers={"X-CSRF-Token": csrf})
    assert last.status_code == 409 and last.json()["error"]["code"] == "last_way"


def test_wechat_that_opens_another_account_is_not_bound(site):
    first = browser(site)
    _, query = to_wechat(first)
    back(first, site.wechat.agree("wx-service", openid="o-1", unionid="u-1", nickname="甲"), query["state"])
    second = browser(site)
    second.post(
        "/api/v1/auth/register", json={"username": "yi", "email": "yi@example.com", "password": "long enough pw"}
    )
    csrf = second.get("/api/v1/auth/csrf").json()["csrf_token"]
    second.post(
        "/api/v1/auth/session", json={"login": "yi", "password": "long enough pw"}, headers={"X-CSRF-Token": csrf}
    )
    _, query = to_wechat(second)
    taken = back(second, site.wechat.agree("wx-service", openid="o-1", unionid="u-1", nickname="甲"), query["state"])
    assert taken.status_code == 409
    assert me(second)["username"] == "yi" and site.portal.call(_keys) == 2  # the first account's two keys alone


def test_without_a_wechat_app_the_pages_do_not_offer_it(quanzi_site):
    client = quanzi_site()
    assert client.get("/auth/wechat", follow_redirects=False).status_code == 404
    assert "/auth/wechat" not in client.get("/login").text


async def _keys():
    return await SignInKey.filter(method="wechat").count()


def test_inside_wechat_the_log_in_page_offers_wechat_first(site):
    inside = browser(site).get("/login").text
    assert inside.index('href="/auth/wechat?next=') < inside.index('name="password"')
    outside = browser(site, COMPUTER).get("/login").text
    assert outside.index('name="password"') < outside.index('href="/auth/wechat?next=')
    assert 'href="/login/phone?next=' in outside


def test_the_settings_bind_wechat_and_never_remove_the_last_way_in(site):
    opened = browser(site)
    _, query = to_wechat(opened)
    back(
        opened, site.wechat.agree("wx-service", openid="o-only", unionid="u-only", nickname="只有微信"), query["state"]
    )
    page = opened.get("/settings").text
    assert 'id="wechat-settings"' in page and "/settings/sign-in/wechat/unbind" not in page  # the only way in
    csrf = opened.get("/api/v1/auth/csrf").json()["csrf_token"]
    refused = opened.post("/settings/sign-in/wechat/unbind", data={"csrf_token": csrf})
    assert refused.status_code == 409 and me(opened) is not None
    opened.post("/settings/password", data={"csrf_token": csrf, "new_password": "now a password too"})
    assert "/settings/sign-in/wechat/unbind" in opened.get("/settings").text
    done = opened.post("/settings/sign-in/wechat/unbind", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and opened.get("/api/v1/me/sign-in").json()["ways"] == ["password"]
    assert 'href="/auth/wechat?next=/settings"' in opened.get("/settings").text


def test_the_same_persons_first_sign_ins_at_the_same_moment_make_one_account(site):
    """A member taps "allow" on two phones at once (or WeChat sends them back twice): the first sign-ins race,
    and one account is made, which every one of them signs into."""
    from core.accounts.models import SignInKey
    from core.testing import at_once, run

    phones = [browser(site) for _ in range(6)]
    states = [to_wechat(phone)[1]["state"] for phone in phones]
    codes = [site.wechat.agree("wx-service", openid="o-twin", unionid="u-twin", nickname="双双") for _ in phones]
    cookies = ["; ".join(f"{name}={value}" for name, value in phone.cookies.items()) for phone in phones]
    answers = at_once(
        site,
        len(phones),
        lambda http, n: http.get(
            f"/auth/wechat/callback?code={codes[n]}&state={states[n]}", headers={"cookie": cookies[n]}
        ),
    )
    assert [answer.status_code for answer in answers] == [303] * len(phones), [a.text[-200:] for a in answers]
    holders = run(site, SignInKey.filter(key="union:u-twin").values_list("user_id", flat=True))
    assert len(holders) == 1
    assert len(set(run(site, SignInKey.filter(key="wx-service:o-twin").values_list("user_id", flat=True)))) == 1
