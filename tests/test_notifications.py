"""Notifications: mentions and replies reach who may see them, and only while they may."""

from __future__ import annotations

from conftest import make_circle, make_thread, reply
from pages import browser


def inbox(client, member):
    response = client.get("/api/v1/notifications", headers=member.auth)
    assert response.status_code == 200
    return [(item["kind"], item["text"]) for item in response.json()["items"]]


def test_a_mention_and_a_reply_notify_their_members(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Saturday", "who comes? @carol")
    reply(client, bob, thread["id"], "me!")
    reply(client, alice, thread["id"], "great, see you")  # her own thread: no notification to herself
    assert inbox(client, carol) == [("mention", "alice mentioned you in “Saturday”")]
    assert inbox(client, alice) == [("reply", "bob replied to “Saturday”")]
    assert inbox(client, bob) == []


def test_a_mention_does_not_reach_into_a_private_circle(client, member):
    alice, outsider = member("alice"), member("outsider")
    make_circle(client, alice, "secret", visibility="private")
    make_thread(client, alice, "secret", "Plans", "@outsider should not hear of this")
    assert inbox(client, outsider) == []


def test_leaving_a_private_circle_hides_its_notifications(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "secret", visibility="private", join_policy="invite")
    client.put("/api/v1/circles/secret/members/bob", json={"role": "member"}, headers=alice.auth)
    client.post("/api/v1/circles/secret/join", headers=bob.auth)
    make_thread(client, alice, "secret", "Secret plans", "@bob here you go")
    assert inbox(client, bob) == [("mention", "alice mentioned you in “Secret plans”")]
    client.post("/api/v1/circles/secret/leave", headers=bob.auth)
    assert inbox(client, bob) == []
    assert "Secret plans" not in client.get("/api/v1/notifications", headers=bob.auth).text


def test_the_page_shows_the_unread_count_and_marks_all_read(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    csrf = browser(client, "bob")
    make_thread(client, alice, "club", "Hello", "hi @bob")
    page = client.get("/notifications", headers={"Accept-Language": "en"})
    assert "alice mentioned you in “Hello”" in page.text and '<span class="badge">1</span>' in page.text
    client.post("/notifications/read", data={"csrf_token": csrf})
    assert '<span class="badge">1</span>' not in client.get("/", headers={"Accept-Language": "en"}).text
    assert "提到了你" in client.get("/notifications", headers={"Accept-Language": "zh-CN"}).text


def test_notifications_need_a_signed_in_member(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/notifications", follow_redirects=False).status_code == 303
