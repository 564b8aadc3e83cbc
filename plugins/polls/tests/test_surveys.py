"""Surveys through HTTP: a club owner builds one, members and guests answer it, the owner reads the results,
exports them and shares the link; and every way in which that can go wrong."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.testing import Member, another_browser, apply_template, make_circle, register, sign_in

QUESTIONS = [
    {"kind": "single", "text": "How did you hear of us? 你从哪里知道我们？", "options": ["Friend 朋友", "WeChat", "Flyer"],
     "required": True},
    {"kind": "multiple", "text": "What would you join?", "options": ["Hikes", "Dinners", "Talks"]},
    {"kind": "rating", "text": "How was the tasting?", "required": True},
    {"kind": "text", "text": "Anything else?"},
]  # fmt: skip


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["polls"])
    client.headers["accept-language"] = "en"  # the pages in English (the site's default language is Chinese)
    return client


@pytest.fixture
def owner(site: TestClient) -> Member:
    owner = register(site, "owner")
    make_circle(site, owner, "club", join_policy="approval")
    return owner


def admit(client: TestClient, owner: Member, username: str) -> Member:
    """A new member of the circle "club" (which takes members on approval): asks to join, and is let in."""
    member = register(client, username)
    assert client.post("/api/v1/circles/club/join", headers=member.auth).json()["status"] == "pending"
    assert client.put(
        f"/api/v1/circles/club/members/{username}", json={"role": "member"}, headers=owner.auth
    ).is_success
    return member


def new_survey(client: TestClient, author: Member, slug: str = "club", **fields: Any) -> dict[str, Any]:
    body = {"title": "Autumn tasting 品酒会", "questions": QUESTIONS, **fields}
    response = client.post(f"/api/v1/circles/{slug}/surveys", json=body, headers=author.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def answer(client: TestClient, survey_id: int, answers: Any, who: Member | None = None) -> Any:
    headers = who.auth if who else {}
    return client.post(f"/api/v1/surveys/{survey_id}/responses", json={"answers": answers}, headers=headers)


def results(client: TestClient, survey_id: int, who: Member) -> dict[str, Any]:
    response = client.get(f"/api/v1/surveys/{survey_id}/results", headers=who.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_members_answer_and_the_owner_sees_results_per_question(site, owner):
    survey = new_survey(site, owner)
    assert survey["thread_id"] and [q["kind"] for q in survey["questions"]] == ["single", "multiple", "rating", "text"]
    assert site.get(f"/api/v1/threads/{survey['thread_id']}").json()["kind"] == "survey"
    assert site.get(f"/api/v1/threads/{survey['thread_id']}/survey").json()["id"] == survey["id"]
    assert answer(site, survey["id"], [0, [0, 1], 5, "Lovely evening 很好"], owner).status_code == 201
    assert answer(site, survey["id"], {"0": 1, "2": 3}, owner).status_code == 409  # once per member
    ann = admit(site, owner, "ann")
    assert answer(site, survey["id"], {"0": 1, "1": [1], "2": 3}, ann).status_code == 201

    found = results(site, survey["id"], owner)
    assert found["responses"] == 2
    single, multiple, rating, text = found["results"]
    assert [o["count"] for o in single["options"]] == [1, 1, 0] and single["answered"] == 2
    assert [o["count"] for o in multiple["options"]] == [1, 2, 0]
    assert rating["average"] == 4.0 and rating["ratings"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert text["latest"] == ["Lovely evening 很好"] and text["answered"] == 1

    page = site.get(f"/surveys/{survey['id']}/results", headers=owner.auth)
    assert (
        page.status_code == 200 and "Lovely evening 很好" in page.text and '<rect class="fill" width="50"' in page.text
    )


def test_a_public_survey_takes_one_answer_per_browser_from_guests(site):
    owner = register(site, "owner")
    make_circle(site, owner, "open-club")
    survey = new_survey(site, owner, "open-club", public=True)
    guest = another_browser(site)
    first = answer(guest, survey["id"], [2, [], 4, ""])
    assert first.status_code == 201 and "quanzi_respondent" in first.cookies
    again = answer(guest, survey["id"], [1, [], 4, ""])
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"
    assert guest.get(f"/api/v1/surveys/{survey['id']}").json()["answered"] is True
    other_browser = another_browser(site)
    assert answer(other_browser, survey["id"], [1, [], 2, ""]).status_code == 201
    assert results(site, survey["id"], owner)["responses"] == 2


def test_a_survey_not_public_asks_guests_to_sign_in_and_outsiders_to_join(site, owner):
    survey = new_survey(site, owner)
    assert answer(another_browser(site), survey["id"], [0, [], 3, ""]).status_code == 401
    outsider = register(site, "outsider")
    refused = answer(site, survey["id"], [0, [], 3, ""], outsider)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_member"
    assert results(site, survey["id"], owner)["responses"] == 0
    page = another_browser(site).get(f"/surveys/{survey['id']}")
    assert page.status_code == 200 and "Log in to answer" in page.text


def test_a_survey_in_a_private_circle_cannot_be_public(site, owner):
    make_circle(site, owner, "inner", visibility="private")
    body = {"title": "Open to all?", "questions": QUESTIONS, "public": True}
    refused = site.post("/api/v1/circles/inner/surveys", json=body, headers=owner.auth)
    assert refused.status_code == 400 and "public" in refused.json()["error"]["fields"]
    assert site.get("/api/v1/circles/inner/threads", headers=owner.auth).json()["items"] == []


@pytest.mark.parametrize(
    ("answers", "field"),
    [([None, [], 3, ""], "answers.0"), ([7, [], 3, ""], "answers.0"), (["0", [], 3, ""], "answers.0"),
     ([0, [5], 3, ""], "answers.1"), ([0, [1, 1], 3, ""], "answers.1"), ([0, 1, 3, ""], "answers.1"),
     ([0, [], 6, ""], "answers.2"), ([0, [], 0, ""], "answers.2"), ([0, [], None, ""], "answers.2"),
     ([0, [], 3, "x" * 2001], "answers.3"), ([0, [], 3, 42], "answers.3"), ([0, [], 3, "", "extra"], "answers"),
     ({"9": 1}, "answers.9"), ({"zero": 1}, "answers.zero"), ([True, [], 3, ""], "answers.0")],
)  # fmt: skip
def test_a_bad_answer_is_a_clear_400_naming_the_question_and_records_nothing(site, owner, answers, field):
    survey = new_survey(site, owner)
    refused = answer(site, survey["id"], answers, owner)
    assert refused.status_code == 400, refused.text
    assert field in refused.json()["error"]["fields"]
    assert results(site, survey["id"], owner)["responses"] == 0
    assert answer(site, survey["id"], [0, [], 3, ""], owner).status_code == 201  # the member may still answer


@pytest.mark.parametrize(
    ("questions", "field"),
    [([], "questions"), ([{"kind": "essay", "text": "Why?"}], "questions.0.kind"),
     ([{"kind": "single", "text": "Pick", "options": ["only"]}], "questions.0.options"),
     ([{"kind": "text", "text": "Why?", "options": ["a", "b"]}], "questions.0.options"),
     ([{"kind": "rating", "text": " "}], "questions.0.text"), ([{"kind": "rating", "text": "q" * 301}], "questions.0.text"),
     ([{"kind": "rating", "text": "Why?"}] * 31, "questions")],
)  # fmt: skip
def test_a_bad_survey_is_refused_and_writes_nothing(site, owner, questions, field):
    response = site.post(
        "/api/v1/circles/club/surveys", json={"title": "Bad", "questions": questions}, headers=owner.auth
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]["fields"]
    assert site.get("/api/v1/circles/club/threads", headers=owner.auth).json()["items"] == []


def test_a_closed_survey_takes_no_answers(site, owner):
    survey = new_survey(site, owner)
    member = admit(site, owner, "mei")
    assert site.post(f"/api/v1/surveys/{survey['id']}/close", headers=member.auth).status_code == 403
    assert site.post(f"/api/v1/surveys/{survey['id']}/close", headers=owner.auth).json()["closed"] is True
    refused = answer(site, survey["id"], [0, [], 3, ""], member)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "survey_closed"
    assert results(site, survey["id"], owner)["responses"] == 0


def test_results_and_export_are_for_the_author_and_moderators(site, owner):
    survey = new_survey(site, owner)
    member = admit(site, owner, "mei")
    answer(site, survey["id"], [1, [0, 2], 2, '=HYPERLINK("http://evil")'], member)
    for path in ("results", "export.csv"):
        assert site.get(f"/api/v1/surveys/{survey['id']}/{path}", headers=member.auth).status_code == 403
    assert site.get(f"/surveys/{survey['id']}/results", headers=member.auth).status_code == 403
    assert site.get(f"/api/v1/surveys/{survey['id']}", headers=member.auth).json()["responses"] is None

    export = site.get(f"/api/v1/surveys/{survey['id']}/export.csv", headers=owner.auth)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["response", "submitted_at", "respondent"] and rows[0][3] == QUESTIONS[0]["text"]
    assert rows[1][2:] == ["mei", "WeChat", "Hikes; Talks", "2", '\'=HYPERLINK("http://evil")']  # never a formula


def test_a_private_circles_survey_stays_private_everywhere(site):
    owner, outsider = register(site, "owner"), register(site, "outsider")
    make_circle(site, owner, "inner", visibility="private")
    survey = new_survey(site, owner, "inner", title="Inner survey 内部调查")
    site.portal.call(site.app.state.search.flush)  # type: ignore[union-attr]
    for viewer in (None, outsider):
        headers = viewer.auth if viewer else {}
        for path in (
            f"/api/v1/surveys/{survey['id']}",
            f"/api/v1/surveys/{survey['id']}/results",
            f"/api/v1/surveys/{survey['id']}/export.csv",
            f"/surveys/{survey['id']}",
            f"/surveys/{survey['id']}/share",
            f"/surveys/{survey['id']}/qr.svg",
            f"/t/{survey['thread_id']}",
            f"/api/v1/threads/{survey['thread_id']}/survey",
        ):
            assert site.get(path, headers=headers).status_code == 404, (viewer, path)
        assert answer(site, survey["id"], [0, [], 3, ""], viewer).status_code == 404
        for listing in ("/api/v1/threads", "/api/v1/search?q=内部调查", "/", "/search?q=内部调查"):
            assert "Inner survey" not in site.get(listing, headers=headers).text, listing


def test_a_member_builds_a_survey_with_the_form_and_a_guest_answers_on_the_page(site):
    owner = register(site, "owner")
    make_circle(site, owner, "open-club")
    csrf = sign_in(site, "owner")
    form = site.get("/c/open-club/surveys/new")
    assert form.status_code == 200 and form.text.count("q2_text") >= 1 and "q3_text" not in form.text
    more = site.post(
        "/c/open-club/surveys/new",
        data={"csrf_token": csrf, "count": "3", "title": "T", "action": "more", "q0_text": "Kept"},
    )
    assert "q5_text" in more.text and 'value="Kept"' in more.text
    misplaced = site.post(
        "/c/open-club/surveys/new",
        data={
            "csrf_token": csrf,
            "count": "3",
            "title": "T",
            "q2_text": "Pick",
            "q2_kind": "single",
            "q2_options": "one",
        },
    )
    assert misplaced.status_code == 400
    error_at = misplaced.text.rindex(
        "Give 2 to 20 options"
    )  # (first in the summary) shown in the block it was written in, the third
    assert misplaced.text.rindex('id="q2_options"', 0, error_at) > misplaced.text.rindex('id="q1_options"', 0, error_at)

    data = {
        "csrf_token": csrf, "count": "4", "title": "Customer survey 客户调查", "public": "1", "body": "",
        "q0_text": "Your favourite dish?", "q0_kind": "single", "q0_options": "Dumplings\nNoodles", "q0_required": "1",
        "q1_text": "Rate us", "q1_kind": "rating", "q1_options": "",
        "q2_text": "", "q2_kind": "text", "q2_options": "",  # left empty: skipped
        "q3_text": "Tell us more", "q3_kind": "text", "q3_options": "",
    }  # fmt: skip
    created = site.post("/c/open-club/surveys/new", data=data, follow_redirects=False)
    assert created.status_code == 303, created.text
    share_path = created.headers["location"]
    survey_id = int(share_path.split("/")[2])
    share = site.get(share_path)
    assert f"http://testserver/surveys/{survey_id}" in share.text and f"/surveys/{survey_id}/qr.svg" in share.text
    qr = site.get(f"/surveys/{survey_id}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml") and "<svg" in qr.text
    assert [q["text"] for q in site.get(f"/api/v1/surveys/{survey_id}").json()["questions"]] == [
        "Your favourite dish?", "Rate us", "Tell us more"
    ]  # fmt: skip

    guest = another_browser(site)
    page = guest.get(f"/surveys/{survey_id}")
    assert page.status_code == 200 and 'name="a0"' in page.text and "answer as a guest" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    missing = guest.post(f"/surveys/{survey_id}", data={"csrf_token": token, "a1": "4", "a2": "Great"})
    assert missing.status_code == 400 and "Please answer this question" in missing.text and "Great" in missing.text
    sent = guest.post(
        f"/surveys/{survey_id}", data={"csrf_token": token, "a0": "1", "a1": "4", "a2": "Great"}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/surveys/{survey_id}?done=1"
    assert "Thank you" in guest.get(sent.headers["location"]).text
    assert 'name="a0"' not in guest.get(f"/surveys/{survey_id}").text  # answered: no form again
    assert guest.post(f"/surveys/{survey_id}", data={"a0": "0"}).status_code == 403  # no CSRF token
    found = results(site, survey_id, owner)["results"]
    assert [o["count"] for o in found[0]["options"]] == [0, 1] and found[2]["latest"] == ["Great"]
    assert "📝" in site.get("/c/open-club").text


def test_the_customer_survey_template_sets_up_a_survey_guests_answer(site):
    owner = register(site, "owner")
    make_circle(site, owner, "shop")
    make_circle(site, owner, "staff", visibility="private")
    for slug in ("shop", "staff"):
        apply_template(site, "customer_survey", slug)
    shop, staff = (
        site.get(f"/api/v1/circles/{slug}/threads", headers=owner.auth).json()["items"] for slug in ("shop", "staff")
    )
    assert [thread["kind"] for thread in shop] == ["survey"] and "客户满意度调查" in shop[0]["title"]
    survey_id = int(site.get(f"/t/{shop[0]['id']}").text.split('href="/surveys/')[1].split('"')[0])
    survey = site.get(f"/api/v1/surveys/{survey_id}").json()
    assert survey["public"] is True and len(survey["questions"]) == 5
    assert answer(another_browser(site), survey_id, [5, 1, [0, 2], 4, "很好 Great"]).status_code == 201
    assert staff[0]["kind"] == "survey"  # in a private circle the same survey, for members only


def test_a_guest_answers_a_members_survey_with_a_phone_number_and_becomes_a_member(quanzi_site, text_gateway):
    """Where the circle takes anyone who asks and the site signs in by phone, a members' survey takes a guest's
    number and texted code in its own form: a wrong code records nothing and makes nobody; the right one makes
    the account, signs the browser in, makes them a member, and records their answers under their name."""
    import re

    site = quanzi_site(plugins=["polls"], sms=text_gateway.sender)
    site.headers["accept-language"] = "en"
    owner = register(site, "owner")
    make_circle(site, owner, "walks")
    survey = new_survey(site, owner, "walks")
    guest = another_browser(site)
    page = guest.get(f"/surveys/{survey['id']}").text
    assert 'name="phone"' in page and "Log in to answer" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "phone": "13800138000", "a0": "1", "a2": "4"}
    sent = guest.post(f"/surveys/{survey['id']}", data={**form, "step": "send"})
    assert sent.status_code == 200 and "+8613800138000" in sent.text
    code = text_gateway.code_for("+8613800138000")
    wrong = guest.post(f"/surveys/{survey['id']}", data={**form, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and guest.get("/api/v1/me").status_code == 401
    assert results(site, survey["id"], owner)["responses"] == 0
    done = guest.post(f"/surveys/{survey['id']}", data={**form, "code": code}, follow_redirects=False)
    assert done.status_code == 303, done.text[-500:]
    me = guest.get("/api/v1/me").json()
    assert guest.get(f"/api/v1/surveys/{survey['id']}").json()["answered"] is True
    assert results(site, survey["id"], owner)["responses"] == 1
    members = site.get("/api/v1/circles/walks/members", headers=owner.auth).json()["items"]
    assert me["username"] in [item["user"]["username"] for item in members]
    club = make_circle(site, owner, "board", join_policy="approval")
    closed = new_survey(site, owner, club["slug"])
    assert 'name="phone"' not in another_browser(site).get(f"/surveys/{closed['id']}").text  # asks to log in
