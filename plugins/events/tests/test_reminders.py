"""Reminders and messages reach registered members through a real SMTP server (aiosmtpd, started by the tests),
in their language, checked at send time: who left the circle or cancelled gets nothing, nobody gets one twice."""

from __future__ import annotations

import re
import time
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from core.plugins import JobContext
from core.testing import Member, jobs_of, make_circle, register, run_job_now, wait_for_jobs
from core.testing.mail import Mailbox, text_of
from plugins.events import reminders
from plugins.events.tests.test_events import later, new_event, sign_up

BASE = "http://club.example"


@pytest.fixture
def site(quanzi_site: Any, mailbox: Mailbox) -> TestClient:
    return quanzi_site(plugins=["events"], smtp=mailbox.server, base_url=BASE, job_retry_seconds=0.2)


@pytest.fixture
def board(site: TestClient) -> dict[str, Member]:
    people = {name: register(site, name) for name in ("boss", "mei", "wen", "lee")}
    make_circle(site, people["boss"], "board", visibility="private")
    for name in ("mei", "wen", "lee"):
        site.put(f"/api/v1/circles/board/members/{name}", json={"role": "member"}, headers=people["boss"].auth)
        assert site.post("/api/v1/circles/board/join", headers=people[name].auth).status_code == 200
    return people


def test_the_hour_reminder_reaches_those_still_registered_once_in_their_language(site, mailbox, board):
    boss = board["boss"]
    event = new_event(
        site,
        boss,
        "board",
        title="Board meeting 理事会",
        capacity=2,
        starts_at=later(minutes=90),
        ends_at=later(minutes=150),
    )
    for name in ("mei", "wen", "lee"):
        sign_up(site, board[name], event["id"])  # lee waits
    assert site.delete("/api/v1/circles/board/members/wen", headers=boss.auth).status_code == 204

    assert sorted(jobs_of(site, reminders.REMIND)) == [
        f"{reminders.REMIND}:{event['id']}:hour"
    ]  # a day before is already past
    run_job_now(site, f"{reminders.REMIND}:{event['id']}:hour")
    (mail,) = mailbox.wait(1, reminders.MAIL)
    wait_for_jobs(site)
    assert mail["To"] == board["mei"].email
    assert mail["Subject"] == "一小时后开始：Board meeting 理事会"  # the site's language: the member chose none
    body = text_of(mail)
    assert "Board meeting 理事会" in body and f"{BASE}/events/{event['id']}/ticket" in body

    async def again() -> None:  # the job run a second time (a crash after sending): nobody gets it twice
        await reminders.remind(JobContext({"event_id": event["id"], "reminder": "hour"}, None, 2))

    site.portal.call(again)
    wait_for_jobs(site)
    time.sleep(0.3)
    assert len(mailbox.of(reminders.MAIL)) == 1


def test_moving_the_start_moves_the_reminders(site, board):
    boss = board["boss"]
    event = new_event(site, boss, "board", starts_at=later(days=3), ends_at=later(days=3, hours=1))

    def times() -> dict[str, datetime]:
        return {key.rsplit(":", 1)[1]: at for key, at in jobs_of(site, reminders.REMIND).items()}

    before = times()
    assert sorted(before) == ["day", "hour"]
    moved = site.patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": later(days=5), "ends_at": later(days=5, hours=1)},
        headers=boss.auth,
    )
    assert moved.status_code == 200
    after = times()
    assert sorted(after) == ["day", "hour"] and (after["day"] - before["day"]).days == 2


def test_organisers_message_the_confirmed_members_in_app_and_by_mail(site, mailbox, board):
    boss = board["boss"]
    event = new_event(site, boss, "board", capacity=1)
    sign_up(site, board["mei"], event["id"])
    sign_up(site, board["lee"], event["id"])  # waitlisted: not told
    refused = site.post(
        f"/api/v1/events/{event['id']}/messages", json={"title": "Room", "body": "x"}, headers=board["mei"].auth
    )
    assert refused.status_code == 403
    sent = site.post(
        f"/api/v1/events/{event['id']}/messages",
        json={"title": "Room changed 换会议室", "body": "We meet in room **8**."},
        headers=boss.auth,
    )
    assert sent.status_code == 201 and sent.json()["recipients"] == 1
    wait_for_jobs(site)
    (mail,) = [mail for mail in mailbox.of("notification") if "Room changed 换会议室" in mail["Subject"]]
    assert mail["To"] == board["mei"].email and "room 8" in text_of(mail)
    told = site.get("/api/v1/notifications", headers=board["lee"].auth).json()["items"]
    assert [item["kind"] for item in told] == ["invited"]  # nothing of the message
    receipts = site.get(sent.json()["url"], headers={**boss.auth, "accept-language": "en"}).text
    assert "Not read yet" in receipts and "mei" in receipts


def test_a_member_promoted_from_the_waitlist_is_mailed_once_the_cancellation_commits(site, mailbox, board):
    boss = board["boss"]
    event = new_event(site, boss, "board", title="Tasting 品鉴会", capacity=1)
    sign_up(site, board["mei"], event["id"])
    sign_up(site, board["lee"], event["id"])
    assert site.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=board["mei"].auth).status_code == 200
    wait_for_jobs(site)
    (mail,) = [mail for mail in mailbox.of("notification") if "Tasting 品鉴会" in mail["Subject"]]
    assert mail["To"] == board["lee"].email and "有名额空出" in mail["Subject"]


def test_a_reminder_reaches_the_phone_of_a_member_who_chose_text_messages_and_nobody_who_left(
    quanzi_site, text_gateway
):
    """Members who bound a number and chose "also by text message" for reminders get one (the sentence and the
    address, nothing of the circle's writing); one who left the private circle since gets nothing."""
    site = quanzi_site(plugins=["events"], sms=text_gateway.sender, base_url=BASE)
    people = {name: register(site, name) for name in ("boss", "mei", "wen")}
    make_circle(site, people["boss"], "board", visibility="private")
    for number, name in enumerate(("mei", "wen")):
        site.put(f"/api/v1/circles/board/members/{name}", json={"role": "member"}, headers=people["boss"].auth)
        site.post("/api/v1/circles/board/join", headers=people[name].auth)
        phone = f"1380013800{number}"
        site.post("/api/v1/me/phone", json={"phone": phone}, headers=people[name].auth)
        wait_for_jobs(site)
        code = text_gateway.code_for(f"+86{phone}")
        site.post("/api/v1/me/phone", json={"phone": phone, "code": code}, headers=people[name].auth)
        settings = site.get("/api/v1/me/notification-settings", headers=people[name].auth).json()
        assert (
            settings["kinds"][reminders.REMINDED]["urgent"]
            and {"name": "sms", "reachable": True} in settings["channels"]
        )
        chosen = site.put(
            "/api/v1/me/notification-settings", json={"reach": [[reminders.REMINDED, "sms"]]}, headers=people[name].auth
        )
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["kinds"][reminders.REMINDED]["reach"] == ["sms"]
    event = new_event(
        site, people["boss"], "board", title="理事会 Board", starts_at=later(minutes=90), ends_at=later(minutes=150)
    )
    for name in ("mei", "wen"):
        sign_up(site, people[name], event["id"])
    site.delete("/api/v1/circles/board/members/wen", headers=people["boss"].auth)  # wen has left
    sent_before = len(text_gateway.messages)
    run_job_now(site, f"{reminders.REMIND}:{event['id']}:hour")
    wait_for_jobs(site)
    wait_for_jobs(site)  # the reminder's own job, then the text message's
    texts = text_gateway.messages[sent_before:]
    assert [message["to"] for message in texts] == ["+8613800138000"]
    assert "理事会 Board" in texts[0]["text"] and f"{BASE}/t/" in texts[0]["text"]
    listed = site.get("/api/v1/notifications", headers=people["mei"].auth).json()["items"]
    assert reminders.REMINDED in [item["kind"] for item in listed]  # in the app too


def _chooses(site: TestClient, member: Member, *channels: str) -> None:
    chosen = site.put(
        "/api/v1/me/notification-settings",
        json={"reach": [[reminders.REMINDED, channel] for channel in channels]},
        headers=member.auth,
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["kinds"][reminders.REMINDED]["reach"] == sorted(channels)


def _bind_phone(site: TestClient, gateway: Any, member: Member, phone: str) -> None:
    site.post("/api/v1/me/phone", json={"phone": phone}, headers=member.auth)
    wait_for_jobs(site)
    code = gateway.code_for(f"+86{phone}")
    assert site.post("/api/v1/me/phone", json={"phone": phone, "code": code}, headers=member.auth).status_code == 200


def _remind(site: TestClient, owner: Member, members: list[Member], title: str) -> None:
    event = new_event(site, owner, "board", title=title, starts_at=later(minutes=90), ends_at=later(minutes=150))
    for member in members:
        sign_up(site, member, event["id"])
    run_job_now(site, f"{reminders.REMIND}:{event['id']}:hour")
    wait_for_jobs(site)
    wait_for_jobs(site)  # the reminder's own job, then each channel's


def test_a_reminder_reaches_a_member_by_text_message_and_by_web_push(quanzi_site, text_gateway, push_service):
    """Mei bound her number and subscribed her phone's browser; she chose both for reminders: one reminder comes
    as a text message and as a push that her browser alone can read, signed with the site's key."""
    site = quanzi_site(plugins=["events"], sms=text_gateway.sender, base_url=BASE, push_services=(push_service.url,))
    boss, mei = register(site, "boss"), register(site, "mei")
    make_circle(site, boss, "board", visibility="private")
    site.put("/api/v1/circles/board/members/mei", json={"role": "member"}, headers=boss.auth)
    site.post("/api/v1/circles/board/join", headers=mei.auth)
    _bind_phone(site, text_gateway, mei, "13800138000")
    subscribed = site.post("/api/v1/me/push-subscriptions", json=push_service.subscribe(), headers=mei.auth)
    assert subscribed.status_code == 201, subscribed.text
    channels = site.get("/api/v1/me/notification-settings", headers=mei.auth).json()["channels"]
    assert {"name": "push", "reachable": True} in channels and {"name": "sms", "reachable": True} in channels
    _chooses(site, mei, "sms", "push")
    sent_before = len(text_gateway.messages)
    _remind(site, boss, [mei], "理事会 Board")
    (text,) = text_gateway.messages[sent_before:]
    assert text["to"] == "+8613800138000" and "理事会 Board" in text["text"]
    (pushed,) = push_service.wait(1)
    assert "理事会 Board" in pushed["payload"]["body"] and pushed["payload"]["url"].startswith(f"{BASE}/t/")
    assert pushed["payload"]["tag"] == reminders.REMINDED


def test_a_channel_that_keeps_failing_a_member_is_switched_off_and_they_are_told(quanzi_site, push_service):
    """Mei's phone uninstalled the site: its push service answers 410 and the subscription goes; with no browser
    left, each reminder fails to reach her by push. A success in between forgets the failures; the third failure
    in a row switches push off for her, and a notification tells her so."""
    site = quanzi_site(plugins=["events"], base_url=BASE, push_services=(push_service.url,))
    boss, mei = register(site, "boss"), register(site, "mei")
    make_circle(site, boss, "board")
    site.post("/api/v1/circles/board/join", headers=mei.auth)
    subscription = push_service.subscribe()
    site.post("/api/v1/me/push-subscriptions", json=subscription, headers=mei.auth)
    _chooses(site, mei, "push")
    push_service.gone.add(subscription["endpoint"])
    for number in range(2):
        _remind(site, boss, [mei], f"Walk {number}")
    assert site.get("/api/v1/me/notification-settings", headers=mei.auth).json()["kinds"][reminders.REMINDED][
        "reach"
    ] == ["push"]  # two failures: still chosen
    site.post("/api/v1/me/push-subscriptions", json=push_service.subscribe(), headers=mei.auth)  # a new phone
    _remind(site, boss, [mei], "Walk 2")
    assert len(push_service.wait(1)) == 1  # it arrives, and the count starts again
    push_service.gone.update(item["endpoint"] for item in push_service.received)
    for number in range(3, 5):
        _remind(site, boss, [mei], f"Walk {number}")
    settings = site.get("/api/v1/me/notification-settings", headers=mei.auth).json()
    assert settings["kinds"][reminders.REMINDED]["reach"] == ["push"]
    _remind(site, boss, [mei], "Walk 5")
    settings = site.get("/api/v1/me/notification-settings", headers=mei.auth).json()
    assert settings["kinds"][reminders.REMINDED]["reach"] == []  # switched off
    items = site.get("/api/v1/notifications", headers=mei.auth).json()["items"]
    (told,) = [item for item in items if item["kind"] == "channel_off"]
    assert "推送到我的设备" in told["text"] and told["url"] == "/settings#notification-settings"


def test_a_reminder_reaches_a_member_who_follows_the_service_account_as_a_wechat_template_message(quanzi_site):
    """The administrator gives reminders a template; Mei signed in with WeChat inside WeChat and chose "also by
    WeChat message": the reminder goes to her openid of the service account, in the template's fields, opening
    the event's thread. Lee stopped following the account: WeChat refuses (43004) and nothing is retried."""
    from core.testing import Role, WeChatApp, another_browser, sign_in
    from core.testing.wechat import WeChatServer

    wechat = WeChatServer().start()
    try:
        site = quanzi_site(
            plugins=["events"],
            base_url="https://club.example",
            wechat=WeChatApp("wx-service", "service-secret"),
            wechat_api=wechat.url,
            wechat_open=wechat.url,
        )
        boss = register(site, "boss", Role.ADMIN)
        make_circle(site, boss, "board")
        admin = another_browser(site)
        admin.base_url = "https://club.example"
        sign_in(admin, "boss")
        page = admin.get("/admin/wechat")
        assert page.status_code == 200 and 'href="/admin/wechat"' in page.text
        csrf = admin.get("/api/v1/auth/csrf").json()["csrf_token"]
        template = {"csrf_token": csrf, reminders.REMINDED: "TEMPLATE-reminder-01 thing1=title time2=time first=text"}
        refused = admin.post("/admin/wechat", data={**template, "*": "x"})
        assert refused.status_code == 400  # not a template id; nothing saved
        assert admin.post("/admin/wechat", data=template, follow_redirects=False).status_code == 303
        members = {}
        for name in ("mei", "lee"):
            phone = another_browser(site)
            phone.base_url = "https://club.example"
            phone.headers["user-agent"] = "Mozilla/5.0 (Linux; Android 13) Mobile MicroMessenger/8.0.47"
            state = parse_qs(urlsplit(phone.get("/auth/wechat", follow_redirects=False).headers["location"]).query)
            code = wechat.agree("wx-service", openid=f"o-{name}", unionid=f"u-{name}", nickname=name)
            phone.get(f"/auth/wechat/callback?code={code}&state={state['state'][0]}", follow_redirects=False)
            headers = {"X-CSRF-Token": phone.get("/api/v1/auth/csrf").json()["csrf_token"]}
            assert phone.post("/api/v1/circles/board/join", headers=headers).status_code == 200
            channels = phone.get("/api/v1/me/notification-settings").json()["channels"]
            assert {"name": "wechat", "reachable": True} in channels
            chosen = phone.put(
                "/api/v1/me/notification-settings", json={"reach": [[reminders.REMINDED, "wechat"]]}, headers=headers
            )
            assert chosen.status_code == 200, chosen.text
            members[name] = phone
        wechat.unfollowed.add("o-lee")
        event = new_event(site, boss, "board", title="理事会", starts_at=later(minutes=90), ends_at=later(minutes=150))
        for phone in members.values():
            headers = {"X-CSRF-Token": phone.get("/api/v1/auth/csrf").json()["csrf_token"]}
            registered = phone.post(
                f"/api/v1/events/{event['id']}/registrations", json={"answers": []}, headers=headers
            )
            assert registered.status_code in (200, 201), registered.text
        run_job_now(site, f"{reminders.REMIND}:{event['id']}:hour")
        wait_for_jobs(site)
        wait_for_jobs(site)
        (sent,) = wechat.template_messages
        assert sent["touser"] == "o-mei" and sent["template_id"] == "TEMPLATE-reminder-01"
        assert sent["url"].startswith("https://club.example/t/")
        assert sent["data"]["thing1"] == {"value": "理事会"} and "理事会" in sent["data"]["first"]["value"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", sent["data"]["time2"]["value"])
        assert not jobs_of(site, "notification.reach")  # lee's refusal is not tried again
    finally:
        wechat.stop()
