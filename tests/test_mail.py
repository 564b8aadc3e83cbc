"""E-mail through a real SMTP server (aiosmtpd, started by the tests): password reset end to end, notification
mails and their unsubscribe links, both languages, a server that refuses for a while, and privacy at send time."""

from __future__ import annotations

import re
import time

import pytest
from conftest import make_circle, make_thread, register
from pages import browser, csrf_of

from core.accounts import reset
from core.jobs.models import Job
from core.testing import PASSWORD, another_browser
from core.testing.mail import html_of, text_of

BASE = "http://club.example"


@pytest.fixture
def site(quanzi_site, mailbox):
    return quanzi_site(smtp=mailbox.server, base_url=BASE, job_retry_seconds=0.2)


def drained(client, timeout=15.0):
    """Wait until no mail job is left (sent, or given up)."""

    async def left():
        return await Job.filter(kind__startswith="mail.").count()

    deadline = time.monotonic() + timeout
    while client.portal.call(left):
        assert time.monotonic() < deadline, "jobs still waiting"
        time.sleep(0.05)


def reset_link(message):
    return re.search(re.escape(BASE) + r"/reset\?token=([\w.\-]+)", text_of(message)).group(1)


def test_a_password_reset_end_to_end_in_the_site_language(site, mailbox):
    alice = register(site, "alice")
    assert site.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"}).status_code == 202
    response = site.post("/api/v1/auth/password-reset", json={"email": alice.email.upper()})
    assert response.status_code == 202 and response.json() == {}
    (mail,) = mailbox.wait(1, "password_reset")
    assert mail["To"] == alice.email and "重设" in mail["Subject"] or "新密码" in mail["Subject"]
    assert "alice" in text_of(mail) and "一小时" in text_of(mail) and f"{BASE}/reset?token=" in html_of(mail)
    assert "testserver" not in mail.as_string()  # links come from QUANZI_BASE_URL, never the request's host
    token = reset_link(mail)
    assert site.get("/api/v1/me", headers=alice.auth).status_code == 200

    confirm = {"token": token, "password": "a brand new secret"}
    response = site.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert response.status_code == 200 and response.json()["user"]["username"] == "alice"
    assert site.get("/api/v1/me", headers=alice.auth).status_code == 401  # her tokens and sessions have ended
    again = site.post("/api/v1/auth/password-reset/confirm", json={**confirm, "password": "yet another one"})
    assert again.status_code == 400 and again.json()["error"]["fields"]["token"]  # once only
    login = {"login": "alice", "password": "a brand new secret"}
    assert site.post("/api/v1/auth/token", json=login).status_code == 201
    drained(site)
    assert len(mailbox.of("password_reset")) == 1  # nothing for the unknown address


def test_the_reset_pages_in_english_and_a_bad_or_expired_link(site, mailbox, monkeypatch):
    alice = register(site, "alice")
    site.patch("/api/v1/me", json={"locale": "en"}, headers=alice.auth)
    page = site.get("/login", headers={"Accept-Language": "en"})
    assert 'href="/forgot"' in page.text
    guest = another_browser(site)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', guest.get("/forgot").text).group(1)
    answer = guest.post("/forgot", data={"csrf_token": csrf, "email": alice.email}, headers={"Accept-Language": "en"})
    unknown = guest.post(
        "/forgot", data={"csrf_token": csrf, "email": "x@example.com"}, headers={"Accept-Language": "en"}
    )
    assert answer.status_code == unknown.status_code == 200
    assert answer.text.replace(alice.email, "x@example.com") == unknown.text  # the same answer either way
    (mail,) = mailbox.wait(1, "password_reset")
    assert mail["Subject"] == "Set a new password for Quanzi 圈子"
    assert "within an hour" in text_of(mail) and "List-Unsubscribe" not in mail  # a reset is not a newsletter
    token = reset_link(mail)

    assert "not valid" in guest.get("/reset?token=forged", headers={"Accept-Language": "en"}).text
    monkeypatch.setattr(reset, "VALID_SECONDS", -1)
    assert guest.get(f"/reset?token={token}").status_code == 400  # expired
    monkeypatch.undo()
    form = guest.get(f"/reset?token={token}", headers={"Accept-Language": "en"})
    assert form.status_code == 200 and "Choose a new password" in form.text
    short = guest.post("/reset", data={"csrf_token": csrf, "token": token, "password": "short"})
    assert (
        short.status_code == 400
        and site.post("/api/v1/auth/token", json={"login": "alice", "password": "short"}).status_code == 401
    )
    done = guest.post(
        "/reset", data={"csrf_token": csrf, "token": token, "password": "long enough now"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/settings?done=reset"
    assert guest.get("/api/v1/me").json()["username"] == "alice"  # signed in with the new password
    assert (
        guest.post(
            "/reset", data={"csrf_token": csrf_of(guest), "token": token, "password": "third password"}
        ).status_code
        == 400
    )


def test_a_refusing_smtp_server_loses_nothing_and_sends_nothing_twice(site, mailbox):
    members = [register(site, name) for name in ("ann", "ben", "cat")]
    drained(site)  # their welcome mails are out
    mailbox.refuse(4)
    for member in members:
        site.post("/api/v1/auth/password-reset", json={"email": member.email})
    mails = mailbox.wait(3, "password_reset")
    drained(site)
    assert mailbox.refusals == 4
    assert sorted(mail["To"] for mail in mailbox.of("password_reset")) == sorted(member.email for member in members)
    assert len({mail["Message-ID"] for mail in mails}) == 3


def test_a_mention_is_mailed_in_the_members_language_until_they_unsubscribe(site, mailbox):
    alice, bob, carol = register(site, "alice"), register(site, "bob"), register(site, "carol")
    site.patch("/api/v1/me", json={"locale": "en"}, headers=bob.auth)
    make_circle(site, alice, "club")
    make_thread(site, alice, "club", "Saturday walk", "Are you coming, @bob and @carol?\n\nBring **water**.")
    mailbox.wait(2, "notification")
    (to_bob,), (to_carol,) = mailbox.to(bob.email, "notification"), mailbox.to(carol.email, "notification")
    assert to_bob["Subject"] == "alice mentioned you in “Saturday walk”"
    assert "Bring water." in text_of(to_bob) and f"{BASE}/p/" in text_of(to_bob)
    assert to_carol["Subject"] == "alice 在“Saturday walk”中提到了你"
    unsubscribe = re.fullmatch(r"<(.+)>", to_bob["List-Unsubscribe"]).group(1)
    assert to_bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and unsubscribe.startswith(
        f"{BASE}/unsubscribe/"
    )

    path = unsubscribe.removeprefix(BASE)
    guest = another_browser(site)
    assert "Stop these e-mails" in guest.get(path, headers={"Accept-Language": "en"}).text  # a button, not done yet
    assert guest.post(path.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 404
    assert guest.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # no cookie, no CSRF token

    make_thread(site, alice, "club", "Sunday", "@bob @carol again")
    mailbox.wait(3, "notification")
    drained(site)
    assert len(mailbox.to(bob.email, "notification")) == 1 and len(mailbox.to(carol.email, "notification")) == 2
    kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=bob.auth).json()["items"]]
    assert kinds == ["mention", "mention"]  # still told in the app


def test_the_settings_choose_mail_app_or_nothing_per_kind(site, mailbox):
    alice, carol = register(site, "alice"), register(site, "carol")
    make_circle(site, alice, "club")
    csrf = browser(site, "bob")
    page = site.get("/settings", headers={"Accept-Language": "en"})
    assert "Mentions of you" in page.text and "In the app and by e-mail" in page.text
    site.post("/settings/notifications", data={"csrf_token": csrf, "mention": "off", "reply": "app"})
    assert site.post("/settings/notifications", data={"csrf_token": csrf, "mention": "loud"}).status_code == 400
    make_thread(site, carol, "club", "Hi", "hello @bob")
    bob_thread = site.post(
        "/api/v1/circles/club/threads", json={"title": "Mine", "body": "x"}, headers={"X-CSRF-Token": csrf}
    ).json()
    site.post(f"/api/v1/threads/{bob_thread['id']}/posts", json={"body": "an answer"}, headers=alice.auth)
    make_thread(site, alice, "club", "Control", "@carol")
    mailbox.wait(1, "notification")
    drained(site)
    assert [mail["To"] for mail in mailbox.of("notification")] == [carol.email]
    items = site.get("/api/v1/notifications").json()["items"]
    assert [item["kind"] for item in items] == ["reply"]  # the mention was off; the reply is in the app only


def test_no_mail_carries_a_private_circle_to_someone_who_left_it(site, mailbox):
    alice, bob, carol, outsider = (register(site, name) for name in ("alice", "bob", "carol", "outsider"))
    make_circle(site, alice, "secret", visibility="private", join_policy="invite")
    for member in (bob, carol):
        site.put(f"/api/v1/circles/secret/members/{member.username}", json={"role": "member"}, headers=alice.auth)
        site.post("/api/v1/circles/secret/join", headers=member.auth)
    drained(site)  # the welcome and invitation mails are out
    before = len(mailbox.of("notification"))
    mailbox.refuse(1_000)  # the mail server is down until bob has left: no try gets through before
    make_thread(site, alice, "secret", "Board minutes", "@bob @carol @outsider the budget is 9000")
    with mailbox._changed:
        assert mailbox._changed.wait_for(lambda: mailbox.refusals >= 2, 15)  # both mails tried, and refused
    site.post("/api/v1/circles/secret/leave", headers=bob.auth)
    refused = mailbox.refusals
    with mailbox._changed:  # tries made since bob left: one of his that began before it is through and refused
        assert mailbox._changed.wait_for(lambda: mailbox.refusals >= refused + 2, 15)
    mailbox.refuse(0)
    mailbox.wait(before + 1, "notification")
    drained(site)
    mentions = mailbox.of("notification")[before:]
    assert [mail["To"] for mail in mentions] == [carol.email] and "9000" in text_of(mentions[0])


def test_without_an_smtp_server_the_admin_area_says_no_mail_is_sent(client):
    csrf = browser(client, "root")
    client.portal.call(_make_admin, "root")
    page = client.get("/admin/background", headers={"Accept-Language": "en"})
    assert "QUANZI_SMTP_URL is not set" in page.text
    response = client.post(
        "/admin/background/test-mail",
        data={"csrf_token": csrf, "to": "a@example.com"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400 and "No mail server is set up" in response.text
    client.post("/api/v1/auth/password-reset", json={"email": "root@example.com"})
    assert client.portal.call(Job.filter(kind__startswith="mail.").count) == 0  # nothing piles up


def test_the_admin_area_shows_the_mail_server_and_sends_a_test_mail(quanzi_site, mailbox):
    site = quanzi_site(smtp=mailbox.server)
    csrf = browser(site, "root")
    site.portal.call(_make_admin, "root")
    page = site.get("/admin/background", headers={"Accept-Language": "en"})
    assert f"smtp://127.0.0.1:{mailbox.server.port}" in page.text and "QUANZI_BASE_URL is not set" in page.text
    response = site.post("/admin/background/test-mail", data={"csrf_token": csrf, "to": "owner@example.com"})
    assert response.status_code == 200 and "测试邮件已排队" in response.text  # the admin reads Chinese ...
    (mail,) = mailbox.wait(1, "test")
    assert mail["To"] == "owner@example.com" and mail["From"] == "Quanzi <noreply@localhost>"
    assert mail["Subject"] == "来自 Quanzi 圈子 的测试邮件"  # ... and so does their test mail


async def _make_admin(username):
    from core.accounts.models import Role, User

    await User.filter(username=username).update(role=Role.ADMIN)


def verify_link(message):
    return re.search(re.escape(BASE) + r"/verify\?token=([\w.\-]+)", text_of(message)).group(1)


async def _require_confirmed_addresses():
    from core.site.models import Setting

    await Setting.update_or_create(defaults={"value": "1"}, key="verified_email_to_post")


def test_a_new_member_confirms_their_address_and_then_may_post(site, mailbox):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    site.portal.call(_require_confirmed_addresses)
    newbie = register(site, "newbie")
    mailbox.wait(2, "verify_email")
    (mail,) = mailbox.to(newbie.email, "verify_email")
    assert mail["To"] == newbie.email and "确认" in mail["Subject"] and "newbie" in text_of(mail)
    assert site.get("/api/v1/me", headers=newbie.auth).json()["email_verified"] is False
    refused = site.post("/api/v1/circles/club/threads", json={"title": "Hi", "body": "x"}, headers=newbie.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "email_unverified"
    assert site.get("/api/v1/circles/club/threads").json()["items"] == []

    token = verify_link(mail)
    guest = another_browser(site)
    page = guest.get(f"/verify?token={token}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and newbie.email in page.text and "Confirm" in page.text
    assert site.get("/api/v1/me", headers=newbie.auth).json()["email_verified"] is False  # opening it is not enough
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = guest.post("/verify", data={"csrf_token": csrf, "token": token}, headers={"Accept-Language": "en"})
    assert done.status_code == 200 and "is confirmed" in done.text
    assert site.get("/api/v1/me", headers=newbie.auth).json()["email_verified"] is True
    assert make_thread(site, newbie, "club", "Hello", "now I may")
    assert guest.post("/verify", data={"csrf_token": csrf, "token": token + "x"}).status_code == 400


def test_the_confirmation_mail_reads_in_the_language_the_member_signed_up_in(site, mailbox):
    """The site speaks Chinese by default; a visitor who signs up on its English pages (their browser's language, or
    the language they chose) is mailed in English, and so is an API client that asks for English."""
    by_page = another_browser(site)
    by_page.cookies.set("quanzi_locale", "en")
    form = {"csrf_token": csrf_of(by_page), "username": "paige", "email": "paige@example.com", "password": PASSWORD}
    assert by_page.post("/register", data=form, follow_redirects=False).status_code == 303
    body = {"username": "ahmed", "email": "ahmed@example.com", "password": PASSWORD}
    assert (
        site.post("/api/v1/auth/register", json=body, headers={"Accept-Language": "en-GB,en;q=0.8"}).status_code == 201
    )
    wei = register(site, "wei")  # no language asked for: the site's
    mailbox.wait(3, "verify_email")
    for address in ("paige@example.com", "ahmed@example.com"):
        (mail,) = mailbox.to(address, "verify_email")
        assert "Confirm" in mail["Subject"] and "确认" not in text_of(mail)
    (chinese,) = mailbox.to(wei.email, "verify_email")
    assert "确认" in chinese["Subject"]
    assert '<option value="en" selected>' in by_page.get("/settings").text  # her setting, to change at will


def test_a_new_address_counts_once_its_link_is_opened(site, mailbox):
    alice, bob = register(site, "alice"), register(site, "bob")
    (welcome,) = mailbox.wait(2, "verify_email")[:1]
    assert welcome["To"] == alice.email
    change = {"email": "Alice.New@Example.com", "password": "wrong password"}
    assert site.post("/api/v1/me/email", json=change, headers=alice.auth).status_code == 400
    taken = site.post("/api/v1/me/email", json={"email": bob.email, "password": PASSWORD}, headers=alice.auth)
    assert taken.status_code == 400 and "email" in taken.json()["error"]["fields"]
    response = site.post("/api/v1/me/email", json={**change, "password": PASSWORD}, headers=alice.auth)
    assert response.status_code == 202
    (mail,) = mailbox.wait(3, "verify_email")[2:]
    assert mail["To"] == "alice.new@example.com" and "alice.new@example.com" in text_of(mail)
    assert site.get("/api/v1/me", headers=alice.auth).json()["email"] == alice.email  # not yet
    confirmed = site.post("/api/v1/auth/verify-email", json={"token": verify_link(mail)})
    assert confirmed.status_code == 200 and confirmed.json()["user"]["email"] == "alice.new@example.com"
    assert confirmed.json()["user"]["email_verified"] is True
    stale = site.post("/api/v1/auth/verify-email", json={"token": verify_link(welcome)})
    assert stale.status_code == 400  # the old address's link died with it


def test_without_mail_the_setting_stops_nobody(client):
    client.portal.call(_require_confirmed_addresses)
    alice = register(client, "alice")
    make_circle(client, alice, "club")
    assert make_thread(client, alice, "club", "Hello", "nobody could confirm an address here")


def test_a_notice_is_mailed_with_its_text_to_its_recipients_only(site, mailbox):
    owner, ann, outsider = register(site, "owner"), register(site, "ann"), register(site, "outsider")
    make_circle(site, owner, "club")
    site.post("/api/v1/circles/club/join", headers=ann.auth)
    drained(site)  # the welcome mails are out
    body = {"title": "Meeting moved", "body": "To **Friday** at 7 pm, room 3."}
    assert site.post("/api/v1/circles/club/notices", json=body, headers=owner.auth).status_code == 201
    (mail,) = mailbox.wait(1, "notification")
    drained(site)
    assert mail["To"] == ann.email and "To Friday at 7 pm, room 3." in text_of(mail)
    assert mailbox.to(outsider.email, "notification") == [] and len(mailbox.of("notification")) == 1


async def _run_digests_now():
    from core.jobs.models import Job
    from core.jobs.queue import nudge
    from core.times import now

    jobs = await Job.filter(kind="mail.digest").values_list("run_at", flat=True)
    await Job.filter(kind="mail.digest").update(run_at=now())
    nudge.set()
    return jobs


def test_a_daily_digest_gathers_the_days_notifications_in_one_mail(site, mailbox):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    alice, bob = register(site, "alice"), register(site, "bob")
    site.patch("/api/v1/me", json={"locale": "en"}, headers=bob.auth)
    make_circle(site, alice, "club")
    assert site.portal.call(_choose, bob, {"mention": "digest", "reply": "digest"}) == {
        "mention": "digest",
        "reply": "digest",
    }
    thread = make_thread(site, alice, "club", "Picnic", "@bob bring a blanket")
    make_thread(site, alice, "club", "Hike", "@bob are you in?")
    drained_but_digests(site)
    assert mailbox.of("notification") == []  # nothing at once
    (run_at,) = site.portal.call(_run_digests_now)  # one digest waits, at 8 in the morning, site time
    assert run_at.astimezone(ZoneInfo("Asia/Shanghai")).hour == 8 and run_at > datetime.now(UTC)
    (digest,) = mailbox.wait(1, "digest")
    assert digest["To"] == bob.email and digest["Subject"] == "Your day at Quanzi 圈子: 2 unread"
    text = text_of(digest)
    assert "alice mentioned you in “Picnic”" in text and "alice mentioned you in “Hike”" in text and thread
    unsubscribe = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"]).group(1).removeprefix(BASE)
    assert another_browser(site).post(unsubscribe).status_code == 200
    assert site.portal.call(_choices, bob) == {"mention": "app", "reply": "app"}


def drained_but_digests(client, timeout=15.0):
    async def left():
        return await Job.filter(kind__startswith="mail.").exclude(kind="mail.digest").count()

    deadline = time.monotonic() + timeout
    while client.portal.call(left):
        assert time.monotonic() < deadline, "jobs still waiting"
        time.sleep(0.05)


async def _choose(member, changes):
    from core.accounts.models import User
    from core.notifications import service

    user = await User.get(username=member.username)
    await service.set_choices(user, changes)
    return {kind: channel.value for kind, channel in (await service.choices(user)).items() if kind in changes}


async def _choices(member):
    from core.accounts.models import User
    from core.notifications import service

    chosen = await service.choices(await User.get(username=member.username))
    return {kind: chosen[kind].value for kind in ("mention", "reply")}


def test_a_digest_holds_nothing_of_a_circle_its_member_has_left(site, mailbox):
    alice, bob = register(site, "alice"), register(site, "bob")
    make_circle(site, alice, "secret", visibility="private", join_policy="invite")
    make_circle(site, alice, "open")
    site.put("/api/v1/circles/secret/members/bob", json={"role": "member"}, headers=alice.auth)
    site.post("/api/v1/circles/secret/join", headers=bob.auth)
    site.portal.call(_choose, bob, {"mention": "digest"})
    make_thread(site, alice, "secret", "Board minutes", "@bob the budget is 9000")
    make_thread(site, alice, "open", "Picnic", "@bob bring a blanket")
    site.post("/api/v1/circles/secret/leave", headers=bob.auth)
    drained_but_digests(site)
    site.portal.call(_run_digests_now)
    (digest,) = mailbox.wait(1, "digest")
    assert (
        "Picnic" in text_of(digest) and "Board minutes" not in digest.as_string() and "9000" not in digest.as_string()
    )


def test_a_reset_link_used_twice_at_once_sets_one_password(site, mailbox):
    from core.testing import at_once

    alice = register(site, "alice")
    site.post("/api/v1/auth/password-reset", json={"email": alice.email})
    token = reset_link(mailbox.wait(1, "password_reset")[0])

    async def confirm(http, index):
        body = {"token": token, "password": f"new password number {index}"}
        return await http.post("/api/v1/auth/password-reset/confirm", json=body)

    answers = at_once(site, 10, confirm)
    assert sorted(answer.status_code for answer in answers) == [200] + [400] * 9
    winner = next(index for index, answer in enumerate(answers) if answer.status_code == 200)
    login = {"login": "alice", "password": f"new password number {winner}"}
    assert site.post("/api/v1/auth/token", json=login).status_code == 201
