"""Polls through HTTP, as members and guests meet them: the API, the thread page, the rules and their errors."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from core.plugins import hookimpl
from core.testing import Member, at_once, make_circle, register, sign_in


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["polls"])
    client.headers["accept-language"] = "en"  # the pages in English (the site's default language is Chinese)
    return client


def new_poll(client: TestClient, author: Member, slug: str = "club", **fields: Any) -> dict[str, Any]:
    body = {"title": "Where do we hike?", "options": ["Xiangshan 香山", "Great Wall", "Lake"], **fields}
    response = client.post(f"/api/v1/circles/{slug}/polls", json=body, headers=author.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def vote(client: TestClient, voter: Member, poll_id: int, choices: list[Any]) -> httpx2.Response:
    return client.post(f"/api/v1/polls/{poll_id}/vote", json={"choices": choices}, headers=voter.auth)


def get(client: TestClient, poll_id: int, viewer: Member | None = None) -> dict[str, Any]:
    response = client.get(f"/api/v1/polls/{poll_id}", headers=viewer.auth if viewer else {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def club(site: TestClient) -> tuple[Member, Member]:
    owner, member = register(site, "owner"), register(site, "mei")
    make_circle(site, owner, "club")
    assert site.post("/api/v1/circles/club/join", headers=member.auth).status_code == 200
    return owner, member


def test_a_poll_is_a_thread_with_options_and_counts(site, club):
    owner, member = club
    poll = new_poll(site, owner)
    assert poll["thread_id"] and poll["id"]
    assert [option["text"] for option in poll["options"]] == ["Xiangshan 香山", "Great Wall", "Lake"]
    assert [option["index"] for option in poll["options"]] == [0, 1, 2]
    assert poll["total_votes"] == 0 and poll["my_choices"] == [] and poll["closed"] is False

    thread = site.get(f"/api/v1/threads/{poll['thread_id']}").json()
    assert thread["kind"] == "poll" and thread["title"] == "Where do we hike?"
    assert site.get(f"/api/v1/threads/{poll['thread_id']}/poll").json()["id"] == poll["id"]  # from a thread to its poll
    assert site.get(f"/api/v1/threads/{poll['thread_id']}/survey").status_code == 404
    # Written without a message, the opening post lists the options: the thread reads whole without the plugin.
    assert "Great Wall" in thread["first_post"]["body"]

    assert vote(site, member, poll["id"], [1]).status_code == 200
    assert vote(site, owner, poll["id"], [1]).status_code == 200
    seen = get(site, poll["id"], member)
    assert [option["votes"] for option in seen["options"]] == [0, 2, 0]
    assert seen["total_votes"] == 2 and seen["my_choices"] == [1]


def test_a_new_vote_replaces_the_old_and_a_vote_can_be_withdrawn(site, club):
    owner, member = club
    poll = new_poll(site, owner)
    vote(site, member, poll["id"], [0])
    changed = vote(site, member, poll["id"], [2]).json()
    assert changed["my_choices"] == [2] and [o["votes"] for o in changed["options"]] == [0, 0, 1]
    withdrawn = site.delete(f"/api/v1/polls/{poll['id']}/vote", headers=member.auth).json()
    assert withdrawn["my_choices"] == [] and withdrawn["total_votes"] == 0


def test_multiple_choice_up_to_a_maximum(site, club):
    owner, member = club
    poll = new_poll(site, owner, multiple=True, max_choices=2)
    assert poll["max_choices"] == 2
    assert vote(site, member, poll["id"], [0, 2]).json()["my_choices"] == [0, 2]
    refused = vote(site, member, poll["id"], [0, 1, 2])
    assert refused.status_code == 400 and "choices" in refused.json()["error"]["fields"]
    assert get(site, poll["id"], member)["my_choices"] == [0, 2]


@pytest.mark.parametrize(
    ("choices", "why"),
    [([], "at least one"), ([3], "among"), ([-1], "among"), ([0, 0], "only once"), ([0, 1], "at most 1")],
)  # fmt: skip
def test_a_bad_vote_is_a_clear_400_and_changes_nothing(site, club, choices, why):
    owner, member = club
    poll = new_poll(site, owner)
    vote(site, member, poll["id"], [1])
    refused = vote(site, member, poll["id"], choices)
    assert refused.status_code == 400
    assert why in refused.json()["error"]["fields"]["choices"]
    assert get(site, poll["id"], member)["my_choices"] == [1]


def test_a_vote_that_is_not_a_list_of_numbers_is_refused(site, club):
    owner, member = club
    poll = new_poll(site, owner)
    for body in ({"choices": ["0"]}, {"choices": [True]}, {"choices": 0}, {"choice": [0]}, {}):
        response = site.post(f"/api/v1/polls/{poll['id']}/vote", json=body, headers=member.auth)
        assert response.status_code == 400, body
    assert get(site, poll["id"], member)["total_votes"] == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"options": ["only one"]}, "options"), ({"options": ["a", "A"]}, "options"), ({"options": ["a", " "]}, "options"),
     ({"options": ["a", "b" * 201]}, "options"), ({"options": [f"o{i}" for i in range(21)]}, "options"),
     ({"multiple": True, "max_choices": 4}, "max_choices"), ({"multiple": True, "max_choices": 0}, "max_choices"),
     ({"closes_at": "2020-01-01T00:00:00+00:00"}, "closes_at"), ({"closes_at": "2030-01-01T00:00:00"}, "closes_at"),
     ({"closes_at": "next week"}, "closes_at"), ({"results": "never"}, "results"), ({"title": " "}, "title"),
     ({"colour": "red"}, "colour")],
)  # fmt: skip
def test_a_bad_poll_is_refused_and_writes_nothing(site, club, fields, field):
    owner, _ = club
    body = {"title": "Where?", "options": ["a", "b", "c"], **fields}
    response = site.post("/api/v1/circles/club/polls", json=body, headers=owner.auth)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]["fields"]
    assert site.get("/api/v1/circles/club/threads").json()["items"] == []


def test_a_closed_poll_takes_no_votes(site, club):
    owner, member = club
    poll = new_poll(site, owner)
    vote(site, member, poll["id"], [0])
    assert site.post(f"/api/v1/polls/{poll['id']}/close", headers=member.auth).status_code == 403
    closed = site.post(f"/api/v1/polls/{poll['id']}/close", headers=owner.auth).json()
    assert closed["closed"] is True and closed["can_vote"] is False
    refused = vote(site, member, poll["id"], [1])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "poll_closed"
    assert site.delete(f"/api/v1/polls/{poll['id']}/vote", headers=member.auth).status_code == 409
    assert get(site, poll["id"], member)["my_choices"] == [0]


def test_a_poll_closes_at_its_time(site, club):
    owner, member = club
    soon = datetime.now(UTC) + timedelta(seconds=1)
    poll = new_poll(site, owner, closes_at=soon.isoformat())
    assert vote(site, member, poll["id"], [0]).status_code == 200
    asyncio.run(asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.1))
    assert vote(site, member, poll["id"], [1]).status_code == 409
    assert get(site, poll["id"])["closed"] is True


class OneVoteEach:
    """Another plugin's rule on polls' own action: the owner may not vote."""

    @hookimpl
    def check_permission(self, action: str, user: Any, target: Any) -> bool | None:
        return False if action == "poll.vote" and user.username == "owner" else None


def test_another_plugin_may_refuse_a_vote(site, club):
    owner, member = club
    site.app.state.site.plugins.pm.register(OneVoteEach(), name="one-vote-each")  # type: ignore[attr-defined]
    poll = new_poll(site, owner)
    refused = vote(site, owner, poll["id"], [0])
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "refused")
    assert vote(site, member, poll["id"], [0]).status_code == 200
    assert get(site, poll["id"], owner)["total_votes"] == 1


def test_results_after_voting_are_hidden_until_one_votes(site, club):
    owner, member = club
    poll = new_poll(site, owner, results="after_vote")
    vote(site, owner, poll["id"], [0])
    hidden = get(site, poll["id"], member)
    assert hidden["total_votes"] is None and {o["votes"] for o in hidden["options"]} == {None}
    assert get(site, poll["id"])["total_votes"] is None  # a guest never votes
    shown = vote(site, member, poll["id"], [1]).json()
    assert shown["total_votes"] == 2 and [o["votes"] for o in shown["options"]] == [1, 1, 0]


def test_results_after_closing_are_hidden_until_the_poll_closes(site, club):
    owner, member = club
    poll = new_poll(site, owner, results="after_close")
    assert vote(site, member, poll["id"], [2]).json()["total_votes"] is None
    assert get(site, poll["id"], owner)["options"][2]["votes"] is None
    page = site.get(f"/t/{poll['thread_id']}")
    assert "Results are shown when the poll closes" in page.text
    site.post(f"/api/v1/polls/{poll['id']}/close", headers=owner.auth)
    assert get(site, poll["id"])["options"][2]["votes"] == 1


def test_public_polls_show_who_voted_and_anonymous_ones_never_do(site, club):
    owner, member = club
    public = new_poll(site, owner)
    vote(site, member, public["id"], [1])
    assert get(site, public["id"])["options"][1]["voters"] == [{"username": "mei", "display_name": "mei"}]
    listed = site.get(f"/api/v1/polls/{public['id']}/options/1/voters").json()
    assert listed == {"items": [{"username": "mei", "display_name": "mei"}], "next": None}
    assert "/u/mei" in site.get(f"/t/{public['thread_id']}").text

    secret = new_poll(site, owner, anonymous=True)
    vote(site, member, secret["id"], [1])
    seen = get(site, secret["id"], owner)
    assert seen["options"][1]["votes"] == 1 and "voters" not in seen["options"][1]
    assert site.get(f"/api/v1/polls/{secret['id']}/options/1/voters", headers=owner.auth).status_code == 403
    assert "/u/mei" not in site.get(f"/t/{secret['thread_id']}", headers=owner.auth).text


def test_only_those_who_may_write_in_the_circle_vote(site, club):
    owner, _ = club
    make_circle(site, owner, "choir", join_policy="approval")  # in an open circle every member of the site writes
    poll = new_poll(site, owner, "choir")
    outsider = register(site, "outsider")
    refused = vote(site, outsider, poll["id"], [0])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_member"
    assert site.post(f"/api/v1/polls/{poll['id']}/vote", json={"choices": [0]}).status_code == 401
    assert get(site, poll["id"])["total_votes"] == 0


def test_a_private_circles_poll_stays_private_everywhere(site):
    owner, outsider = register(site, "owner"), register(site, "outsider")
    make_circle(site, owner, "secret", visibility="private")
    poll = new_poll(site, owner, "secret", title="Secret ballot 秘密投票", options=["Alpha 甲", "Beta 乙"])
    vote(site, owner, poll["id"], [0])
    site.portal.call(site.app.state.search.flush)  # type: ignore[union-attr]
    found = site.get("/api/v1/search?q=秘密投票", headers=owner.auth).json()["items"]
    assert [(item["title"], item["thread_kind"]) for item in found] == [("Secret ballot 秘密投票", "poll")]
    for viewer in (None, outsider):
        headers = viewer.auth if viewer else {}
        assert site.get(f"/api/v1/polls/{poll['id']}", headers=headers).status_code == 404
        assert site.post(f"/api/v1/polls/{poll['id']}/vote", json={"choices": [0]}, headers=headers).status_code in (
            401,
            404,
        )
        assert site.get(f"/api/v1/polls/{poll['id']}/options/0/voters", headers=headers).status_code == 404
        assert site.get(f"/api/v1/threads/{poll['thread_id']}/poll", headers=headers).status_code == 404
        assert site.get(f"/t/{poll['thread_id']}", headers=headers).status_code == 404
        assert site.get(f"/polls/{poll['id']}", headers=headers, follow_redirects=False).status_code == 404
        for listing in ("/api/v1/threads", "/api/v1/search?q=秘密投票", "/api/v1/search?q=Alpha"):
            assert "Secret ballot" not in site.get(listing, headers=headers).text, listing
    assert get(site, poll["id"], owner)["options"][0]["votes"] == 1
    assert (
        site.post(f"/api/v1/polls/{poll['id']}/vote", json={"choices": [0]}, headers=outsider.auth).status_code == 404
    )


def test_the_thread_page_shows_bars_and_a_form_and_lists_mark_the_poll(site, club):
    owner, member = club
    poll = new_poll(site, owner, title="Picnic day 野餐日")
    vote(site, owner, poll["id"], [0])
    csrf = sign_in(site, "mei")  # the browser of the member "mei" (already registered)
    page = site.get(f"/t/{poll['thread_id']}")
    assert page.status_code == 200
    assert 'id="poll"' in page.text and 'name="choice"' in page.text and 'type="radio"' in page.text
    assert 'class="fill" width="100"' in page.text  # one vote of one: a full bar
    assert "/static/plugins/polls/polls.css" in page.text

    voted = site.post(f"/polls/{poll['id']}/vote", data={"choice": "2", "csrf_token": csrf}, follow_redirects=False)
    assert voted.status_code == 303 and voted.headers["location"] == f"/t/{poll['thread_id']}#poll"
    assert get(site, poll["id"], member)["my_choices"] == [2]
    assert 'class="fill" width="50"' in site.get(f"/t/{poll['thread_id']}").text
    assert site.post(f"/polls/{poll['id']}/vote", data={"choice": "1"}).status_code == 403  # no CSRF token
    assert get(site, poll["id"], member)["my_choices"] == [2]
    withdrawn = site.post(f"/polls/{poll['id']}/withdraw", data={"csrf_token": csrf}, follow_redirects=False)
    assert withdrawn.status_code == 303 and get(site, poll["id"], member)["my_choices"] == []

    assert "📊" in site.get("/c/club").text and "📊" in site.get("/").text


def test_a_member_starts_a_poll_from_the_form(site, club):
    register(site, "ann")
    csrf = sign_in(site, "owner")
    assert "/c/club/polls/new" in site.get("/c/club").text  # the sidebar link
    form = {
        "csrf_token": csrf,
        "title": "Dinner 晚饭",
        "options": "Noodles\n\nDumplings\n",
        "multiple": "1",
        "max_choices": "2",
        "results": "after_vote",
        "closes_at": "2099-05-01T18:00",
        "body": "",
    }
    created = site.post("/c/club/polls/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    thread_id = int(created.headers["location"].split("/")[2].split("#")[0])
    poll = site.get(f"/api/v1/threads/{thread_id}").json()
    assert poll["kind"] == "poll"
    page = site.get(f"/t/{thread_id}")
    assert 'type="checkbox"' in page.text and "Noodles" in page.text
    # 18:00 in the site's zone (Asia/Shanghai by default) is 10:00 UTC.
    poll_id = int(page.text.split('action="/polls/')[1].split("/")[0])
    assert get(site, poll_id)["closes_at"] == "2099-05-01T10:00:00+00:00"

    bad = site.post("/c/club/polls/new", data={**form, "options": "Only one"})
    assert bad.status_code == 400 and "Give 2 to 20 options" in bad.text and "Dinner 晚饭" in bad.text


def test_thirty_parallel_votes_of_one_member_leave_exactly_one(site, club):
    owner, member = club
    poll = new_poll(site, owner)

    url = f"/api/v1/polls/{poll['id']}/vote"
    answers = at_once(site, 30, lambda http, i: http.post(url, json={"choices": [i % 3]}, headers=member.auth))
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 409} and statuses.count(200) >= 1
    seen = get(site, poll["id"], member)
    assert seen["total_votes"] == 1 and sum(o["votes"] for o in seen["options"]) == 1
    assert len(seen["my_choices"]) == 1
