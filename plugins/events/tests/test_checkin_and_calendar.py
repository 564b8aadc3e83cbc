"""Tickets and check-in at the door, calendars and feeds, and the privacy of every list, feed and export of
events: a private circle's events are seen by its members only."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from starlette.testclient import TestClient

from core.testing import Member, another_browser, at_once, make_circle, register, sign_in
from plugins.events.tests.test_events import get, later, new_event, sign_up


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["events"])
    client.headers["accept-language"] = "en"
    return client


@pytest.fixture
def club(site: TestClient) -> tuple[Member, Member]:
    owner, member = register(site, "owner"), register(site, "mei")
    make_circle(site, owner, "club")
    assert site.post("/api/v1/circles/club/join", headers=member.auth).status_code == 200
    return owner, member


def code_of(client: TestClient, member: Member, event_id: int) -> str:
    return str(get(client, event_id, member)["my_registration"]["code"])


def test_a_ticket_is_checked_in_once_by_an_organiser_and_says_when(site, club):
    owner, member = club
    event = new_event(site, owner)
    sign_up(site, member, event["id"])
    code = code_of(site, member, event["id"])
    url = f"/api/v1/events/{event['id']}/checkin"
    assert site.post(url, json={"code": code}, headers=member.auth).status_code == 403  # not an organiser
    first = site.post(url, json={"code": code.lower()[:4] + "-" + code.lower()[4:]}, headers=owner.auth)
    assert first.status_code == 200 and first.json()["status"] == "checked_in"
    again = site.post(url, json={"code": code}, headers=owner.auth)
    assert again.json()["status"] == "already_checked_in"
    assert again.json()["checked_in_at"] == first.json()["checked_in_at"]
    assert get(site, event["id"])["counts"]["checked_in"] == 1
    assert site.post(url, json={"code": "ZZZZZZZZ"}, headers=owner.auth).status_code == 404
    assert get(site, event["id"], member)["my_registration"]["checked_in_at"] == first.json()["checked_in_at"]


def test_two_door_phones_scanning_the_same_ticket_at_once_count_it_once(site, club):
    owner, member = club
    event = new_event(site, owner)
    sign_up(site, member, event["id"])
    code = code_of(site, member, event["id"])
    responses = at_once(
        site,
        8,
        lambda http, i: http.post(f"/api/v1/events/{event['id']}/checkin", json={"code": code}, headers=owner.auth),
    )
    statuses = sorted(r.json()["status"] for r in responses)
    assert statuses == ["already_checked_in"] * 7 + ["checked_in"]
    assert get(site, event["id"])["counts"]["checked_in"] == 1


def test_a_waitlisted_code_is_not_let_in(site, club):
    owner, member = club
    event = new_event(site, owner, capacity=1)
    sign_up(site, owner, event["id"])
    sign_up(site, member, event["id"])
    rows = site.get(f"/api/v1/events/{event['id']}/registrations", headers=owner.auth).json()["items"]
    waiting = next(row for row in rows if row["status"] == "waitlisted")
    refused = site.post(f"/api/v1/events/{event['id']}/checkin", json={"code": waiting["code"]}, headers=owner.auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "waitlisted"


def test_the_qr_code_opens_a_one_tap_check_in_for_the_organiser_and_the_ticket_for_others(site, club):
    owner, member = club
    event = new_event(site, owner)
    sign_up(site, member, event["id"])
    code = code_of(site, member, event["id"])
    scanned = f"/events/{event['id']}/checkin/{code}"
    ticket = site.get(f"/events/{event['id']}/ticket", headers=member.auth).text
    assert f"/events/{event['id']}/checkin/{code}/qr.svg" in ticket
    spoken = f'<p class="ticket-code"><span class="visually-hidden">Ticket code: </span>{code[:4]}-{code[4:]}</p>'
    assert spoken in ticket  # read out by every screen reader (an aria-label on a <p> is ignored by most)
    qr = site.get(f"{scanned}/qr.png", headers=member.auth)
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"

    door = another_browser(site)
    csrf = sign_in(door, "owner")
    page = door.get(scanned)
    assert page.status_code == 200 and f'action="{scanned}"' in page.text and "Check in" in page.text
    tapped = door.post(scanned, data={"csrf_token": csrf})
    assert tapped.status_code == 200 and "Checked in at" in tapped.text
    assert "Already checked in at" in door.post(scanned, data={"csrf_token": csrf}).text
    assert door.post(scanned, data={"csrf_token": "forged"}).status_code == 403

    other = another_browser(site)
    other_csrf = sign_in(other, "passerby")
    seen = other.get(scanned)
    assert seen.status_code == 200 and "🎫" in seen.text and f'action="{scanned}"' not in seen.text
    assert other.post(scanned, data={"csrf_token": other_csrf}).status_code == 403
    assert get(site, event["id"])["counts"]["checked_in"] == 1


def test_the_check_in_desk_takes_a_typed_code_and_the_door_list_prints_names(site, club):
    owner, member = club
    event = new_event(site, owner, fields=[{"name": "organisation", "label": "Organisation", "kind": "short_text"}])
    sign_up(site, member, event["id"], {"organisation": "Wine Society 葡萄酒协会"})
    code = code_of(site, member, event["id"])
    desk = another_browser(site)
    csrf = sign_in(desk, "owner")
    typed = desk.post(f"/events/{event['id']}/checkin", data={"csrf_token": csrf, "code": f" {code[:4]} {code[4:]} "})
    assert typed.status_code == 200 and "checked in at" in typed.text
    twice = desk.post(f"/events/{event['id']}/checkin", data={"csrf_token": csrf, "code": code})
    assert "already checked in at" in twice.text
    wrong = desk.post(f"/events/{event['id']}/checkin", data={"csrf_token": csrf, "code": "NOPE"})
    assert wrong.status_code == 404 and "No ticket of this event has this code." in wrong.text
    door = desk.get(f"/events/{event['id']}/door").text
    assert "Wine Society 葡萄酒协会" in door and f"{code[:4]}-{code[4:]}" in door and ">mei<" in door
    assert site.get(f"/events/{event['id']}/door", headers=member.auth).status_code == 403


def test_calendar_pages_json_and_ics(site, club):
    owner, member = club
    event = new_event(site, owner, starts_at=later(days=2), ends_at=later(days=2, hours=2))
    listed = site.get("/api/v1/events", params={"from": later(days=1), "to": later(days=4)}).json()["items"]
    assert [item["id"] for item in listed] == [event["id"]]
    assert site.get("/api/v1/events", params={"from": later(days=5), "to": later(days=9)}).json()["items"] == []
    assert site.get("/api/v1/events", params={"from": later(days=5), "to": later(days=1)}).status_code == 400
    assert [i["id"] for i in site.get("/api/v1/events", params={"circle": "club"}).json()["items"]] == [event["id"]]

    ics = site.get(f"/events/{event['id']}.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    (entry,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Saturday walk 周六徒步" and str(entry["LOCATION"]) == "Xiangshan east gate"
    month = site.get("/events").text
    assert "Saturday walk 周六徒步" in month or "No events this month." in month  # the event may fall next month
    circle_page = site.get("/c/club/events", params={"month": event["starts_at"][:7]}).text
    assert "Saturday walk 周六徒步" in circle_page
    day = datetime.fromisoformat(event["starts_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert f'href="#d{day}"' in circle_page and f'id="d{day}"' in circle_page  # the day's dot leads to its list
    for upcoming in ("/events/upcoming", "/c/club/events/upcoming"):
        assert "Saturday walk 周六徒步" in site.get(upcoming).text


@pytest.fixture
def secret_world(site: TestClient) -> dict[str, Any]:
    owner, insider, outsider = register(site, "boss"), register(site, "insider"), register(site, "outsider")
    make_circle(site, owner, "board", visibility="private")
    invited = site.put("/api/v1/circles/board/members/insider", json={"role": "member"}, headers=owner.auth)
    assert invited.status_code == 200, invited.text
    assert site.post("/api/v1/circles/board/join", headers=insider.auth).status_code == 200
    event = new_event(site, owner, "board", title="Secret board dinner 秘密晚宴", location="Room 8")
    sign_up(site, insider, event["id"])
    return {"owner": owner, "insider": insider, "outsider": outsider, "event": event}


def test_a_private_circles_event_is_in_no_one_elses_list_page_feed_search_or_export(site, secret_world):
    event, insider, outsider = secret_world["event"], secret_world["insider"], secret_world["outsider"]
    span = {"from": later(days=-1), "to": later(days=30)}
    assert [i["id"] for i in site.get("/api/v1/events", params=span, headers=insider.auth).json()["items"]] == [
        event["id"]
    ]
    for headers in ({}, outsider.auth):
        assert site.get("/api/v1/events", params=span, headers=headers).json()["items"] == []
        assert site.get(f"/api/v1/events/{event['id']}", headers=headers).status_code == 404
        for path in (
            f"/events/{event['id']}.ics",
            f"/events/{event['id']}",
            f"/events/{event['id']}/ticket",
            f"/events/{event['id']}/registrations",
            f"/events/{event['id']}/door",
            f"/events/{event['id']}/checkin",
            "/c/board/events",
        ):
            seen = site.get(path, headers=headers, follow_redirects=False)
            assert seen.status_code in (401, 404) or seen.headers["location"].startswith("/login"), path
            assert "秘密晚宴" not in seen.text
        for path in ("registrations", "registrations.csv"):
            assert site.get(f"/api/v1/events/{event['id']}/{path}", headers=headers).status_code in (401, 404)
        assert "秘密晚宴" not in site.get("/events", params={"month": event["starts_at"][:7]}, headers=headers).text
        assert "秘密晚宴" not in site.get("/events/upcoming", headers=headers).text
        assert site.get("/api/v1/search", params={"q": "秘密晚宴"}, headers=headers).json()["items"] == []
    code = get(site, event["id"], insider)["my_registration"]["code"]
    assert site.get(f"/events/{event['id']}/checkin/{code}", headers=outsider.auth).status_code == 404
    assert site.get(f"/events/{event['id']}/checkin/{code}/qr.svg").status_code == 404
    assert sign_up(site, outsider, event["id"]).status_code == 404

    outsider_feed = site.get("/api/v1/events/feed", headers=outsider.auth).json()["url"]
    assert "秘密晚宴" not in site.get(outsider_feed.replace("http://testserver", "")).text


def test_the_personal_feed_follows_what_its_owner_may_see_when_fetched(site, secret_world):
    owner, insider, event = secret_world["owner"], secret_world["insider"], secret_world["event"]
    url = site.get("/api/v1/events/feed", headers=insider.auth).json()["url"]
    path = url.replace("http://testserver", "")
    assert path.startswith("/events/feed/") and path.endswith(".ics")
    feed = site.get(path)  # a calendar app: no cookie, no token but the one in the address
    assert (
        feed.status_code == 200
        and "Secret board dinner 秘密晚宴" in Calendar.from_ical(feed.content).to_ical().decode()
    )
    assert site.get("/api/v1/events/feed", headers=insider.auth).json()["url"] == url  # the same address each time

    removed = site.delete("/api/v1/circles/board/members/insider", headers=owner.auth)
    assert removed.status_code in (200, 204), removed.text
    assert "秘密晚宴" not in site.get(path).content.decode()  # out of the circle: out of the feed

    renewed = site.post("/api/v1/events/feed", headers=insider.auth).json()["url"]
    assert renewed != url and site.get(path).status_code == 404
    assert site.get(renewed.replace("http://testserver", "")).status_code == 200
    assert site.get("/events/feed/not-a-token.ics").status_code == 404
    assert event["id"]
