"""Signing in with a phone number (CONTRACT.md, "Phone numbers and WeChat"): a code by text message through a real
HTTP gateway started by the test, an account found or made by the number, the limits that protect the club's text
message bill (under parallel requests too), binding a number to an account, and nothing offered when the site sends
no text messages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.accounts.models import PhoneCode, Role
from core.testing import another_browser, at_once, make_circle, register, wait_for_jobs
from core.testing import sign_in as sign_in_browser

NUMBER, E164 = "13800138000", "+8613800138000"


@pytest.fixture
def site(quanzi_site, text_gateway):
    client = quanzi_site(sms=text_gateway.sender)
    client.gateway = text_gateway
    return client


def ask(client, number=NUMBER, **headers):
    return client.post("/api/v1/auth/phone/code", json={"phone": number}, headers=headers)


def code_for(client, to=E164, count=1):
    wait_for_jobs(client)
    return client.gateway.code_for(to, count)


def verify(client, code, number=NUMBER):
    return client.post("/api/v1/auth/phone/verify", json={"phone": number, "code": code})


def test_a_guest_signs_up_with_a_number_and_signs_in_again_to_the_same_account(site):
    asked = ask(site, **{"Accept-Language": "zh-CN"})
    assert (asked.status_code, asked.json()) == (202, {})
    (message,) = site.gateway.wait(1)
    assert message["to"] == E164 and "10" in message["text"] and "验证码" in message["text"]
    made = verify(site, code_for(site))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["created"] is True and body["user"]["email"] == "" and body["user"]["has_password"] is False
    me = site.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert me["username"] == body["user"]["username"] and E164 not in str(me)
    assert E164 not in site.get(f"/api/v1/users/{me['username']}").text
    with_time_passing(site)
    ask(site, "+86 138 0013 8000")  # the same number, written another way
    again = verify(site, code_for(site, count=2))
    assert again.status_code == 201 and again.json()["created"] is False
    assert again.json()["user"]["username"] == body["user"]["username"]


def test_the_answer_is_the_same_whether_or_not_the_number_has_an_account(site):
    first = ask(site, "13900139000")
    verify(site, code_for(site, "+8613900139000"))
    known, unknown = ask(site, "13700137000"), ask(site, "13600136000")
    with_time_passing(site)
    known = ask(site, "13900139000")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json()) == (first.status_code, {})


def test_a_wrong_code_makes_nothing_and_five_wrong_tries_kill_the_code(site):
    ask(site)
    right = code_for(site)
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    refused = verify(site, wrong)
    assert refused.status_code == 400 and "code" in refused.json()["error"]["fields"]
    for _ in range(4):
        verify(site, wrong)
    late = verify(site, right)
    assert late.status_code == 400 and "code" in late.json()["error"]["fields"]
    assert site.portal.call(_accounts) == 0


def test_one_code_a_minute_and_ten_a_day_per_number_even_in_parallel(site):
    answers = at_once(site, 10, lambda http, n: http.post("/api/v1/auth/phone/code", json={"phone": NUMBER}))
    assert sorted(answer.status_code for answer in answers) == [202] + [429] * 9
    waits = [int(answer.headers["retry-after"]) for answer in answers if answer.status_code == 429]
    assert all(wait <= 60 for wait in waits), waits
    wait_for_jobs(site)
    assert len(site.gateway.messages) == 1
    for _ in range(9):
        with_time_passing(site)
        assert ask(site).status_code == 202
    with_time_passing(site)
    over = ask(site)
    assert over.status_code == 429 and int(over.headers["retry-after"]) > 3600
    wait_for_jobs(site)
    assert len(site.gateway.messages) == 10


def test_parallel_tries_of_the_right_code_sign_in_once(site):
    ask(site)
    code = code_for(site)
    answers = at_once(
        site, 8, lambda http, n: http.post("/api/v1/auth/phone/verify", json={"phone": NUMBER, "code": code})
    )
    assert sorted(answer.status_code for answer in answers) == [201] + [400] * 7
    assert site.portal.call(_accounts) == 1


def test_a_member_binds_a_number_and_then_signs_in_with_it(site):
    mei, lei = register(site, "mei"), register(site, "lei")
    sent = site.post("/api/v1/me/phone", json={"phone": NUMBER}, headers=mei.auth)
    assert sent.status_code == 200
    code = code_for(site)
    assert verify(site, code).status_code == 400  # a code to bind a number signs nobody in
    bound = site.post("/api/v1/me/phone", json={"phone": NUMBER, "code": code}, headers=mei.auth)
    assert bound.status_code == 200 and bound.json()["phone"] == E164
    with_time_passing(site)
    site.post("/api/v1/me/phone", json={"phone": NUMBER}, headers=lei.auth)
    taken = site.post("/api/v1/me/phone", json={"phone": NUMBER, "code": code_for(site, count=2)}, headers=lei.auth)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "phone_taken"
    with_time_passing(site)
    ask(site)
    signed = verify(site, code_for(site, count=3))
    assert signed.json()["created"] is False and signed.json()["user"]["username"] == "mei"


def test_bad_numbers_are_refused_and_nothing_is_sent(site):
    for bad in ("12345", "not a number", "1380013800", ""):
        refused = ask(site, bad)
        assert refused.status_code == 400 and "phone" in refused.json()["error"]["fields"], bad
    wait_for_jobs(site)
    assert site.gateway.messages == []


def test_without_a_text_message_sender_phone_sign_in_is_off(client):
    assert ask(client).status_code == 404
    assert "/login/phone" not in client.get("/login").text
    assert client.get("/login/phone").status_code == 404


def with_time_passing(client, by=timedelta(minutes=2)):
    """The number's last code sent ``by`` ago (its minute has passed)."""
    client.portal.call(_age_codes, by)


async def _age_codes(by):
    for row in await PhoneCode.all():
        await PhoneCode.filter(id=row.id).update(sent_at=row.sent_at - by)


async def _accounts():
    from core.accounts.models import SignInKey

    return await SignInKey.filter(method="phone").count()


def form_of(page, action):
    """The CSRF token of a page's form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_guest_signs_up_on_the_phone_pages_without_a_password_and_may_set_one(site):
    guest = another_browser(site)
    login = guest.get("/login").text
    assert 'href="/login/phone?next=' in login
    page = guest.get("/login/phone").text
    assert 'type="tel"' in page and 'autocomplete="tel"' in page
    csrf = form_of(page, "/login/phone")
    sent = guest.post("/login/phone", data={"csrf_token": csrf, "step": "send", "phone": NUMBER})
    assert sent.status_code == 200 and 'autocomplete="one-time-code"' in sent.text and E164 in sent.text
    code = code_for(site)
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    refused = guest.post("/login/phone", data={"csrf_token": csrf, "step": "verify", "phone": E164, "code": wrong})
    assert (
        refused.status_code == 400 and 'id="e-code"' in refused.text and 'autocomplete="one-time-code"' in refused.text
    )
    landed = guest.post(
        "/login/phone", data={"csrf_token": csrf, "step": "verify", "phone": E164, "code": code}, follow_redirects=False
    )
    assert landed.status_code == 303 and landed.headers["location"] == "/settings?done=welcome"
    settings = guest.get("/settings").text
    assert E164 in settings and "no-address.invalid" not in settings and 'name="current_password"' not in settings
    csrf = form_of(settings, "/settings/password")
    username = guest.get("/api/v1/me").json()["username"]
    set_password = guest.post("/settings/password", data={"csrf_token": csrf, "new_password": "my own password"})
    assert set_password.status_code == 200
    token = another_browser(site).post("/api/v1/auth/token", json={"login": username, "password": "my own password"})
    assert token.status_code == 201


def test_a_member_binds_a_number_in_the_settings(site):
    register(site, "mei")
    browser = another_browser(site)
    csrf = sign_in_browser(browser, "mei")
    page = browser.get("/settings").text
    assert 'id="phone-settings"' in page
    sent = browser.post("/settings/phone", data={"csrf_token": csrf, "step": "send", "phone": NUMBER})
    assert sent.status_code == 200 and 'autocomplete="one-time-code"' in sent.text
    done = browser.post(
        "/settings/phone",
        data={"csrf_token": csrf, "step": "verify", "phone": E164, "code": code_for(site)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert E164 in browser.get("/settings").text


def test_a_site_that_must_know_its_posters_numbers_asks_for_one_before_a_post(site):
    admin, mei = register(site, "root", Role.ADMIN), register(site, "mei")
    make_circle(site, admin, "club")
    site.post("/api/v1/circles/club/join", headers=mei.auth)
    site.portal.call(_set, "verified_phone_to_post", "1")
    refused = site.post("/api/v1/circles/club/threads", json={"title": "Hi", "body": "there"}, headers=mei.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "phone_unverified"
    site.post("/api/v1/me/phone", json={"phone": NUMBER}, headers=mei.auth)
    site.post("/api/v1/me/phone", json={"phone": NUMBER, "code": code_for(site)}, headers=mei.auth)
    posted = site.post("/api/v1/circles/club/threads", json={"title": "Hi", "body": "there"}, headers=mei.auth)
    assert posted.status_code == 201
    assert site.post("/api/v1/circles/club/threads", json={"title": "A", "body": "b"}, headers=admin.auth).is_success


def test_the_administrator_turns_phone_sign_in_off(site):
    site.portal.call(_set, "sign_in_phone", "0")
    assert ask(site).status_code == 404
    assert "/login/phone" not in site.get("/login").text and site.get("/login/phone").status_code == 404


async def _set(key, value):
    from core.site.models import Setting

    await Setting.update_or_create(defaults={"value": value}, key=key)
