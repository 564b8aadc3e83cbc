"""Surveys on the shared forms: every kind of question, the guest form protection, the survey's introduction and
its share card (tests/test_forms.py checks the pieces themselves)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.testing import another_browser, make_circle, register

QUESTIONS = [
    {"kind": "short_text", "text": "Your name 姓名", "required": True},
    {"kind": "phone", "text": "Mobile 手机"},
    {"kind": "email", "text": "E-mail"},
    {"kind": "number", "text": "How many bottles?"},
    {"kind": "date", "text": "When do you come?"},
]
INTRODUCTION = "Answer by Friday, please. 请在周五前填写。"


def public_survey(site: TestClient, **settings: Any) -> int:
    owner = register(site, "owner")
    make_circle(site, owner, "open-club")
    body = {"title": "Spring tasting 春季品鉴", "body": INTRODUCTION, "questions": QUESTIONS, "public": True}
    response = site.post("/api/v1/circles/open-club/surveys", json=body, headers=owner.auth)
    assert response.status_code == 201, response.text
    site.extra_owner = owner  # type: ignore[attr-defined]
    return int(response.json()["id"])


def responses(site: TestClient, survey_id: int) -> int:
    owner = site.extra_owner  # type: ignore[attr-defined]
    return int(site.get(f"/api/v1/surveys/{survey_id}/results", headers=owner.auth).json()["responses"])


def hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["polls"])
    client.headers["accept-language"] = "en"
    return client


def test_a_guest_answers_every_kind_of_question_and_reads_the_introduction(site):
    survey_id = public_survey(site)
    guest = another_browser(site)
    page = guest.get(f"/surveys/{survey_id}")
    assert INTRODUCTION in page.text  # the deadline and instructions are on the page the link opens
    assert 'type="tel"' in page.text and 'type="email"' in page.text and 'type="date"' in page.text
    assert '<meta property="og:title" content="Spring tasting 春季品鉴">' in page.text
    assert f'<meta property="og:url" content="http://testserver/surveys/{survey_id}">' in page.text
    assert 'content="Answer by Friday, please. 请在周五前填写。"' in page.text
    form = hidden_fields(page.text)
    wrong = guest.post(
        f"/surveys/{survey_id}", data={**form, "a0": "Li", "a1": "12345", "a2": "li@", "a3": "lots", "a4": "Friday"}
    )
    assert wrong.status_code == 400
    for message in ("Enter a mobile number", "Enter a valid e-mail address", "Enter a number", "Enter a date"):
        assert message in wrong.text
    assert 'value="lots"' in wrong.text  # what was typed stays
    sent = guest.post(
        f"/surveys/{survey_id}",
        data={**form, "a0": "Li Lei", "a1": "+86 139 1234 5678", "a2": "Li@Example.com", "a3": "6", "a4": "2027-03-21"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    owner = site.extra_owner  # type: ignore[attr-defined]
    export = site.get(f"/api/v1/surveys/{survey_id}/export.csv", headers=owner.auth).content.decode("utf-8-sig")
    assert "Li Lei,13912345678,li@example.com,6,2027-03-21" in export


def test_a_bot_that_fills_the_honeypot_is_told_thanks_and_changes_nothing(site):
    survey_id = public_survey(site)
    bot = another_browser(site)
    form = hidden_fields(bot.get(f"/surveys/{survey_id}").text)
    sent = bot.post(
        f"/surveys/{survey_id}",
        data={**form, "qz_homepage": "http://spam.example", "a0": "Buy"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/surveys/{survey_id}?done=1"
    forged = bot.post(
        f"/surveys/{survey_id}", data={**form, "qz_opened": "1.forged", "a0": "Buy"}, follow_redirects=False
    )
    assert forged.status_code == 303
    assert responses(site, survey_id) == 0
    assert "qz_homepage" not in site.get(f"/surveys/{survey_id}", headers=site.extra_owner.auth).text  # members: none


def test_a_form_sent_faster_than_people_read_is_dropped_when_the_site_asks(quanzi_site):
    site = quanzi_site(plugins=["polls"], plugin_settings={"polls": {"guest_min_seconds": 30}})
    survey_id = public_survey(site)
    guest = another_browser(site)
    form = hidden_fields(guest.get(f"/surveys/{survey_id}").text)
    assert guest.post(f"/surveys/{survey_id}", data={**form, "a0": "Quick"}, follow_redirects=False).status_code == 303
    assert responses(site, survey_id) == 0


def test_a_private_circles_survey_has_no_share_card(site):
    owner = register(site, "owner")
    make_circle(site, owner, "inner", visibility="private")
    body = {"title": "Board only 理事会", "body": "Secret budget", "questions": QUESTIONS[:1]}
    survey_id = site.post("/api/v1/circles/inner/surveys", json=body, headers=owner.auth).json()["id"]
    page = site.get(f"/surveys/{survey_id}", headers=owner.auth)
    assert page.status_code == 200 and "Secret budget" in page.text and "og:title" not in page.text
    guest = another_browser(site)
    for path in (f"/surveys/{survey_id}", f"/surveys/{survey_id}/qr.png", f"/surveys/{survey_id}/share"):
        response = guest.get(path)
        assert response.status_code == 404 and "Board only" not in response.text and "Secret" not in response.text


def test_the_export_speaks_the_owners_language_and_time_zone(site):
    from datetime import datetime, timedelta, timezone

    survey_id = public_survey(site)
    guest = another_browser(site)
    form = hidden_fields(guest.get(f"/surveys/{survey_id}").text)
    guest.post(f"/surveys/{survey_id}", data={**form, "a0": "王芳"})
    owner = site.extra_owner  # type: ignore[attr-defined]
    site.patch("/api/v1/me", json={"locale": "zh_CN"}, headers=owner.auth)  # signed up in English, reads Chinese
    export = site.get(f"/api/v1/surveys/{survey_id}/export.csv", headers=owner.auth)
    header, row = export.content.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("答卷编号,提交时间,填写人,Your name 姓名")
    beijing = datetime.now(timezone(timedelta(hours=8)))
    written = datetime.strptime(row.split(",")[1], "%Y-%m-%d %H:%M").replace(tzinfo=beijing.tzinfo)
    assert abs((beijing - written).total_seconds()) < 120  # Beijing time, not UTC


def test_a_published_survey_is_reworded_and_its_answers_stay(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    body = {
        "title": "Tasting",
        "questions": [
            {"kind": "single", "text": "Wine?", "options": ["Red", "White", "Rosé"]},
            {"kind": "text", "text": "Comments"},
            {"kind": "rating", "text": "Unused"},
        ],
    }
    survey = site.post("/api/v1/circles/club/surveys", json=body, headers=owner.auth).json()
    site.post(f"/api/v1/surveys/{survey['id']}/responses", json={"answers": [1, "Lovely"]}, headers=owner.auth)
    wine, comments, unused = survey["questions"]
    url = f"/api/v1/surveys/{survey['id']}"

    def edit(questions):
        return site.patch(url, json={"questions": questions}, headers=owner.auth)

    wine_edit = {
        "id": wine["id"],
        "kind": "single",
        "text": "Which wine? 哪种酒？",
        "options": ["Red 红", "White 白", "Rosé 桃红", "Sparkling 起泡"],
    }
    assert edit([wine_edit, {"id": comments["id"], "kind": "rating", "text": "Comments"}]).json()["error"][
        "fields"
    ] == {"questions.1.kind": "This question has answers: its kind stays."}
    shrunk = edit([{**wine_edit, "options": ["Red", "White"]}, {"id": comments["id"], "kind": "text", "text": "C"}])
    assert shrunk.status_code == 400 and "questions.0.options" in shrunk.json()["error"]["fields"]
    dropped = edit([wine_edit])
    assert dropped.status_code == 400 and "questions" in dropped.json()["error"]["fields"]  # "Comments" has answers

    reordered = edit(
        [
            {"id": comments["id"], "kind": "text", "text": "Anything else?"},
            wine_edit,
            {"kind": "email", "text": "Your e-mail"},
        ]
    )  # "Unused" had no answers: removed
    assert reordered.status_code == 200, reordered.text
    assert [q["text"] for q in reordered.json()["questions"]] == [
        "Anything else?",
        "Which wine? 哪种酒？",
        "Your e-mail",
    ]
    found = site.get(f"{url}/results", headers=owner.auth).json()["results"]
    assert found[0]["latest"] == ["Lovely"] and [o["count"] for o in found[1]["options"]] == [0, 1, 0, 0]
    assert site.patch(url, json={"questions": [wine_edit]}, headers=register(site, "lei").auth).status_code == 403


def test_the_edit_page(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    body = {"title": "Tasting", "questions": [{"kind": "text", "text": "Comments"}]}
    survey = site.post("/api/v1/circles/club/surveys", json=body, headers=owner.auth).json()
    from core.testing import sign_in

    csrf = sign_in(site, "owner")
    page = site.get(f"/surveys/{survey['id']}/edit")
    assert page.status_code == 200 and 'value="Comments"' in page.text and "Save the questions" in page.text
    question_id = survey["questions"][0]["id"]
    saved = site.post(
        f"/surveys/{survey['id']}/edit",
        data={
            "csrf_token": csrf,
            "count": "2",
            "q0_id": str(question_id),
            "q0_kind": "text",
            "q0_text": "Tell us more",
            "q1_kind": "phone",
            "q1_text": "Your phone",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert [q["text"] for q in site.get(f"/api/v1/surveys/{survey['id']}").json()["questions"]] == [
        "Tell us more",
        "Your phone",
    ]
    guest = another_browser(site)
    assert guest.get(f"/surveys/{survey['id']}/edit", follow_redirects=False).status_code in (303, 404)
