"""The meeting kit through HTTP: applied to a circle (API and CLI) it sets one meeting up in the circle's language
and answers with the addresses of what it made; organisers edit the agenda, post notices that reach every registered
member with read receipts, print name badges; feedback polls open as agenda items end; a private circle's meeting
is its members' only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.plugins import JobContext
from core.testing import Member, apply_template, make_circle, register, run_job_now, wait_for_jobs
from plugins.meeting_kit.feedback import open_feedback

PLUGINS = ["polls", "events", "meeting_kit"]


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    return quanzi_site(plugins=PLUGINS)


@pytest.fixture
def club(site: TestClient) -> tuple[Member, Member]:
    owner, member = register(site, "chair"), register(site, "mei")
    make_circle(site, owner, "wine")
    assert site.post("/api/v1/circles/wine/join", headers=member.auth).status_code == 200
    return owner, member


def apply(
    client: TestClient, owner: Member, slug: str = "wine", title: str | None = "2027 年会", language: str = "zh-CN"
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/circles/{slug}/templates/meeting-kit",
        json={"title": title},
        headers={**owner.auth, "accept-language": language},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def meeting_of(applied: dict[str, Any]) -> int:
    url = next(item["url"] for item in applied["created"] if item["kind"] == "meeting")
    return int(url.rsplit("/", 1)[1])


def get(client: TestClient, meeting_id: int, viewer: Member | None = None) -> dict[str, Any]:
    response = client.get(f"/api/v1/meetings/{meeting_id}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_kit_sets_a_meeting_up_and_answers_with_what_it_made(site, club):
    owner, member = club
    applied = apply(site, owner)
    assert applied["template"] == "meeting-kit"
    kinds = [item["kind"] for item in applied["created"]]
    assert kinds == ["meeting", "event", "agenda", "notices", "survey", "checkin", "badges"]
    for item in applied["created"]:
        assert site.get(item["url"].split("#")[0], headers=owner.auth).status_code == 200, item
    meeting = get(site, meeting_of(applied), member)
    assert meeting["title"] == "2027 年会"
    assert [field["name"] for field in meeting["event"]["fields"]] == ["name", "organisation", "phone"]
    assert [field["label"] for field in meeting["event"]["fields"]] == ["姓名", "单位", "手机号"]  # the club's language
    assert meeting["event"]["registration_open"] is True and meeting["event"]["timezone"] == "Asia/Shanghai"
    assert [item["title"] for item in meeting["agenda"]][:2] == ["签到", "开幕致辞"]
    assert meeting["survey_id"] and meeting["can_manage"] is False
    early = site.post(f"/api/v1/surveys/{meeting['survey_id']}/responses", json={"answers": [5]}, headers=member.auth)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_open"  # asked once the meeting is over
    assert (
        "This survey opens"
        in site.get(f"/surveys/{meeting['survey_id']}", headers={**member.auth, "accept-language": "en"}).text
    )

    page = site.get(f"/meetings/{meeting['id']}", headers=member.auth).text
    assert "2027 年会" in page and "年度工作报告" in page and "议程" in page
    thread = site.get(meeting["event"]["url"], headers=member.auth).text
    assert f'href="/meetings/{meeting["id"]}"' in thread  # the registration's thread leads to the meeting's page

    again = site.post("/api/v1/circles/wine/templates/meeting-kit", json={"title": "x"}, headers=owner.auth)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_applied"
    assert site.post("/api/v1/circles/wine/templates/meeting-kit", json={}, headers=member.auth).status_code == 403


def test_applied_in_english_it_writes_english_and_the_cli_applies_it_too(site, club):
    owner, _ = club
    english = get(site, meeting_of(apply(site, owner, title=None, language="en")))
    assert english["title"] == "Annual general meeting" and english["agenda"][0]["title"] == "Registration and check-in"
    make_circle(site, owner, "board")
    applied = apply_template(site, "meeting-kit", "board", "Board day")
    assert [item.kind for item in applied.created][0] == "meeting"


def test_registered_members_get_badges_and_the_agenda_is_the_organisers_to_edit(site, club):
    owner, member = club
    meeting = get(site, meeting_of(apply(site, owner)))
    event_id = meeting["event"]["id"]
    registered = site.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"answers": {"name": "王小梅", "organisation": "北京葡萄酒协会", "phone": "13812345678"}},
        headers=member.auth,
    )
    assert registered.status_code == 200 and registered.json()["status"] == "confirmed"
    badges = site.get(f"/meetings/{meeting['id']}/badges", headers=owner.auth).text
    assert "王小梅" in badges and "北京葡萄酒协会" in badges
    assert site.get(f"/meetings/{meeting['id']}/badges", headers=member.auth).status_code == 403

    start = datetime.fromisoformat(meeting["event"]["starts_at"])
    item = {
        "title": "品鉴会 Tasting",
        "speaker": "李老师",
        "room": "B2",
        "starts_at": (start + timedelta(hours=3)).isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
    }
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    assert site.post(url, json=item, headers=member.auth).status_code == 403
    backwards = site.post(url, json={**item, "ends_at": item["starts_at"]}, headers=owner.auth)
    assert backwards.status_code == 400 and "ends_at" in backwards.json()["error"]["fields"]
    added = site.post(url, json=item, headers=owner.auth)
    assert added.status_code == 201
    agenda = get(site, meeting["id"], member)["agenda"]
    assert agenda[-1]["title"] == "品鉴会 Tasting" and agenda[-1]["speaker"] == "李老师" and len(agenda) == 6
    changed = site.put(f"{url}/{added.json()['id']}", json={**item, "room": "Hall"}, headers=owner.auth)
    assert changed.status_code == 200 and changed.json()["room"] == "Hall"
    assert site.delete(f"{url}/{added.json()['id']}", headers=owner.auth).status_code == 204
    assert len(get(site, meeting["id"])["agenda"]) == 5


def test_a_notice_reaches_every_registered_member_and_the_organisers_see_who_read_it(site, club):
    owner, member = club
    meeting = get(site, meeting_of(apply(site, owner)))
    late = register(site, "wen")
    site.post("/api/v1/circles/wine/join", headers=late.auth)
    answers = {"name": "Mei", "phone": "13812345678"}
    site.post(f"/api/v1/events/{meeting['event']['id']}/registrations", json={"answers": answers}, headers=member.auth)
    url = f"/api/v1/meetings/{meeting['id']}/notices"
    assert site.post(url, json={"title": "t", "body": "b"}, headers=member.auth).status_code == 403
    sent = site.post(url, json={"title": "会场改到二楼", "body": "请走东门。"}, headers=owner.auth)
    assert sent.status_code == 201 and sent.json()["recipients"] == 1
    notice = get(site, meeting["id"], owner)["notices"][0]
    assert notice["title"] == "会场改到二楼" and (notice["read"], notice["recipients"]) == (0, 1)
    assert get(site, meeting["id"], member)["notices"][0]["read_at"] is None
    assert get(site, meeting["id"], late)["notices"] == []  # not registered: not told
    kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
    assert "notice" in kinds
    assert site.post(f"/api/v1/notices/{sent.json()['notice_id']}/read", headers=member.auth).status_code == 204
    assert get(site, meeting["id"], owner)["notices"][0]["read"] == 1


def test_an_agenda_items_feedback_poll_opens_when_it_ends_once(site, club):
    owner, member = club
    meeting = get(site, meeting_of(apply(site, owner)))
    first = meeting["agenda"][0]

    run_job_now(site, f"meeting_kit.feedback:{first['id']}")  # the item has ended
    wait_for_jobs(site)
    poll_id = get(site, meeting["id"], member)["agenda"][0]["poll_id"]  # (a guest's copy is kept a few seconds)
    assert poll_id, "the feedback poll did not open"
    poll = site.get(f"/api/v1/polls/{poll_id}", headers=member.auth).json()
    assert poll["title"] == "反馈：签到" and [option["text"] for option in poll["options"]][0] == "很好"
    assert poll["anonymous"] is True  # feedback names nobody

    site.portal.call(open_feedback, JobContext({"item_id": first["id"]}, None, 2))
    polls = site.get("/api/v1/circles/wine/threads").json()["items"]
    assert sum(1 for thread in polls if thread["kind"] == "poll") == 1


def test_a_private_circles_meeting_is_its_members_only(site):
    owner, outsider = register(site, "boss"), register(site, "nosy")
    make_circle(site, owner, "board", visibility="private")
    meeting_id = meeting_of(apply(site, owner, "board", "理事会"))
    for headers in ({}, outsider.auth):
        assert site.get(f"/api/v1/meetings/{meeting_id}", headers=headers).status_code == 404
        for path in ("", "/badges", "/notices/new"):
            seen = site.get(f"/meetings/{meeting_id}{path}", headers=headers, follow_redirects=False)
            assert seen.status_code in (401, 404) or seen.headers["location"].startswith("/login")
            assert "理事会" not in seen.text
        assert site.post(
            f"/api/v1/meetings/{meeting_id}/notices", json={"title": "x", "body": "y"}, headers=headers
        ).status_code in (401, 404)
    assert site.get(f"/api/v1/meetings/{meeting_id}", headers=owner.auth).status_code == 200
