"""Events through HTTP, as members and organisers meet them: creating one, registering against capacity (in a
rush, on SQLite and PostgreSQL), the waitlist, cancelling, the organisers' list and CSV, and the rules' errors."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from core.testing import Member, another_browser, at_once, make_circle, register, sign_in


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["events"])
    client.headers["accept-language"] = "en"
    return client


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def new_event(client: TestClient, author: Member, slug: str = "club", **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Saturday walk 周六徒步",
        "body": "Meet at the gate.",
        "starts_at": later(days=3),
        "ends_at": later(days=3, hours=4),
        "location": "Xiangshan east gate",
        "capacity": 20,
        **fields,
    }
    response = client.post(f"/api/v1/circles/{slug}/events", json=body, headers=author.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def sign_up(client: TestClient, member: Member, event_id: int, answers: Any = None) -> httpx2.Response:
    return client.post(f"/api/v1/events/{event_id}/registrations", json={"answers": answers or []}, headers=member.auth)


def get(client: TestClient, event_id: int, viewer: Member | None = None) -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{event_id}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


SAFE = "bcdghjkpqtvwxz"  # letters no other letter or pair looks like (the site refuses look-alike names)


def name_of(prefix: str, index: int) -> str:
    return prefix + SAFE[index // len(SAFE)] + SAFE[index % len(SAFE)]


def members(client: TestClient, slug: str, count: int, prefix: str = "m") -> list[Member]:
    joined = []
    for index in range(count):
        member = register(client, name_of(prefix, index))
        assert client.post(f"/api/v1/circles/{slug}/join", headers=member.auth).status_code == 200
        joined.append(member)
    return joined


@pytest.fixture
def club(site: TestClient) -> tuple[Member, Member]:
    owner, member = register(site, "owner"), register(site, "mei")
    make_circle(site, owner, "club")
    assert site.post("/api/v1/circles/club/join", headers=member.auth).status_code == 200
    return owner, member


def test_an_event_is_a_thread_with_times_place_and_places(site, club):
    owner, member = club
    event = new_event(
        site,
        owner,
        timezone="Europe/London",
        fields=[
            {"name": "phone", "label": "Mobile", "kind": "phone", "required": True},
            {"name": "dinner", "label": "Dinner?", "kind": "single", "options": ["Yes", "No"]},
        ],
    )
    assert event["id"] and event["thread_id"]
    thread = site.get(f"/api/v1/threads/{event['thread_id']}").json()
    assert thread["kind"] == "event" and thread["title"] == "Saturday walk 周六徒步"
    seen = get(site, event["id"], member)
    assert seen["timezone"] == "Europe/London" and seen["capacity"] == 20 and seen["location"] == "Xiangshan east gate"
    assert seen["counts"] == {"confirmed": 0, "waitlisted": 0, "checked_in": 0}
    assert seen["my_registration"] is None and seen["registration_open"] is True and seen["places_left"] == 20
    assert [field["name"] for field in seen["fields"]] == ["phone", "dinner"]

    registered = sign_up(site, member, event["id"], {"phone": "138 1234 5678", "dinner": 0})
    assert registered.status_code == 200, registered.text
    assert registered.json()["status"] == "confirmed" and len(registered.json()["code"]) == 8
    mine = get(site, event["id"], member)["my_registration"]
    assert mine["status"] == "confirmed" and mine["ticket_url"] == f"/events/{event['id']}/ticket"
    listed = site.get(f"/api/v1/events/{event['id']}/registrations", headers=owner.auth).json()
    assert [(row["user"]["username"], row["answers"]) for row in listed["items"]] == [
        ("mei", {"phone": "13812345678", "dinner": "Yes"})
    ]

    page = site.get(f"/t/{event['thread_id']}", headers=member.auth).text
    assert "Xiangshan east gate" in page and "You are registered." in page and f"/events/{event['id']}/ticket" in page
    assert "United Kingdom Time" in page  # the event's own zone by its name, beside the site's


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"ends_at": later(days=2)}, "ends_at"),  # ends before it starts
        ({"capacity": -3}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"starts_at": later(days=-1), "ends_at": later(hours=1)}, "starts_at"),  # in the past
        ({"registration_closes_at": later(days=4)}, "closes_at"),  # closes after it starts
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"fields": [{"label": "Size", "kind": "single", "options": ["M"]}]}, "questions.0.options"),
    ],
)
def test_bad_events_are_refused_and_nothing_is_made(site, club, fields, error):
    owner, _ = club
    body = {"title": "Walk", "starts_at": later(days=3), "ends_at": later(days=3, hours=2), **fields}
    response = site.post("/api/v1/circles/club/events", json=body, headers=owner.auth)
    assert response.status_code == 400, response.text
    assert error in response.json()["error"]["fields"]
    assert site.get("/api/v1/circles/club/threads").json()["items"] == []


def test_the_rules_of_registration_each_a_clear_error_that_changes_nothing(site, club):
    owner, member = club
    event = new_event(
        site,
        owner,
        capacity=1,
        waitlist=False,
        fields=[{"name": "name", "label": "Name", "kind": "short_text", "required": True}],
    )
    missing = sign_up(site, member, event["id"], {})
    assert missing.status_code == 400 and "answers.0" in missing.json()["error"]["fields"]
    unknown = sign_up(site, member, event["id"], {"shoe": "42"})
    assert unknown.status_code == 400
    assert get(site, event["id"])["counts"]["confirmed"] == 0
    assert sign_up(site, member, event["id"], {"name": "Mei"}).status_code == 200
    again = sign_up(site, member, event["id"], {"name": "Mei"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_registered"
    full = sign_up(site, owner, event["id"], {"name": "Owner"})
    assert full.status_code == 409 and full.json()["error"]["code"] == "full"
    assert site.post(f"/api/v1/events/{event['id']}/registrations", json={"answers": []}).status_code == 401
    assert get(site, event["id"])["counts"] == {"confirmed": 1, "waitlisted": 0, "checked_in": 0}

    closed = new_event(site, owner, registration_closes_at=later(seconds=1))
    opening = new_event(site, owner, registration_opens_at=later(days=1))
    client_time = datetime.now(UTC) + timedelta(seconds=1.5)
    while datetime.now(UTC) < client_time:  # the closing time passes (a second and a half)
        pass
    late = sign_up(site, member, closed["id"])
    assert late.status_code == 409 and late.json()["error"]["code"] == "closed"
    early = sign_up(site, member, opening["id"])
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_open"


def test_a_rush_of_100_for_10_places_confirms_exactly_10_and_waitlists_the_rest(site, club):
    owner, _ = club
    event = new_event(site, owner, capacity=10)
    crowd = members(site, "club", 100)

    async def one(http: httpx2.AsyncClient, index: int) -> httpx2.Response:
        return await http.post(
            f"/api/v1/events/{event['id']}/registrations", json={"answers": []}, headers=crowd[index].auth
        )

    responses = at_once(site, 100, one)
    assert [r.status_code for r in responses] == [200] * 100
    statuses = [r.json()["status"] for r in responses]
    assert statuses.count("confirmed") == 10 and statuses.count("waitlisted") == 90
    seen = get(site, event["id"])
    assert seen["counts"] == {"confirmed": 10, "waitlisted": 90, "checked_in": 0} and seen["places_left"] == 0
    positions = sorted(r.json()["waitlist_position"] for r in responses if r.json()["status"] == "waitlisted")
    assert positions[0] == 1 and len(set(positions)) >= 1


def test_one_member_registering_many_times_at_once_holds_one_place(site, club):
    owner, member = club
    event = new_event(site, owner, capacity=5)

    async def again(http: httpx2.AsyncClient, index: int) -> httpx2.Response:
        return await http.post(f"/api/v1/events/{event['id']}/registrations", json={"answers": []}, headers=member.auth)

    codes = sorted(r.status_code for r in at_once(site, 10, again))
    assert codes == [200] + [409] * 9
    assert get(site, event["id"])["counts"]["confirmed"] == 1


def test_cancelling_promotes_the_first_on_the_waitlist_once_and_tells_them(site, club):
    owner, member = club
    event = new_event(site, owner, capacity=1)
    first, second = members(site, "club", 2, "w")
    assert sign_up(site, member, event["id"]).json()["status"] == "confirmed"
    assert sign_up(site, first, event["id"]).json()["waitlist_position"] == 1
    assert sign_up(site, second, event["id"]).json()["waitlist_position"] == 2

    cancelled = site.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=member.auth)
    assert cancelled.status_code == 200 and cancelled.json()["my_registration"] is None
    assert get(site, event["id"], first)["my_registration"]["status"] == "confirmed"
    assert get(site, event["id"], second)["my_registration"]["waitlist_position"] == 1
    assert get(site, event["id"])["counts"] == {"confirmed": 1, "waitlisted": 1, "checked_in": 0}
    told = site.get("/api/v1/notifications", headers=first.auth).json()["items"]
    assert [item["kind"] for item in told] == ["events.promoted"]
    assert site.get("/api/v1/notifications", headers=second.auth).json()["items"] == []
    again = site.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=member.auth)
    assert again.status_code == 404


def test_parallel_cancellations_promote_each_waiting_member_exactly_once(site, club):
    owner, _ = club
    event = new_event(site, owner, capacity=5)
    confirmed = members(site, "club", 5, "c")
    waiting = members(site, "club", 8, "w")
    for member in confirmed + waiting:
        assert sign_up(site, member, event["id"]).status_code == 200

    async def leave(http: httpx2.AsyncClient, index: int) -> httpx2.Response:
        return await http.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=confirmed[index].auth)

    assert [r.status_code for r in at_once(site, 5, leave)] == [200] * 5
    assert get(site, event["id"])["counts"] == {"confirmed": 5, "waitlisted": 3, "checked_in": 0}
    promoted = [w.username for w in waiting if get(site, event["id"], w)["my_registration"]["status"] == "confirmed"]
    assert promoted == [name_of("w", index) for index in range(5)]  # in the order they came
    for member in waiting[:5]:
        kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
        assert kinds == ["events.promoted"]


def test_no_promotion_once_registration_has_closed(site, club):
    owner, member = club
    event = new_event(site, owner, capacity=1, registration_closes_at=later(seconds=1))
    waiting = register(site, "late")
    site.post("/api/v1/circles/club/join", headers=waiting.auth)
    sign_up(site, member, event["id"])
    assert sign_up(site, waiting, event["id"]).json()["status"] == "waitlisted"
    deadline = datetime.now(UTC) + timedelta(seconds=1.5)
    while datetime.now(UTC) < deadline:
        pass
    assert site.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=member.auth).status_code == 200
    assert get(site, event["id"], waiting)["my_registration"]["status"] == "waitlisted"
    assert get(site, event["id"])["counts"]["confirmed"] == 0


def test_a_cancellation_deadline_holds(site, club):
    owner, member = club
    event = new_event(site, owner, cancel_until=later(seconds=1))
    sign_up(site, member, event["id"])
    deadline = datetime.now(UTC) + timedelta(seconds=1.5)
    while datetime.now(UTC) < deadline:
        pass
    refused = site.delete(f"/api/v1/events/{event['id']}/registrations/me", headers=member.auth)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "too_late"
    assert get(site, event["id"])["counts"]["confirmed"] == 1


def test_the_organisers_list_csv_and_removal_are_theirs_only(site, club):
    owner, member = club
    event = new_event(
        site,
        owner,
        capacity=1,
        fields=[
            {"name": "organisation", "label": "Organisation 单位", "kind": "short_text"},
        ],
    )
    waiting = register(site, "wen")
    site.post("/api/v1/circles/club/join", headers=waiting.auth)
    sign_up(site, member, event["id"], {"organisation": '=HYPERLINK("x")'})
    sign_up(site, waiting, event["id"], {"organisation": "Wine Co"})
    for path in ("registrations", "registrations.csv"):
        assert site.get(f"/api/v1/events/{event['id']}/{path}", headers=member.auth).status_code == 403
        assert site.get(f"/api/v1/events/{event['id']}/{path}").status_code in (401, 403)
    assert site.get(f"/events/{event['id']}/registrations", headers=member.auth).status_code == 403

    exported = site.get(f"/api/v1/events/{event['id']}/registrations.csv", headers=owner.auth)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["username", "name", "status"] and rows[0][-1] == "Organisation 单位"
    assert [(row[0], row[2]) for row in rows[1:]] == [("mei", "confirmed"), ("wen", "waitlisted")]
    assert rows[1][-1].startswith("'")  # a formula is defused

    items = site.get(f"/api/v1/events/{event['id']}/registrations", headers=owner.auth).json()["items"]
    removed = site.delete(f"/api/v1/events/{event['id']}/registrations/{items[0]['id']}", headers=owner.auth)
    assert removed.status_code == 200 and removed.json()["counts"] == {"confirmed": 1, "waitlisted": 0, "checked_in": 0}
    assert get(site, event["id"], waiting)["my_registration"]["status"] == "confirmed"
    kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
    assert kinds == ["events.removed"]


def test_organisers_change_the_event_and_a_larger_capacity_promotes(site, club):
    owner, member = club
    event = new_event(site, owner, capacity=1)
    waiting = register(site, "wen")
    site.post("/api/v1/circles/club/join", headers=waiting.auth)
    sign_up(site, member, event["id"])
    sign_up(site, waiting, event["id"])
    assert site.patch(f"/api/v1/events/{event['id']}", json={"capacity": 5}, headers=member.auth).status_code == 403
    lower = site.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1, "location": "Hall"}, headers=owner.auth)
    assert lower.status_code == 200 and lower.json()["location"] == "Hall"
    grown = site.patch(f"/api/v1/events/{event['id']}", json={"capacity": 2}, headers=owner.auth)
    assert grown.json()["counts"]["confirmed"] == 2
    assert get(site, event["id"], waiting)["my_registration"]["status"] == "confirmed"
    below = site.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}, headers=owner.auth)
    assert below.status_code == 409 and get(site, event["id"])["capacity"] == 2
    backwards = site.patch(f"/api/v1/events/{event['id']}", json={"ends_at": later(days=1)}, headers=owner.auth)
    assert backwards.status_code == 400 and get(site, event["id"])["location"] == "Hall"


def test_the_pages_register_cancel_and_show_the_ticket(site, club):
    owner, _ = club
    event = new_event(
        site, owner, fields=[{"name": "name", "label": "Your name", "kind": "short_text", "required": True}]
    )
    csrf = sign_in(site, "pat")
    site.post("/c/club/join", data={"csrf_token": csrf})
    page = site.get(f"/t/{event['thread_id']}")
    assert f'action="/events/{event["id"]}/register"' in page.text and "Your name" in page.text
    refused = site.post(f"/events/{event['id']}/register", data={"csrf_token": csrf, "a0": " "})
    assert refused.status_code == 400 and "Please answer this question." in refused.text
    done = site.post(f"/events/{event['id']}/register", data={"csrf_token": csrf, "a0": "Pat"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/t/{event['thread_id']}#event"
    ticket = site.get(f"/events/{event['id']}/ticket")
    assert ticket.status_code == 200 and "/qr.svg" in ticket.text and ">pat<" in ticket.text
    assert site.post(f"/events/{event['id']}/cancel", data={"csrf_token": "forged"}).status_code == 403
    cancelled = site.post(f"/events/{event['id']}/cancel", data={"csrf_token": csrf}, follow_redirects=False)
    assert cancelled.status_code == 303
    assert site.get(f"/events/{event['id']}/ticket").status_code == 404


def test_an_approval_circles_event_asks_to_join_from_its_own_page(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club", join_policy="approval")
    event = new_event(site, owner)
    browser = another_browser(site)
    csrf = sign_in(browser, "visitor")
    page = browser.get(f"/t/{event['thread_id']}").text
    assert "Join this circle to register." in page and "Ask to join" in page
    asked = browser.post(
        "/c/club/join", data={"csrf_token": csrf, "next": f"/t/{event['thread_id']}#event"}, follow_redirects=False
    )
    assert asked.status_code == 303 and asked.headers["location"] == f"/t/{event['thread_id']}#event"
    assert "Your request to join is waiting for a moderator." in browser.get(f"/t/{event['thread_id']}").text
    elsewhere = browser.post(
        "/c/club/join", data={"csrf_token": csrf, "next": "//evil.example"}, follow_redirects=False
    )
    assert elsewhere.headers["location"] == "/c/club"  # never off the site


def test_a_guest_registers_for_a_public_event_with_a_phone_number_and_lands_signed_in(quanzi_site, text_gateway):
    """No account, no password: on the event's page a guest types their number, gets a code, answers the
    questions and is registered, a member of the circle and signed in. A wrong code makes nothing; a circle that
    does not take anyone who asks sends the guest to log in instead."""
    import re

    site = quanzi_site(plugins=["events"], sms=text_gateway.sender)
    boss = register(site, "boss")
    make_circle(site, boss, "walks")
    make_circle(site, boss, "board", join_policy="approval")
    fields = [{"label": "姓名", "kind": "short_text", "required": True}]
    event = new_event(site, boss, "walks", fields=fields)
    closed = new_event(site, boss, "board")
    guest = another_browser(site)
    assert f'href="/events/{event["id"]}/register"' in guest.get(f"/t/{event['thread_id']}").text
    shut = guest.get(f"/events/{closed['id']}/register", follow_redirects=False)
    assert shut.status_code == 303 and shut.headers["location"].startswith("/login")

    page = guest.get(f"/events/{event['id']}/register").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "phone": "138 0013 8000", "a0": "王小梅"}
    sent = guest.post(f"/events/{event['id']}/register", data={**form, "step": "send"})
    assert sent.status_code == 200 and "+8613800138000" in sent.text
    code = text_gateway.code_for("+8613800138000")
    wrong = guest.post(
        f"/events/{event['id']}/register", data={**form, "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and guest.get("/api/v1/me").status_code == 401
    assert get(site, event["id"], boss)["counts"]["confirmed"] == 0
    done = guest.post(f"/events/{event['id']}/register", data={**form, "code": code}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/t/{event['thread_id']}#event"
    me = guest.get("/api/v1/me").json()
    assert me["username"].startswith("m")  # an account made for the number
    assert guest.get(f"/api/v1/events/{event['id']}").json()["my_status"] == "confirmed"
    (registration,) = site.get(f"/api/v1/events/{event['id']}/registrations", headers=boss.auth).json()["items"]
    assert registration["user"]["username"] == me["username"] and list(registration["answers"].values()) == ["王小梅"]
    members = site.get("/api/v1/circles/walks/members", headers=boss.auth).json()["items"]
    assert me["username"] in [item["user"]["username"] for item in members]
