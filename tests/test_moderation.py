"""Moderation through HTTP: flags (once per member; at the site's threshold the post is hidden everywhere until
reviewed, once, under parallel flags), the review queue of a circle and of the site and each decision, silencing
and bans with their reasons and ends, and the moderation log — each seen only by those who moderate."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role
from core.testing import Member, another_browser, at_once, make_circle, make_thread, register, reply, sign_in

SAFE = "bcdghjkpqtvwxz"  # letters no other letter or pair looks like (the site refuses look-alike names)


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site()
    client.headers["accept-language"] = "en"
    return client


def crowd(client: TestClient, slug: str, count: int) -> list[Member]:
    people = []
    for index in range(count):
        person = register(client, "flagger" + SAFE[index])
        assert client.post(f"/api/v1/circles/{slug}/join", headers=person.auth).status_code == 200
        people.append(person)
    return people


@pytest.fixture
def club(site: TestClient) -> dict[str, Any]:
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    spammer = register(site, "spammer")
    site.post("/api/v1/circles/club/join", headers=spammer.auth)
    thread = make_thread(site, owner, "club", "Weekend ride", "Who is in?")
    spam = reply(site, spammer, thread["id"], "Cheap watches at example.com")
    return {"owner": owner, "spammer": spammer, "thread": thread, "spam": spam}


def test_enough_flags_hide_a_post_once_everywhere_until_a_moderator_keeps_it(site, club):
    flaggers = crowd(site, "club", 6)
    spam, thread = club["spam"], club["thread"]
    url = f"/api/v1/posts/{spam['id']}/flags"
    assert site.post(url, json={"reason": "spam"}, headers=club["spammer"].auth).status_code == 403  # one's own
    assert site.post(url, json={"reason": "other"}, headers=flaggers[0].auth).status_code == 400  # other needs a note
    assert site.post(url, json={"reason": "nonsense"}, headers=flaggers[0].auth).status_code == 400
    assert site.post(url, json={"reason": "spam"}, headers=flaggers[0].auth).status_code == 201
    assert site.post(url, json={"reason": "spam"}, headers=flaggers[0].auth).status_code == 409  # once each
    answers = at_once(site, 5, lambda http, i: http.post(url, json={"reason": "abuse"}, headers=flaggers[i + 1].auth))
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(201) >= 2 and set(codes) <= {201, 404}  # once hidden, the post is gone for flaggers too
    posts = site.get(f"/api/v1/threads/{thread['id']}/posts").json()["items"]
    assert spam["id"] not in [post["id"] for post in posts]  # hidden for everyone ...
    assert "Cheap watches" not in site.get(f"/t/{thread['id']}", headers=flaggers[0].auth).text
    site.portal.call(site.app.state.search.flush)
    assert not site.get("/api/v1/search", params={"q": "watches"}, headers=club["owner"].auth).json()["items"]
    queue = site.get("/api/v1/circles/club/reviews", headers=club["owner"].auth).json()["items"]
    assert len(queue) == 1 and queue[0]["flags"] == 1 + codes.count(201) and queue[0]["hidden"]
    assert "Cheap watches" in queue[0]["body"] and len(queue[0]["flags_given"]) == queue[0]["flags"]
    log = site.get("/api/v1/circles/club/moderation-log", headers=club["owner"].auth).json()["items"]
    assert [entry["action"] for entry in log] == ["hidden_by_flags"]  # hidden once, by the site
    kept = site.post(
        f"/api/v1/reviews/{queue[0]['id']}",
        json={"decision": "keep", "reason": "A joke between friends"},
        headers=club["owner"].auth,
    )
    assert kept.status_code == 200 and kept.json()["status"] == "kept"
    posts = site.get(f"/api/v1/threads/{thread['id']}/posts").json()["items"]
    assert spam["id"] in [post["id"] for post in posts]
    told = site.get("/api/v1/notifications", headers=flaggers[0].auth).json()["items"]
    assert any("kept it" in item["text"] for item in told)


def test_only_the_circles_members_flags_hide_its_posts_and_the_author_still_sees_a_hidden_one(site, club):
    outsiders = [register(site, "outsider" + SAFE[index]) for index in range(3)]  # new accounts, not members
    opening = site.get(f"/api/v1/threads/{club['thread']['id']}/posts").json()["items"][0]
    for url in (f"/api/v1/posts/{opening['id']}/flags", f"/api/v1/posts/{club['spam']['id']}/flags"):
        for outsider in outsiders:
            assert site.post(url, json={"reason": "spam"}, headers=outsider.auth).status_code == 201
    assert site.get(f"/api/v1/threads/{club['thread']['id']}").status_code == 200  # the owner's thread stands
    queue = site.get("/api/v1/circles/club/review", headers=club["owner"].auth).json()["items"]  # the contract's name
    for stranger in ({}, outsiders[0].auth, club["spammer"].auth):  # guests, outsiders and plain members see no queue
        assert site.get("/api/v1/circles/club/review", headers=stranger).status_code in (401, 404)
    assert len(queue) == 2 and {item["flags"] for item in queue} == {0} and not any(item["hidden"] for item in queue)
    assert all(len(item["flags_given"]) == 3 for item in queue)  # listed, not counted
    alerts = [
        item
        for item in site.get("/api/v1/notifications", headers=club["owner"].auth).json()["items"]
        if item["kind"] == "moderation.flagged"
    ]
    assert len(alerts) == 2 and "waits in the review queue" in alerts[0]["text"]  # once a post, not once a flag
    for member in crowd(site, "club", 3):
        site.post(f"/api/v1/posts/{club['spam']['id']}/flags", json={"reason": "spam"}, headers=member.auth)
    spam_url = f"/api/v1/posts/{club['spam']['id']}"
    assert site.get(spam_url).status_code == 404 and site.get(spam_url, headers=outsiders[0].auth).status_code == 404
    seen = site.get(spam_url, headers=club["spammer"].auth)  # its author still sees it, marked
    assert seen.status_code == 200 and seen.json()["waiting_for_review"] is True
    assert site.get(spam_url, headers=club["owner"].auth).json()["waiting_for_review"] is True
    decided = site.post(f"{spam_url}/review", json={"action": "delete"}, headers=club["owner"].auth)
    assert decided.status_code == 200 and decided.json()["status"] == "deleted"
    assert site.get(spam_url, headers=club["spammer"].auth).status_code == 404  # decided: no longer waiting
    mine = reply(site, club["owner"], club["thread"]["id"], "Never flagged")
    hidden = site.post(f"/api/v1/posts/{mine['id']}/review", json={"action": "hide"}, headers=club["owner"].auth)
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"  # a post nobody flagged
    assert (
        site.post(f"/api/v1/posts/{mine['id']}/review", json={"action": "keep"}, headers=outsiders[0].auth).status_code
        == 404
    )


def test_a_moderator_removes_and_bans_and_the_banned_member_cannot_ask_again(site, club):
    flagger = crowd(site, "club", 1)[0]
    site.post(f"/api/v1/posts/{club['spam']['id']}/flags", json={"reason": "spam"}, headers=flagger.auth)
    (item,) = site.get("/api/v1/circles/club/reviews", headers=club["owner"].auth).json()["items"]
    assert not item["hidden"]  # one flag is not enough
    outsider = register(site, "outsider")
    assert site.get("/api/v1/circles/club/reviews", headers=outsider.auth).status_code == 404
    assert (
        site.post(f"/api/v1/reviews/{item['id']}", json={"decision": "delete"}, headers=flagger.auth).status_code == 404
    )
    silenced = site.post(
        f"/api/v1/reviews/{item['id']}",
        json={"decision": "silence", "reason": "spam", "days": 3},
        headers=club["owner"].auth,
    )  # a circle's owner is not the site's staff
    assert silenced.status_code == 403
    removed = site.post(
        f"/api/v1/reviews/{item['id']}",
        headers=club["owner"].auth,
        json={"decision": "remove", "reason": "Selling watches", "days": 30},
    )
    assert removed.status_code == 200 and removed.json()["status"] == "hidden"
    again = site.post("/api/v1/circles/club/join", headers=club["spammer"].auth)
    assert again.status_code == 403 and again.json()["error"]["code"] == "banned"
    assert "Selling watches" in again.json()["error"]["message"]
    assert (
        site.get("/api/v1/circles/club/bans", headers=club["owner"].auth).json()["items"][0]["reason"]
        == "Selling watches"
    )
    told = site.get("/api/v1/notifications", headers=flagger.auth).json()["items"]
    assert any("taken down" in item["text"] for item in told)
    assert site.delete("/api/v1/circles/club/bans/spammer", headers=club["owner"].auth).status_code == 204
    assert site.post("/api/v1/circles/club/join", headers=club["spammer"].auth).status_code == 200
    actions = [
        entry["action"]
        for entry in site.get("/api/v1/circles/club/moderation-log", headers=club["owner"].auth).json()["items"]
    ]
    assert actions == ["unban", "remove", "ban"]
    exported = site.get("/api/v1/circles/club/moderation-log.csv", headers=club["owner"].auth)
    assert exported.status_code == 200 and "Selling watches" in exported.text
    for path in (
        "/api/v1/circles/club/moderation-log",
        "/api/v1/circles/club/moderation-log.csv",
        "/api/v1/moderation-log",
        "/api/v1/circles/club/bans",
    ):
        assert site.get(path, headers=flagger.auth).status_code == 404


def test_a_silenced_member_reads_but_cannot_write_until_it_is_lifted(site, club):

    staff = register(site, "staffer", Role.MODERATOR)
    spammer = club["spammer"]
    assert (
        site.post(
            "/api/v1/users/spammer/silence", json={"reason": "Spam", "days": 3}, headers=club["owner"].auth
        ).status_code
        == 403
    )  # not the site's staff
    silenced = site.post(
        "/api/v1/users/spammer/silence", json={"reason": "Selling watches", "days": 3}, headers=staff.auth
    )
    assert silenced.status_code == 201
    assert site.get(f"/t/{club['thread']['id']}", headers=spammer.auth).status_code == 200  # reads
    refused = site.post(
        f"/api/v1/threads/{club['thread']['id']}/posts", json={"body": "More watches"}, headers=spammer.auth
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "silenced"
    assert "Selling watches" in refused.json()["error"]["message"]
    assert (
        site.post(
            "/api/v1/circles/club/threads", json={"title": "Watches", "body": "Cheap"}, headers=spammer.auth
        ).status_code
        == 403
    )
    assert (
        site.post("/api/v1/users/owner/silence", json={"reason": "x", "days": 1}, headers=staff.auth).status_code == 201
    )  # a member like any other (the owner of a circle)
    assert site.delete("/api/v1/users/spammer/silence", headers=staff.auth).status_code == 204
    assert (
        site.post(
            f"/api/v1/threads/{club['thread']['id']}/posts", json={"body": "Sorry"}, headers=spammer.auth
        ).status_code
        == 201
    )
    site_log = site.get("/api/v1/moderation-log", headers=staff.auth).json()["items"]
    assert [entry["action"] for entry in site_log][:3] == ["unsilence", "silence", "silence"]


def test_a_moderator_of_one_circle_sees_nothing_of_anothers_queue(site, club):
    other_owner = register(site, "otherowner")
    make_circle(site, other_owner, "other")
    flagger = crowd(site, "club", 1)[0]
    site.post(f"/api/v1/posts/{club['spam']['id']}/flags", json={"reason": "abuse"}, headers=flagger.auth)
    assert site.get("/api/v1/circles/club/reviews", headers=other_owner.auth).status_code == 404
    assert site.get("/api/v1/reviews", headers=other_owner.auth).json()["items"] == []  # their own circles only
    assert len(site.get("/api/v1/reviews", headers=club["owner"].auth).json()["items"]) == 1
    (item,) = site.get("/api/v1/reviews", headers=club["owner"].auth).json()["items"]
    assert (
        site.post(f"/api/v1/reviews/{item['id']}", json={"decision": "delete"}, headers=other_owner.auth).status_code
        == 404
    )


def test_the_pages_flag_a_post_and_the_moderator_decides_from_the_queue(site, club):
    from core.testing import another_browser, sign_in

    crowd(site, "club", 1)
    member = another_browser(site)
    csrf = sign_in(member, "flaggerb")
    thread_page = member.get(f"/t/{club['thread']['id']}").text
    assert f"/p/{club['spam']['id']}/flag" in thread_page  # on others' posts
    assert f"/p/{club['thread']['first_post']['id']}/flag" in thread_page
    form = member.get(f"/p/{club['spam']['id']}/flag")
    assert form.status_code == 200 and "Cheap watches" in form.text
    assert member.post(f"/p/{club['spam']['id']}/flag", data={"csrf_token": csrf, "reason": "other"}).status_code == 400
    sent = member.post(f"/p/{club['spam']['id']}/flag", data={"csrf_token": csrf, "reason": "spam"})
    assert sent.status_code == 200 and "Thank you" in sent.text
    moderator = another_browser(site)
    token = sign_in(moderator, "owner")
    assert "/c/club/review" in moderator.get("/c/club").text
    queue = moderator.get("/c/club/review")
    assert "Cheap watches" in queue.text and "flaggerb" in queue.text and "Silence the author" not in queue.text
    (item,) = site.get("/api/v1/circles/club/reviews", headers=club["owner"].auth).json()["items"]
    done = moderator.post(
        f"/reviews/{item['id']}",
        data={"csrf_token": token, "decision": "delete", "reason": "", "back": "/c/club/review"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/c/club/review"
    assert "Nothing waits for a decision" in moderator.get("/c/club/review").text
    assert "deleted" in moderator.get("/c/club/moderation-log").text
    assert member.get("/c/club/review").status_code == 404
    assert member.get("/c/club/moderation-log").status_code == 404


def test_watched_words_block_review_or_replace_in_chinese_and_english(site, club):
    staff = register(site, "staffer", Role.MODERATOR)
    owner, spammer, thread = club["owner"], club["spammer"], club["thread"]
    for body in (
        {"word": "代开发票", "action": "block"},
        {"word": "ass", "action": "block"},
        {"word": "加微信", "action": "review"},
        {"word": "傻瓜", "action": "replace", "replacement": "**"},
    ):
        assert site.post("/api/v1/watched-words", json=body, headers=staff.auth).status_code == 201
    assert (
        site.post("/api/v1/watched-words", json={"word": "x", "action": "block"}, headers=owner.auth).status_code == 404
    )
    assert (
        site.post(
            "/api/v1/circles/club/watched-words", json={"word": "SALE", "action": "review"}, headers=owner.auth
        ).status_code
        == 201
    )  # a circle's own, by its owner
    posts = f"/api/v1/threads/{thread['id']}/posts"
    blocked = site.post(posts, json={"body": "我们可以代开发票，价格优惠"}, headers=spammer.auth)  # inside a sentence
    assert blocked.status_code == 400 and "代开发票" in blocked.json()["error"]["fields"]["body"]
    assert site.post(posts, json={"body": "Nice ASS!"}, headers=spammer.auth).status_code == 400  # any case
    assert (
        site.post(posts, json={"body": "This class is great"}, headers=spammer.auth).status_code == 201
    )  # whole words
    assert site.post(posts, json={"body": "你真是个ass啊"}, headers=spammer.auth).status_code == 400  # Latin in Chinese
    replaced = site.post(posts, json={"body": "别当傻瓜"}, headers=spammer.auth)
    assert replaced.status_code == 201 and replaced.json()["body"] == "别当**"
    held = site.post(posts, json={"body": "想要的加微信 abc123"}, headers=spammer.auth)
    assert held.status_code == 201 and held.json()["held"]
    shown = [post["id"] for post in site.get(posts, headers=owner.auth).json()["items"]]
    assert held.json()["id"] not in shown  # waits for a moderator
    queue = site.get("/api/v1/circles/club/reviews", headers=owner.auth).json()["items"]
    assert [item["post_id"] for item in queue] == [held.json()["id"]] and queue[0]["hidden"]
    big_sale = site.post(
        "/api/v1/circles/club/threads", json={"title": "Big sale today", "body": "Come"}, headers=spammer.auth
    )
    assert big_sale.status_code == 201
    held_thread = big_sale.json()
    assert held_thread["held"] and site.get(f"/api/v1/threads/{held_thread['id']}").status_code == 404
    make_circle(site, owner, "other")
    site.post("/api/v1/circles/other/join", headers=spammer.auth)
    elsewhere = make_thread(site, spammer, "other", "Big sale", "elsewhere the circle's word is free")
    assert site.get(f"/api/v1/threads/{elsewhere['id']}").status_code == 200
    log = [
        entry["action"] for entry in site.get("/api/v1/circles/club/moderation-log", headers=owner.auth).json()["items"]
    ]
    assert log.count("held") == 2


def test_on_the_page_the_author_alone_sees_their_held_reply_and_thread_marked_waiting(site, club):
    owner, spammer, thread = club["owner"], club["spammer"], club["thread"]
    for member in crowd(site, "club", 3):  # flagged hidden
        site.post(f"/api/v1/posts/{club['spam']['id']}/flags", json={"reason": "spam"}, headers=member.auth)
    site.post("/api/v1/circles/club/watched-words", json={"word": "SALE", "action": "review"}, headers=owner.auth)
    held_thread = site.post(
        "/api/v1/circles/club/threads", json={"title": "Big sale today", "body": "Come along"}, headers=spammer.auth
    ).json()
    assert held_thread["held"]
    author, reader, guest = another_browser(site), another_browser(site), another_browser(site)
    sign_in(author, "spammer")
    sign_in(reader, "flaggerb")
    page = author.get(f"/t/{thread['id']}").text
    assert "Cheap watches" in page and "Waiting for review" in page and 'class="post waiting"' in page
    assert page.count("Waiting for review") == 1 and "Only you and the circle" in page
    listed = site.get(f"/api/v1/threads/{thread['id']}/posts", headers=spammer.auth).json()["items"]
    assert [post["waiting_for_review"] for post in listed] == [False, True]  # the API lists it for its author too
    assert len(site.get(f"/api/v1/threads/{thread['id']}/posts", headers=owner.auth).json()["items"]) == 1
    for other in (reader, guest):
        seen = other.get(f"/t/{thread['id']}")
        assert seen.status_code == 200 and "Cheap watches" not in seen.text and "Waiting for review" not in seen.text
    mine = author.get(f"/t/{held_thread['id']}")
    assert mine.status_code == 200 and "Big sale today" in mine.text and "Waiting for review" in mine.text
    assert 'id="reply"' not in mine.text  # nobody replies to a thread that waits
    assert site.get(f"/api/v1/threads/{held_thread['id']}", headers=spammer.auth).status_code == 200
    for other in (reader, guest):
        assert other.get(f"/t/{held_thread['id']}").status_code == 404
    assert site.get(f"/api/v1/threads/{held_thread['id']}", headers=club["owner"].auth).status_code == 200
    review = site.get("/api/v1/circles/club/reviews", headers=owner.auth).json()["items"]
    for item in review:
        site.post(f"/api/v1/reviews/{item['id']}", json={"decision": "delete", "reason": "Spam"}, headers=owner.auth)
    assert "Cheap watches" not in author.get(f"/t/{thread['id']}").text  # decided: gone for its author too
    assert author.get(f"/t/{held_thread['id']}").status_code == 404


def test_newcomers_write_within_limits_and_a_circle_may_review_their_posts(quanzi_site):
    site = quanzi_site(rate_limit_scale=1.0)
    site.headers["accept-language"] = "en"
    owner = register(site, "owner", Role.MODERATOR)  # staff: no limits
    make_circle(site, owner, "club")
    newbie = register(site, "newbie")
    site.post("/api/v1/circles/club/join", headers=newbie.auth)
    threads = [
        site.post("/api/v1/circles/club/threads", json={"title": f"Hello {n}", "body": "Hi"}, headers=newbie.auth)
        for n in range(4)
    ]
    assert [response.status_code for response in threads] == [201, 201, 201, 429]
    links = "see https://a.example https://b.example https://c.example"
    assert (
        site.post(
            f"/api/v1/threads/{threads[0].json()['id']}/posts", json={"body": links}, headers=newbie.auth
        ).status_code
        == 400
    )
    for n in range(5):
        make_thread(site, owner, "club", f"News {n}", "From the team")  # the staff write freely
    assert site.patch("/api/v1/circles/club", json={"review_newcomers": True}, headers=owner.auth).json()[
        "review_newcomers"
    ]
    held = site.post(f"/api/v1/threads/{threads[0].json()['id']}/posts", json={"body": "Me too"}, headers=newbie.auth)
    assert held.status_code == 201 and held.json()["held"]
    queue = site.get("/api/v1/circles/club/reviews", headers=owner.auth).json()["items"]
    assert [item["post_id"] for item in queue] == [held.json()["id"]]


def test_watched_words_see_through_disguises_and_check_retitles(site, club):
    staff = register(site, "staffer", Role.MODERATOR)
    for body in (
        {"word": "代开发票", "action": "block"},
        {"word": "ass", "action": "block"},
        {"word": "傻瓜", "action": "replace", "replacement": "**"},
    ):
        assert site.post("/api/v1/watched-words", json=body, headers=staff.auth).status_code == 201
    spammer, thread = club["spammer"], club["thread"]
    posts = f"/api/v1/threads/{thread['id']}/posts"
    for disguised in ("代\u200b开发票", "代&#24320;发票", "代*开*发票", "a**s**s", "a\u00ads_s"):
        refused = site.post(posts, json={"body": f"Hello {disguised} here"}, headers=spammer.auth)
        assert refused.status_code == 400, disguised
    replaced = site.post(posts, json={"body": "**Hello** 傻\u200b瓜, _see_ you"}, headers=spammer.auth)
    assert replaced.status_code == 201 and replaced.json()["body"] == "**Hello** **, _see_ you"  # marks kept elsewhere
    own = make_thread(site, spammer, "club", "A fine title", "Hello")
    retitled = site.patch(f"/api/v1/threads/{own['id']}", json={"title": "代开发票 here"}, headers=spammer.auth)
    assert retitled.status_code == 400
    assert site.get(f"/api/v1/threads/{own['id']}").json()["title"] == "A fine title"
