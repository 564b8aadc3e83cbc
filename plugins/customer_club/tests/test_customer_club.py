"""The customer club through HTTP: the template makes a club whose pages all answer; points come from real acts,
exactly once each (parallel duplicates too), within the day's caps, never for replies in one's own thread, under
rules whose new versions keep what was earned; levels refuse gaps and overlaps; managers' corrections are logged;
ideas take one vote per member (not their own), and a duplicate forwards its votes; the VIP circle opens by level
and closes after the grace period, or at once for a member who leaves the club; segments and their notices; and
nothing of a member's standing, the managers' pages or a private board reaches those who may not see it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.plugins import Circle, User, announce_act, now
from core.testing import (
    Member,
    another_browser,
    at_once,
    jobs_of,
    make_circle,
    make_thread,
    register,
    reply,
    run_job_now,
    sign_in,
    wait_for_jobs,
)
from core.testing.audiences import audience_people, check_audience
from plugins.customer_club.models import Standing
from plugins.customer_club.vip import STANDING

PLUGINS = ["polls", "events", "shop", "complaints", "customer_club"]


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=PLUGINS)
    client.headers["accept-language"] = "en"
    return client


def start(client: TestClient, owner: Member, slug: str = "brand") -> dict[str, Any]:
    make_circle(client, owner, slug)
    response = client.post(f"/api/v1/circles/{slug}/templates/customer-club", json={}, headers=owner.auth)
    assert response.status_code == 201, response.text
    created = response.json()["created"]
    club_id = int(created[0]["url"].rsplit("/", 1)[1])
    return {"id": club_id, "created": created, **client.get(f"/api/v1/clubs/{club_id}", headers=owner.auth).json()}


def joined(client: TestClient, name: str, *slugs: str) -> Member:
    member = register(client, name)
    for slug in slugs:
        assert client.post(f"/api/v1/circles/{slug}/join", headers=member.auth).status_code == 200
    return member


def standing(client: TestClient, club: dict[str, Any], member: Member) -> dict[str, Any]:
    response = client.get(f"/api/v1/clubs/{club['id']}/ledger", headers=member.auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_template_makes_a_club_whose_pages_all_answer(site):
    owner = register(site, "owner")
    club = start(site, owner)
    kinds = [item["kind"] for item in club["created"]]
    assert kinds == [
        "club",
        "thread",
        "thread",
        "ideas",
        "circle",
        "circle",
        "shop",
        "trial",
        "complaints",
        "event",
        "survey",
    ]
    browser = another_browser(site)
    sign_in(browser, "owner")
    for item in club["created"]:
        assert browser.get(item["url"]).status_code == 200, item
    assert browser.get(f"/clubs/{club['id']}/manage").status_code == 200
    welcome = browser.get(club["created"][1]["url"]).text
    assert f'href="/clubs/{club["id"]}"' in welcome  # the welcome links the club's page
    assert [level["name"] for level in club["levels"]] == ["Newcomer", "Silver", "Gold", "Black gold"]
    assert club["levels"][0] == {"position": 1, "name": "Newcomer", "from": 0, "to": 49}
    assert club["vip_circle"] == "brand-vip" and club["ideas_circle"] == "brand-ideas"
    assert site.get("/api/v1/circles/brand-vip").status_code == 404  # private
    assert site.get("/api/v1/circles/brand-vip", headers=owner.auth).json()["visibility"] == "private"


def test_points_count_once_within_the_days_cap_and_never_for_replies_in_ones_own_thread(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    responses = at_once(
        site,
        8,
        lambda http, i: http.post(
            "/api/v1/circles/brand/threads", json={"title": f"Hello {i}", "body": "Hi all"}, headers=fan.auth
        ),
    )
    assert [response.status_code for response in responses] == [201] * 8
    mine = standing(site, club, fan)
    acts = sorted(entry["act"] for entry in mine["entries"])
    assert acts == ["first_post", "thread", "thread", "thread"] and mine["points"] == 10 + 3 * 5  # cap: 3 a day
    assert mine["badges"] == ["voice"]
    own = responses[0].json()["id"]
    reply(site, fan, own, "Replying to myself")
    assert standing(site, club, fan)["points"] == 25  # nothing for that
    other = make_thread(site, owner, "brand", "News", "From the team")
    reply(site, fan, other["id"], "Thanks!")
    assert standing(site, club, fan)["points"] == 27

    # The same act announced several times at once (a retry, two workers): credited once
    async def duplicates() -> None:
        user, circle = await User.get(username="fan"), await Circle.get(slug="brand")
        await asyncio.gather(*(announce_act(circle.id, user, "event.checkin", 77) for _ in range(8)))

    site.portal.call(duplicates)
    mine = standing(site, club, fan)
    assert [entry["act"] for entry in mine["entries"]].count("event.checkin") == 1 and mine["points"] == 37
    assert "met_up" in mine["badges"]
    # A stranger to the club earns nothing, even acting in its ideas circle
    stranger = joined(site, "stranger", "brand-ideas")
    make_thread(site, stranger, "brand-ideas", "An idea from outside", "Hm")
    assert standing(site, club, stranger)["points"] == 0


def test_new_rules_keep_what_was_earned_levels_refuse_gaps_and_corrections_are_logged(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    make_thread(site, fan, "brand", "First", "Hello")
    assert standing(site, club, fan)["points"] == 15
    rules = [{"act": "thread", "points": 1, "daily_cap": None}, {"act": "first_post", "points": 0}]
    changed = site.put(f"/api/v1/clubs/{club['id']}/rules", json={"rules": rules}, headers=owner.auth)
    assert changed.status_code == 200 and changed.json()["rules_version"] == 2
    make_thread(site, fan, "brand", "Second", "Hello again")
    mine = standing(site, club, fan)
    assert mine["points"] == 16 and {entry["rules_version"] for entry in mine["entries"]} == {1, 2}
    bad_rules = site.put(
        f"/api/v1/clubs/{club['id']}/rules", json={"rules": [{"act": "nonsense", "points": 1}]}, headers=owner.auth
    )
    assert bad_rules.status_code == 400
    for levels in (
        [{"name": "A", "from": 0, "to": 10}, {"name": "B", "from": 20, "to": None}],  # a gap
        [{"name": "A", "from": 0, "to": 10}, {"name": "B", "from": 5, "to": None}],  # an overlap
        [{"name": "A", "from": 5, "to": None}],
    ):
        refused = site.put(
            f"/api/v1/clubs/{club['id']}/levels", json={"levels": levels, "vip_level": 1}, headers=owner.auth
        )
        assert refused.status_code == 400, refused.text
        assert site.get(f"/api/v1/clubs/{club['id']}").json()["levels"] == club["levels"]  # nothing changed
    corrected = site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": -6, "reason": "Duplicate posts"},
    )
    assert corrected.status_code == 201
    mine = standing(site, club, fan)
    assert mine["points"] == 10 and mine["entries"][0]["reason"] == "Duplicate posts"
    (logged,) = site.get(f"/api/v1/clubs/{club['id']}/corrections", headers=owner.auth).json()["items"]
    assert (logged["member"]["username"], logged["by"]["username"], logged["points"]) == ("fan", "owner", -6)
    nosy = joined(site, "nosy", "brand")
    for method, path in (
        ("post", f"/api/v1/clubs/{club['id']}/corrections"),
        ("put", f"/api/v1/clubs/{club['id']}/rules"),
        ("get", f"/api/v1/clubs/{club['id']}/segments"),
        ("get", f"/api/v1/clubs/{club['id']}/corrections"),
    ):
        body = {"username": "nosy", "points": 100, "reason": "me"} if method == "post" else {"rules": []}
        kwargs = {} if method == "get" else {"json": body}
        assert getattr(site, method)(path, headers=nosy.auth, **kwargs).status_code == 404
    assert site.get(f"/clubs/{club['id']}/manage", headers=nosy.auth).status_code == 404
    assert "Duplicate posts" not in site.get(f"/api/v1/clubs/{club['id']}/ledger", headers=nosy.auth).text


def test_ideas_take_one_vote_each_not_their_authors_and_a_duplicate_forwards_its_votes(site):
    owner = register(site, "owner")
    club = start(site, owner)
    author = joined(site, "author", "brand", "brand-ideas")
    voters = [joined(site, name, "brand", "brand-ideas") for name in ("bob", "cat", "dan")]
    idea = site.post(
        f"/api/v1/clubs/{club['id']}/ideas",
        headers=author.auth,
        json={"title": "A smaller bottle", "body": "For trying", "complaints": ["abcd2345"]},
    ).json()
    assert site.post(f"/api/v1/ideas/{idea['id']}/vote", headers=author.auth).status_code == 403
    taps = at_once(site, 6, lambda http, i: http.post(f"/api/v1/ideas/{idea['id']}/vote", headers=voters[0].auth))
    assert sorted(response.status_code for response in taps) == [200] + [409] * 5
    for voter in voters[1:]:
        assert site.post(f"/api/v1/ideas/{idea['id']}/vote", headers=voter.auth).status_code == 200
    assert site.get(f"/api/v1/ideas/{idea['id']}").json()["votes"] == 3
    assert site.get(f"/api/v1/ideas/{idea['id']}", headers=voters[0].auth).json()["complaints"] == 1  # numbers: staff
    assert site.get(f"/api/v1/ideas/{idea['id']}", headers=owner.auth).json()["complaints"] == ["ABCD2345"]
    earned = [entry for entry in standing(site, club, author)["entries"] if entry["act"] == "idea.voted"]
    assert len(earned) == 3
    other = site.post(
        f"/api/v1/clubs/{club['id']}/ideas",
        headers=voters[2].auth,
        json={"title": "Smaller bottles please", "body": "Same"},
    ).json()
    site.post(f"/api/v1/ideas/{other['id']}/vote", headers=voters[1].auth)
    moved = site.patch(
        f"/api/v1/ideas/{other['id']}", headers=owner.auth, json={"status": "duplicate", "duplicate_of": idea["id"]}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "duplicate"
    assert site.get(f"/api/v1/ideas/{idea['id']}").json()["votes"] == 3  # bob voted both, the author of it: once
    assert site.post(f"/api/v1/ideas/{other['id']}/vote", headers=voters[0].auth).status_code == 409  # closed
    planned = site.patch(f"/api/v1/ideas/{idea['id']}", headers=owner.auth, json={"status": "planned"})
    assert planned.json()["status"] == "planned"
    told = site.get("/api/v1/notifications", headers=voters[1].auth).json()
    assert any("moved on" in item["text"] for item in told["items"])
    assert site.patch(f"/api/v1/ideas/{idea['id']}", headers=voters[0].auth, json={"status": "done"}).status_code == 404
    board = site.get(f"/api/v1/clubs/{club['id']}/ideas?status=planned").json()["ideas"]
    assert [row["title"] for row in board] == ["A smaller bottle"]
    assert "idea_maker" in standing(site, club, author)["badges"]


def test_the_vip_circle_opens_by_level_and_closes_after_the_grace_period_or_at_once_on_leaving(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    gold = next(level["from"] for level in club["levels"] if level["position"] == club["vip_level"])
    site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": gold, "reason": "Launch ambassador"},
    )
    wait_for_jobs(site)
    assert site.get("/api/v1/circles/brand-vip", headers=fan.auth).status_code == 200  # let in
    assert any("VIP" in item["text"] for item in site.get("/api/v1/notifications", headers=fan.auth).json()["items"])
    site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": -1, "reason": "Correction"},
    )
    wait_for_jobs(site)
    assert site.get("/api/v1/circles/brand-vip", headers=fan.auth).status_code == 200  # the grace period
    (key,) = jobs_of(site, "customer_club.vip")  # the job comes back when the grace period ends

    async def a_month_later() -> None:
        await Standing.filter(below_since__isnull=False).update(below_since=now() - timedelta(days=31))

    site.portal.call(a_month_later)
    run_job_now(site, key)
    wait_for_jobs(site)
    assert site.get("/api/v1/circles/brand-vip", headers=fan.auth).status_code == 404  # out after it
    # Back above the level, then out of the club: out of the VIP circle at once
    site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": 5, "reason": "Meet-up host"},
    )
    wait_for_jobs(site)
    assert site.get("/api/v1/circles/brand-vip", headers=fan.auth).status_code == 200
    assert site.post("/api/v1/circles/brand/leave", headers=fan.auth).status_code in (200, 204)
    assert site.get("/api/v1/circles/brand-vip", headers=fan.auth).status_code == 404


def test_segments_group_the_members_and_a_notice_reaches_one_of_them(site):
    owner = register(site, "owner")
    club = start(site, owner)
    busy = joined(site, "busy", "brand")
    quiet = joined(site, "quiet", "brand")
    make_thread(site, busy, "brand", "One", "Hello")
    found = site.get(f"/api/v1/clubs/{club['id']}/segments?days=30", headers=owner.auth).json()
    assert [row["username"] for row in found["segments"]["occasional"]["members"]] == ["busy"]  # 2 acts
    assert [row["username"] for row in found["segments"]["silent"]["members"]] == ["quiet"]
    sent = site.post(
        f"/api/v1/clubs/{club['id']}/segments/silent/notices",
        headers=owner.auth,
        json={"title": "We miss you", "body": "Come to the meet-up"},
    )
    assert sent.status_code == 201 and sent.json()["sent"] >= 1
    assert any(
        "We miss you" in item["text"] or item.get("title") == "We miss you"
        for item in site.get("/api/v1/notifications", headers=quiet.auth).json()["items"]
    )
    assert not any(
        "We miss you" in str(item) for item in site.get("/api/v1/notifications", headers=busy.auth).json()["items"]
    )
    assert site.get(f"/api/v1/clubs/{club['id']}/segments?days=7", headers=owner.auth).status_code == 400


def test_a_private_clubs_standing_and_board_stay_with_those_who_see_it(site):
    owner = register(site, "owner")
    make_circle(site, owner, "secret", visibility="private")
    created = site.post("/api/v1/circles/secret/templates/customer-club", json={}, headers=owner.auth).json()
    club_id = int(created["created"][0]["url"].rsplit("/", 1)[1])
    make_thread(site, owner, "secret", "Inside", "Hello")
    outsider = register(site, "outsider")
    for path in (f"/api/v1/clubs/{club_id}", f"/api/v1/clubs/{club_id}/ledger", f"/api/v1/clubs/{club_id}/ideas"):
        assert site.get(path, headers=outsider.auth).status_code == 404
    assert site.get(f"/clubs/{club_id}", headers=outsider.auth).status_code == 404
    profile = site.get("/u/owner", headers=outsider.auth).text
    assert "/clubs/" not in profile
    assert f"/clubs/{club_id}" in site.get("/u/owner", headers=owner.auth).text


def test_every_plugins_acts_earn_their_points(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    urls = {item["kind"]: item["url"] for item in club["created"]}
    event_id = int(urls["event"].rsplit("/", 1)[1])
    assert (
        site.post(f"/api/v1/events/{event_id}/registrations", json={"answers": []}, headers=fan.auth).status_code == 200
    )
    code = site.get(f"/api/v1/events/{event_id}", headers=fan.auth).json()["my_registration"]["code"]
    for _ in range(3):  # scanned three times: one check-in
        site.post(f"/api/v1/events/{event_id}/checkin", json={"code": code}, headers=owner.auth)
    survey_id = int(urls["survey"].rsplit("/", 1)[1])
    answered = site.post(
        f"/api/v1/surveys/{survey_id}/responses", json={"answers": [5, 4, "More meet-ups"]}, headers=fan.auth
    )
    assert answered.status_code == 201, answered.text
    product = site.post("/api/v1/circles/brand/products", json={"name": "Mug", "price": "30"}, headers=owner.auth)
    order = site.post(f"/api/v1/products/{product.json()['id']}/orders", json={"quantity": 1}, headers=fan.auth)
    assert site.post(f"/api/v1/orders/{order.json()['id']}/paid", headers=owner.auth).status_code == 200
    case = site.post(
        "/api/v1/circles/brand/complaints", json={"subject": "Cracked mug", "body": "It came cracked"}, headers=fan.auth
    ).json()
    for status in ("accepted", "resolved"):
        site.patch(f"/api/v1/complaints/{case['number']}", json={"status": status}, headers=owner.auth)
    token = case["tracking_url"].rsplit("/", 1)[1]
    assert site.post(f"/api/v1/complaints/track/{token}/rating", json={"rating": 5}).status_code == 200
    earned = {entry["act"]: entry["points"] for entry in standing(site, club, fan)["entries"]}
    assert earned == {"event.checkin": 10, "survey.response": 3, "shop.paid": 5, "complaint.good_rating": 5}
    assert "met_up" in standing(site, club, fan)["badges"]


def test_a_standings_audience_is_its_member_and_the_sites_administrators(site):
    owner = register(site, "owner")
    club = start(site, owner)
    people = audience_people(site, "brand", owner)
    people["fan"] = joined(site, "fan", "brand")
    site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": 60, "reason": "Silver for the launch"},
    )
    check_audience(site, STANDING, Standing, people, sees={"fan", "admin"}, user__username="fan")
    for name, person in people.items():
        ledger = site.get(f"/api/v1/clubs/{club['id']}/ledger", headers=person.auth if person else {})
        if name == "fan":
            assert ledger.json()["points"] == 60
        elif person is not None and ledger.status_code == 200:
            assert ledger.json()["points"] == 0 and "Silver for the launch" not in ledger.text  # only their own


def test_a_trial_kept_for_a_level_opens_when_the_member_reaches_it(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    trial = site.get("/api/v1/trials/1", headers=owner.auth).json()  # the template's first trial
    assert f"/t/{trial['thread_id']}" in [item["url"] for item in club["created"]]
    kept = site.put(
        f"/api/v1/clubs/{club['id']}/gates",
        json={"kind": "trial", "id": trial["id"], "min_level": 2},
        headers=owner.auth,
    )
    assert kept.status_code == 200 and kept.json()["gates"] == [{"kind": "trial", "id": trial["id"], "min_level": 2}]
    refused = site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=fan.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "refused"
    site.post(
        f"/api/v1/clubs/{club['id']}/corrections",
        headers=owner.auth,
        json={"username": "fan", "points": 50, "reason": "Silver for the launch"},
    )
    assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=fan.auth).status_code == 201
    bad = site.put(
        f"/api/v1/clubs/{club['id']}/gates",
        json={"kind": "trial", "id": trial["id"], "min_level": 9},
        headers=owner.auth,
    )
    assert bad.status_code == 400
    assert (
        site.put(
            f"/api/v1/clubs/{club['id']}/gates", json={"kind": "trial", "id": 1, "min_level": 2}, headers=fan.auth
        ).status_code
        == 404
    )


def test_managers_keep_an_offer_for_a_level_by_choosing_it_by_name(site):
    owner = register(site, "owner")
    club = start(site, owner)
    trial = site.get("/api/v1/trials/1", headers=owner.auth).json()  # the template's first trial
    title = site.get(f"/api/v1/threads/{trial['thread_id']}", headers=owner.auth).json()["title"]
    mug = site.post("/api/v1/circles/brand/products", json={"name": "Travel mug", "price": "30"}, headers=owner.auth)
    make_circle(site, owner, "elsewhere")
    other = site.post(
        "/api/v1/circles/elsewhere/products", json={"name": "Not the club's", "price": "9"}, headers=owner.auth
    ).json()
    browser = another_browser(site)
    csrf = sign_in(browser, "owner")
    page = browser.get(f"/clubs/{club['id']}/manage").text
    assert f'<option value="trial:{trial["id"]}">Trial: {title}</option>' in page
    assert f'<option value="product:{mug.json()["id"]}">Product: Travel mug · ¥30.00</option>' in page
    assert "Not the club&#39;s" not in page and "Its number" not in page  # nobody types an id any more
    kept = browser.post(
        f"/clubs/{club['id']}/manage/gate", data={"csrf_token": csrf, "offer": f"trial:{trial['id']}", "min_level": "2"}
    )
    assert kept.status_code == 200 and f'<a href="/t/{trial["thread_id"]}">{title}</a>' in kept.text
    assert "Silver and above" in kept.text
    assert site.get(f"/api/v1/clubs/{club['id']}", headers=owner.auth).json()["gates"] == [
        {"kind": "trial", "id": trial["id"], "min_level": 2}
    ]
    foreign = browser.post(
        f"/clubs/{club['id']}/manage/gate",
        data={"csrf_token": csrf, "offer": f"product:{other['id']}", "min_level": "2"},
    )
    assert foreign.status_code == 400 and "Choose one of the club" in foreign.text
    assert len(site.get(f"/api/v1/clubs/{club['id']}", headers=owner.auth).json()["gates"]) == 1  # nothing kept
    opened = browser.post(
        f"/clubs/{club['id']}/manage/gate", data={"csrf_token": csrf, "offer": f"trial:{trial['id']}", "min_level": "1"}
    )
    assert opened.status_code == 200 and "Silver and above" not in opened.text
    assert site.get(f"/api/v1/clubs/{club['id']}", headers=owner.auth).json()["gates"] == []


def test_a_trial_report_earns_points_once_the_managers_accept_it(site):
    owner = register(site, "owner")
    club = start(site, owner)
    fan = joined(site, "fan", "brand")
    trial = site.get("/api/v1/trials/1", headers=owner.auth).json()  # the template's first trial
    assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=fan.auth).status_code == 201
    assert site.post(f"/api/v1/trials/{trial['id']}/applications/fan/pick", headers=owner.auth).status_code == 200
    site.post(f"/api/v1/trials/{trial['id']}/report", json={"body": "Smooth and light", "rating": 5}, headers=fan.auth)
    assert "shop.trial_report" not in [entry["act"] for entry in standing(site, club, fan)["entries"]]
    site.post(f"/api/v1/trials/{trial['id']}/applications/fan/accept", headers=owner.auth)
    mine = standing(site, club, fan)
    assert [entry["points"] for entry in mine["entries"] if entry["act"] == "shop.trial_report"] == [10]
    assert "tester" in mine["badges"]


def test_the_threads_author_marks_a_reply_helpful_once_and_its_author_earns_points(site):
    owner = register(site, "owner")
    club = start(site, owner)
    asker, helper, other = (joined(site, name, "brand") for name in ("asker", "helper", "other"))
    question = make_thread(site, asker, "brand", "Which grind for a moka pot?", "Fine or medium?")
    answer = reply(site, helper, question["id"], "Medium-fine, like table salt.")
    mine = reply(site, asker, question["id"], "Thanks, trying it")
    url = f"/api/v1/posts/{answer['id']}/helpful"
    assert site.post(url, headers=other.auth).status_code == 403  # not the thread's author
    assert site.post(f"/api/v1/posts/{mine['id']}/helpful", headers=asker.auth).status_code == 403  # own reply
    marks = at_once(site, 4, lambda http, i: http.post(url, headers=asker.auth))
    assert sorted(response.status_code for response in marks) == [200, 409, 409, 409]
    earned = [entry for entry in standing(site, club, helper)["entries"] if entry["act"] == "post.helpful"]
    assert [entry["points"] for entry in earned] == [5]
    page = site.get(f"/t/{question['id']}", headers=other.auth).text
    assert "✓ Helpful" in page and "Mark helpful" not in page  # the mark for all; the button for the author
    assert 'class="club-level"' in page and 'title="First words"' in page  # levels and badges beside names
    reply(site, other, question["id"], "Or medium, for a milder cup")
    assert site.get(f"/t/{question['id']}", headers=asker.auth).text.count("Mark helpful") == 1  # other's reply


def test_points_cannot_be_farmed_into_the_vip_circle(site):
    """Events an organiser checks themselves in at earn nothing; helpful marks and votes are capped; voting, taking
    the vote back and voting again credits an idea's author once."""
    owner = register(site, "owner")
    club = start(site, owner)
    farmer, friend = joined(site, "farmer", "brand", "brand-ideas"), joined(site, "friend", "brand", "brand-ideas")
    starts = datetime.now(UTC) + timedelta(days=3)
    for number in range(4):  # the farmer organises meet-ups and checks in at them
        event = site.post(
            "/api/v1/circles/brand/events",
            headers=farmer.auth,
            json={
                "title": f"Meet-up {number}",
                "body": "Come",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(),
            },
        ).json()
        assert "id" in event, event
        site.post(f"/api/v1/events/{event['id']}/registrations", json={"answers": []}, headers=farmer.auth)
        code = site.get(f"/api/v1/events/{event['id']}", headers=farmer.auth).json()["my_registration"]["code"]
        assert (
            site.post(f"/api/v1/events/{event['id']}/checkin", json={"code": code}, headers=farmer.auth).status_code
            == 200
        )
    thread = make_thread(site, friend, "brand", "Which tea?", "Help me choose")
    for number in range(6):  # the friend marks every reply of the farmer's helpful
        answer = reply(site, farmer, thread["id"], f"Answer {number}")
        assert site.post(f"/api/v1/posts/{answer['id']}/helpful", headers=friend.auth).status_code in (200, 201)
    idea = site.post(
        f"/api/v1/clubs/{club['id']}/ideas", headers=farmer.auth, json={"title": "Green tea week", "body": "Please"}
    ).json()
    for _ in range(3):
        site.post(f"/api/v1/ideas/{idea['id']}/vote", headers=friend.auth)
        site.delete(f"/api/v1/ideas/{idea['id']}/vote", headers=friend.auth)
    entries = standing(site, club, farmer)["entries"]
    acts = [entry["act"] for entry in entries]
    assert "event.checkin" not in acts  # an organiser's own check-in
    assert acts.count("post.helpful") == 3  # the day's cap
    assert acts.count("idea.voted") == 1  # one voter, one credit, however often they vote again


def test_templates_write_as_the_owners_deliberate_act_not_a_newcomers_posts(quanzi_site):
    """On a fresh site the owner is a newcomer (three threads an hour), yet two templates making a dozen threads
    between them both apply; and what they write earns the owner no club points."""
    site = quanzi_site(plugins=[*PLUGINS, "meeting_kit"], rate_limit_scale=1.0)
    site.headers["accept-language"] = "en"
    owner = register(site, "owner")
    club = start(site, owner)
    make_circle(site, owner, "meet")
    second = site.post("/api/v1/circles/meet/templates/meeting-kit", json={"title": "AGM"}, headers=owner.auth)
    assert second.status_code == 201, second.text
    assert standing(site, club, owner)["entries"] == []
    assert all(make_thread(site, owner, "brand", f"By hand {n}", "Hello")["id"] for n in range(4))  # their circle


def test_likes_received_and_a_featured_thread_earn_their_author_points_within_the_cap(site):
    owner = register(site, "owner")
    club = start(site, owner)
    author = joined(site, "author", "brand")
    fans = [joined(site, f"fan{number}", "brand") for number in range(12)]
    thread = make_thread(site, author, "brand", "My best brew", "Recipe inside")
    post = thread["first_post"]["id"]
    for fan in fans:
        assert site.put(f"/api/v1/posts/{post}/like", headers=fan.auth).status_code == 200
    site.delete(f"/api/v1/posts/{post}/like", headers=fans[0].auth)
    site.put(f"/api/v1/posts/{post}/like", headers=fans[0].auth)  # taken back and given again: counted once
    assert site.patch(f"/api/v1/threads/{thread['id']}", json={"featured": True}, headers=owner.auth).status_code == 200
    acts = [entry["act"] for entry in standing(site, club, author)["entries"]]
    assert acts.count("post.liked") == 10  # the day's cap
    assert acts.count("thread.featured") == 1
