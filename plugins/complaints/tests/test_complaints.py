"""The complaints desk through HTTP and a real SMTP server: a guest files and follows the tracking link, the staff
work the case, internal notes stay internal everywhere, the rules of moves and input hold, and a case is seen by
its filer and the desk's staff alone."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from core.testing import (
    Member,
    another_browser,
    at_once,
    jobs_of,
    make_circle,
    make_thread,
    register,
    run_job_now,
    sign_in,
    wait_for_jobs,
)
from core.testing.audiences import audience_people, check_audience
from core.testing.mail import Mailbox, text_of
from plugins.complaints.models import Complaint
from plugins.complaints.service import CASE
from plugins.complaints.workflow import working_days_after

BASE = "http://club.example"
SECRET = "the cousin bottled it in a garage"  # an internal note's words: never seen by the filer


@pytest.fixture
def site(quanzi_site: Any, mailbox: Mailbox) -> Iterator[TestClient]:
    client = quanzi_site(
        plugins=["complaints"],
        plugin_settings={"complaints": {"guest_min_seconds": 0}},
        smtp=mailbox.server,
        base_url=BASE,
        job_retry_seconds=0.2,
    )
    client.headers["accept-language"] = "en"
    yield client
    wait_for_jobs(client)  # every mail delivered before the SMTP server stops


@pytest.fixture
def desk(site: TestClient) -> dict[str, Member]:
    owner, moderator, member = register(site, "owner"), register(site, "mod"), register(site, "mei")
    make_circle(site, owner, "wine")
    for person in (moderator, member):
        assert site.post("/api/v1/circles/wine/join", headers=person.auth).status_code == 200
    assert (
        site.put("/api/v1/circles/wine/members/mod", json={"role": "moderator"}, headers=owner.auth).status_code == 200
    )
    return {"owner": owner, "mod": moderator, "member": member}


def file(client: TestClient, slug: str = "wine", headers: dict[str, str] | None = None, **fields: Any) -> Any:
    body = {
        "subject": "Fake Lafite 假拉菲",
        "body": "Bought at the spring fair; the cork is plastic.",
        "contact_name": "Wang",
        "contact_email": "wang@example.com",
        **fields,
    }
    return client.post(f"/api/v1/circles/{slug}/complaints", json=body, headers=headers or {})


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_guest_files_gets_a_number_and_the_link_by_mail_and_follows_the_answer(site, mailbox, desk):
    filed = file(site)
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert case["status"] == "new" and re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", case["number"])
    assert case["tracking_url"].startswith("/complaints/track/") and len(token_of(case["tracking_url"])) >= 40
    wait_for_jobs(site)
    (mail,) = mailbox.of("complaints_filed")
    assert mail["To"] == "wang@example.com" and case["number"] in mail["Subject"]
    assert BASE + case["tracking_url"] in text_of(mail)

    owner = desk["owner"]
    staff_told = [item["kind"] for item in site.get("/api/v1/notifications", headers=owner.auth).json()["items"]]
    assert staff_told == ["complaints.filed"]
    number = case["number"]
    assert (
        site.patch(
            f"/api/v1/complaints/{number}", json={"status": "accepted", "assignee": "mod"}, headers=owner.auth
        ).json()["assignee"]
        == "mod"
    )
    note = site.post(
        f"/api/v1/complaints/{number}/replies", json={"body": SECRET, "internal": True}, headers=owner.auth
    )
    assert note.status_code == 201
    answer = site.post(
        f"/api/v1/complaints/{number}/replies", json={"body": "We are testing the bottle."}, headers=desk["mod"].auth
    )
    assert answer.status_code == 201

    tracked = site.get(f"/api/v1/complaints/track/{token_of(case['tracking_url'])}").json()
    assert tracked["number"] == number and tracked["status"] == "accepted"
    assert [entry["message"] for entry in tracked["timeline"] if entry["message"]] == ["We are testing the bottle."]
    assert SECRET not in str(tracked) and "mod" not in str(tracked)  # nor who it was given to
    page = site.get(case["tracking_url"])
    assert page.status_code == 200 and "We are testing the bottle." in page.text and SECRET not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"

    wait_for_jobs(site)
    updates = mailbox.of("complaints_update")
    assert len(updates) == 2  # the move and the answer; the note and the assignment are not the filer's
    assert all(SECRET not in text_of(mail) for mail in mailbox.of())
    assert any("We are testing the bottle." in text_of(mail) for mail in updates)

    replied = site.post(
        f"/api/v1/complaints/track/{token_of(case['tracking_url'])}/replies", json={"body": "The shop is at stall 12."}
    )
    assert replied.status_code == 201
    assert site.get(f"/api/v1/complaints/{number}", headers=owner.auth).json()["timeline"][-1]["message"] == (
        "The shop is at stall 12."
    )


def test_numbers_are_random_and_unique_under_a_rush(site, desk):
    responses = at_once(
        site,
        20,
        lambda http, i: http.post(
            "/api/v1/circles/wine/complaints",
            json={"subject": f"Case {i}", "body": "x", "contact_name": "A", "contact_email": f"a{i}@example.com"},
        ),
    )
    numbers = [response.json()["number"] for response in responses]
    assert [response.status_code for response in responses] == [201] * 20
    assert len(set(numbers)) == 20 and numbers != sorted(numbers)


def test_a_member_files_with_the_accounts_contact_and_reads_the_case(site, mailbox, desk):
    member = desk["member"]
    filed = file(site, headers=member.auth, contact_name="ignored", contact_email="ignored@example.com").json()
    case = site.get(f"/api/v1/complaints/{filed['number']}", headers=member.auth)
    assert case.status_code == 200 and "contact_email" not in case.json()  # the filer's view: no staff fields
    staff_view = site.get(f"/api/v1/complaints/{filed['number']}", headers=desk["owner"].auth).json()
    assert staff_view["contact_name"] == "mei" and staff_view["contact_email"] == member.email
    site.post(
        f"/api/v1/complaints/{filed['number']}/replies",
        json={"body": SECRET, "internal": True},
        headers=desk["owner"].auth,
    )
    assert SECRET not in site.get(f"/api/v1/complaints/{filed['number']}", headers=member.auth).text
    wait_for_jobs(site)
    (mail,) = mailbox.of("complaints_filed")
    assert mail["To"] == member.email


def test_a_case_is_its_filers_and_the_desks_staff_alone(site, desk):
    case = file(site).json()
    number, token = case["number"], token_of(case["tracking_url"])
    member, stranger = desk["member"], register(site, "stranger")
    for headers in ({}, member.auth, stranger.auth):  # the circle's members too
        assert site.get(f"/api/v1/complaints/{number}", headers=headers).status_code in (401, 404)
        assert site.get("/api/v1/circles/wine/complaints", headers=headers).status_code in (401, 404)
        assert site.get("/api/v1/circles/wine/complaints.csv", headers=headers).status_code in (401, 404)
        seen = site.get(f"/complaints/{number}", headers=headers, follow_redirects=False)
        assert seen.status_code in (401, 404) or seen.headers["location"].startswith("/login")
        assert "假拉菲" not in seen.text
        assert site.patch(f"/api/v1/complaints/{number}", json={"status": "accepted"}, headers=headers).status_code in (
            401,
            404,
        )
    for listing in (
        "/api/v1/threads",
        "/api/v1/circles/wine/threads",
        "/api/v1/search?q=假拉菲",
        "/",
        "/c/wine",
        "/c/wine/feed.atom",
        "/api/v1/users/mei/activity",
    ):
        assert "假拉菲" not in site.get(listing, headers=member.auth).text, listing
    assert site.get("/api/v1/complaints/track/not-the-token").status_code == 404
    assert site.get(f"/api/v1/complaints/track/{token[:-1]}").status_code == 404


def test_a_cases_audience_is_its_filer_its_circles_staff_and_the_sites_administrators(site):
    """Never a site moderator as such: every rendering of the declared audience (CASE) and every page and API call
    of a case follow the one table."""
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    people = audience_people(site, "club", owner)
    people["filer"] = filer = register(site, "filer")
    case = file(site, "club", headers=filer.auth).json()
    number = case["number"]
    staff = {"owner", "moderator", "admin"}
    assert (
        site.post(
            f"/api/v1/complaints/{number}/replies", json={"body": SECRET, "internal": True}, headers=owner.auth
        ).status_code
        == 201
    )
    check_audience(site, CASE, Complaint, people, sees={"filer", *staff}, number=number)
    for name, person in people.items():
        headers = person.auth if person else {}
        seen = site.get(f"/api/v1/complaints/{number}", headers=headers)
        assert seen.status_code == (200 if name in {"filer", *staff} else 404 if person else 401), name
        assert (SECRET in seen.text) == (name in staff), name
        page = site.get(f"/complaints/{number}", headers=headers, follow_redirects=False)
        assert (page.status_code == 200) == (name in {"filer", *staff}) and (SECRET in page.text) == (name in staff)
        queue = site.get("/api/v1/circles/club/complaints", headers=headers)
        assert (queue.status_code == 200) == (name in staff), name
        assert (site.get("/c/club/complaints", headers=headers).status_code == 200) == (name in staff), name
        moved = site.patch(f"/api/v1/complaints/{number}", json={"status": "accepted"}, headers=headers)
        assert moved.status_code in ((200, 409) if name in staff else (401, 403, 404)), name


def test_the_moves_follow_the_table_and_bad_input_changes_nothing(site, desk):
    owner = desk["owner"]
    number = file(site).json()["number"]
    url = f"/api/v1/complaints/{number}"
    refused = site.patch(url, json={"status": "resolved"}, headers=owner.auth)  # new cannot jump to resolved
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_allowed"
    assert site.patch(url, json={"status": "lost"}, headers=owner.auth).status_code == 400
    assert site.patch(url, json={"assignee": "mei"}, headers=owner.auth).status_code == 400  # not on the desk
    for status in ("accepted", "in_progress", "resolved", "closed"):
        assert site.patch(url, json={"status": status}, headers=owner.auth).status_code == 200, status
    closed = site.post(f"{url}/replies", json={"body": "late"}, headers=owner.auth)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "closed"
    case = site.get(url, headers=owner.auth).json()
    assert case["status"] == "closed" and case["moves"] == [] and len(case["timeline"]) == 5

    for fields, name in (
        ({"subject": " "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": ""}, "body"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
    ):
        bad = file(site, **fields)
        assert bad.status_code == 400 and name in bad.json()["error"]["fields"], (fields, bad.text)
    listed = site.get("/api/v1/circles/wine/complaints", headers=owner.auth).json()["items"]
    assert len(listed) == 1


def test_guests_file_only_with_a_public_circles_desk(site, desk):
    make_circle(site, desk["owner"], "board", visibility="private")
    assert file(site, "board").status_code == 404
    assert file(site, "board", headers=desk["owner"].auth).status_code == 201


def test_a_resolved_case_is_rated_once_and_the_desk_counts_it(site, desk):
    owner = desk["owner"]
    case = file(site).json()
    token = token_of(case["tracking_url"])
    early = site.post(f"/api/v1/complaints/track/{token}/rating", json={"rating": 5})
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_resolved"
    for status in ("accepted", "resolved"):
        site.patch(f"/api/v1/complaints/{case['number']}", json={"status": status}, headers=owner.auth)
    assert site.post(f"/api/v1/complaints/track/{token}/rating", json={"rating": 6}).status_code == 400
    rated = site.post(f"/api/v1/complaints/track/{token}/rating", json={"rating": 4, "comment": "Quick, thanks"})
    assert rated.status_code == 200 and rated.json()["rating"] == 4
    assert site.post(f"/api/v1/complaints/track/{token}/rating", json={"rating": 1}).status_code == 409
    figures = site.get("/api/v1/circles/wine/complaints/figures", headers=owner.auth).json()
    assert figures["by_status"]["resolved"] == 1 and figures["ratings"] == {"4": 1} and figures["average_rating"] == 4
    assert figures["median_hours_to_accept"] is not None and figures["median_hours_to_resolve"] is not None


def test_the_staff_queue_filters_and_the_csv_leaves_internal_notes_out_unless_asked(site, desk):
    owner = desk["owner"]
    site.put("/api/v1/circles/wine/complaints/desk", json={"categories": ["Fake wine", "Service"]}, headers=owner.auth)
    first = file(site, category="Fake wine").json()["number"]
    second = file(site, category="Service", subject="Rude at the tasting").json()["number"]
    assert file(site).status_code == 400  # a desk with categories asks for one
    site.patch(f"/api/v1/complaints/{first}", json={"assignee": "mod"}, headers=owner.auth)
    site.post(f"/api/v1/complaints/{first}/replies", json={"body": SECRET, "internal": True}, headers=owner.auth)

    def numbers(**query: str) -> list[str]:
        items = site.get("/api/v1/circles/wine/complaints", params=query, headers=owner.auth).json()["items"]
        return sorted(item["number"] for item in items)

    assert numbers(category="Service") == [second] and numbers(assignee="mod") == [first]
    assert numbers(assignee="none") == [second] and numbers(status="new") == sorted([first, second])
    assert numbers(overdue="1") == []
    exported = site.get("/api/v1/circles/wine/complaints.csv", headers=owner.auth)
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][0] == "number" and len(rows) == 3 and SECRET not in exported.text
    with_notes = site.get("/api/v1/circles/wine/complaints.csv", params={"notes": "1"}, headers=owner.auth)
    assert SECRET in with_notes.text


def test_a_lost_link_is_mailed_again_with_the_same_answer_either_way(site, mailbox, desk):
    number = file(site).json()["number"]
    wait_for_jobs(site)
    answers = [
        site.post("/api/v1/complaints/track", json={"number": number, "email": email}).json()
        for email in ("WANG@example.com", "someone@example.com")
    ]
    unknown = site.post("/api/v1/complaints/track", json={"number": "ZZZZZZZZ", "email": "wang@example.com"}).json()
    assert answers[0] == answers[1] == unknown
    wait_for_jobs(site)
    (mail,) = mailbox.of("complaints_link")
    assert mail["To"] == "wang@example.com"
    lost = another_browser(site)
    csrf = lost.get("/api/v1/auth/csrf").json()["csrf_token"]
    page = lost.post("/complaints/track", data={"csrf_token": csrf, "number": number, "email": "x@example.com"})
    assert page.status_code == 200 and "on its way" in page.text


def test_anonymising_keeps_the_text_and_drops_the_contact(site, desk):
    owner = desk["owner"]
    case = file(site).json()
    done = site.post(f"/api/v1/complaints/{case['number']}/anonymise", headers=owner.auth).json()
    assert done["contact_email"] == "—" and done["contact_name"] == "—" and done["body"].startswith("Bought")
    assert site.get(f"/api/v1/complaints/track/{token_of(case['tracking_url'])}").status_code == 404
    assert "wang@example.com" not in site.get("/api/v1/circles/wine/complaints.csv", headers=owner.auth).text


def test_the_pages_file_track_and_answer(site, desk):
    guest = another_browser(site)
    form = guest.get("/c/wine/complaints/new")
    assert form.status_code == 200 and "qz_opened" in form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    stamp = re.search(r'name="qz_opened" value="([^"]+)"', form.text).group(1)
    data = {
        "csrf_token": csrf,
        "qz_opened": stamp,
        "subject": "Corked",
        "body": "Smells of wet cardboard.",
        "contact_name": "Li",
        "contact_email": "li@example.com",
    }
    bot = guest.post("/c/wine/complaints/new", data={**data, "qz_homepage": "http://spam"})
    assert bot.status_code == 200 and "case-number" not in bot.text  # thanked, and nothing kept
    assert site.get("/api/v1/circles/wine/complaints", headers=desk["owner"].auth).json()["items"] == []
    filed = guest.post("/c/wine/complaints/new", data=data)
    assert filed.status_code == 200 and "case-number" in filed.text
    tracking = re.search(r'href="(/complaints/track/[^"]+)"', filed.text).group(1)
    staff = another_browser(site)
    staff_csrf = sign_in(staff, "owner")
    number = site.get("/api/v1/circles/wine/complaints", headers=desk["owner"].auth).json()["items"][0]["number"]
    queue_page = staff.get("/c/wine/complaints")
    assert queue_page.status_code == 200 and "Corked" in queue_page.text
    staff.post(f"/complaints/{number}/move", data={"csrf_token": staff_csrf, "status": "accepted"})
    staff.post(f"/complaints/{number}/reply", data={"csrf_token": staff_csrf, "body": "Send us the bottle."})
    staff.post(f"/complaints/{number}/reply", data={"csrf_token": staff_csrf, "body": SECRET, "internal": "1"})
    staff_page = staff.get(f"/complaints/{number}").text
    assert SECRET in staff_page and "Send us the bottle." in staff_page
    tracked = guest.get(tracking).text
    assert "Send us the bottle." in tracked and SECRET not in tracked and "accepted" in tracked
    assert make_thread(site, desk["member"], "wine")  # the circle goes on as before


def test_promises_count_working_days_in_the_sites_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    friday_evening = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # 23:00 on a Friday in Shanghai
    due = working_days_after(friday_evening, 7, shanghai)
    assert due.isoformat() == "2026-12-15T23:59:59+08:00"  # Monday the 7th counts first; two weekends skipped
    saturday_morning = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # 01:00 on Saturday in Shanghai
    assert working_days_after(saturday_morning, 1, shanghai).date().isoformat() == "2026-12-07"


def test_the_staff_are_told_on_the_morning_a_case_is_due_unless_it_moved_on(site, desk):
    owner = desk["owner"]
    first, second = file(site).json()["number"], file(site, subject="Second").json()["number"]
    site.patch(f"/api/v1/complaints/{second}", json={"status": "accepted"}, headers=owner.auth)
    keys = sorted(jobs_of(site, "complaints.warn"))
    assert len(keys) == 4  # to accept and to resolve, for each case
    cases = {
        item["number"]: item for item in site.get("/api/v1/circles/wine/complaints", headers=owner.auth).json()["items"]
    }
    for key in keys:
        if key.endswith(":accept"):
            run_job_now(site, key)
    wait_for_jobs(site)
    told = [
        item
        for item in site.get("/api/v1/notifications", headers=desk["mod"].auth).json()["items"]
        if item["kind"] == "complaints.due_soon"
    ]
    assert [item["url"] for item in told] == [f"/complaints/{first}"]  # the accepted one is not late
    assert cases[first]["overdue"] is False


def test_a_member_files_a_few_complaints_an_hour_and_extra_answers_are_refused(quanzi_site, mailbox):
    site = quanzi_site(
        plugins=["complaints"],
        plugin_settings={"complaints": {"member_complaints_per_hour": 3}},
        smtp=mailbox.server,
        rate_limit_scale=1,
    )
    site.headers["accept-language"] = "en"
    owner, member = register(site, "owner"), register(site, "mei")
    make_circle(site, owner, "wine")
    too_many = file(site, headers=member.auth, answers=["one", "two", "three"])  # the desk asks nothing
    assert too_many.status_code == 400 and "answers" in too_many.json()["error"]["fields"]
    codes = [file(site, headers=member.auth).status_code for _ in range(4)]
    assert codes == [201, 201, 429, 429]  # three attempts an hour, the refused one counted
    assert file(site, headers=owner.auth).status_code == 201  # counted per member
    wait_for_jobs(site)


def test_the_desks_staff_switch_it_off_in_their_circle(site, desk):
    owner, member = desk["owner"], desk["member"]
    assert "/c/wine/complaints/new" in site.get("/c/wine", headers=member.auth).text
    off = site.put("/api/v1/circles/wine/complaints/desk", json={"shown": False}, headers=owner.auth)
    assert off.status_code == 200 and off.json()["shown"] is False
    assert "/c/wine/complaints/new" not in site.get("/c/wine", headers=member.auth).text
    assert "Hidden from the members" in site.get("/c/wine", headers=owner.auth).text
