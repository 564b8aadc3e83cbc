"""Private conversations through HTTP: members write to one another and in small groups; who may start one is
theirs to choose, and blocks hold; a conversation is seen by its participants alone (not an outsider, not a member
who left, not a guest, not a site administrator); a reported message, and only it, reaches the site's moderators;
unread counts in the header and the list; new messages notified once per conversation until read."""

from __future__ import annotations

from conftest import make_circle

from core.accounts.models import Role
from core.testing import at_once, sign_in


def _start(client, sender, to, body="Hello"):
    return client.post("/api/v1/conversations", json={"to": to, "body": body}, headers=sender.auth)


def _send(client, sender, conversation_id, body):
    return client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"body": body}, headers=sender.auth)


def _share_a_circle(client, *members):
    make_circle(client, members[0], "club")
    for member in members[1:]:
        assert client.post("/api/v1/circles/club/join", headers=member.auth).status_code == 200


def test_members_who_share_a_circle_write_to_each_other_and_read_what_is_unread(client, member):
    alice, bob = member("alice"), member("bob")
    _share_a_circle(client, alice, bob)
    started = _start(client, alice, ["bob"], "Are you coming **Saturday**?")
    assert started.status_code == 201
    conversation = started.json()["id"]
    listed = client.get("/api/v1/conversations", headers=bob.auth).json()["items"]
    assert [(item["id"], item["unread"]) for item in listed] == [(conversation, 1)]
    assert [person["username"] for person in listed[0]["people"]] == ["alice"]
    page = client.get("/", headers={**bob.auth, "accept-language": "en"}).text
    assert 'href="/messages">Messages <span class="badge">1</span>' in page
    notified = client.get("/api/v1/notifications", headers={**bob.auth, "accept-language": "en"}).json()["items"]
    assert [n["text"] for n in notified if n["kind"] == "message"] == ["alice sent you a private message"]
    messages = client.get(f"/api/v1/conversations/{conversation}/messages", headers=bob.auth).json()["items"]
    assert messages[0]["html"] == "<p>Are you coming <strong>Saturday</strong>?</p>\n"
    assert client.get("/api/v1/conversations", headers=bob.auth).json()["items"][0]["unread"] == 0
    assert _send(client, bob, conversation, "Yes!").status_code == 201
    again = _start(client, alice, ["bob"], "Bring a hat")  # the two keep one conversation
    assert again.json()["id"] == conversation
    texts = [
        m["body"]
        for m in client.get(f"/api/v1/conversations/{conversation}/messages", headers=alice.auth).json()["items"]
    ]
    assert texts == ["Bring a hat", "Yes!", "Are you coming **Saturday**?"]  # newest first
    assert client.get("/api/v1/conversations", headers=bob.auth).json()["items"][0]["unread"] == 1
    still = [
        n for n in client.get("/api/v1/notifications", headers=alice.auth).json()["items"] if n["kind"] == "message"
    ]
    assert len(still) == 1  # one notice per conversation until it is read


def test_who_may_start_a_conversation_is_the_recipients_choice_and_a_block_holds(client, member):
    alice, bob, stranger = member("alice"), member("bob"), member("stranger")
    _share_a_circle(client, alice, bob)
    refused = _start(client, stranger, ["bob"])  # shares no circle with bob (the default: circles)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_accepted"
    assert (
        client.patch("/api/v1/me", json={"messages_from": "everyone"}, headers=bob.auth).json()["messages_from"]
        == "everyone"
    )
    assert _start(client, stranger, ["bob"]).status_code == 201
    assert client.patch("/api/v1/me", json={"messages_from": "nobody"}, headers=bob.auth).status_code == 200
    assert _start(client, alice, ["bob"], "New one").status_code == 403
    wrong = client.patch("/api/v1/me", json={"messages_from": "friends"}, headers=bob.auth)
    assert wrong.status_code == 400 and "messages_from" in wrong.json()["error"]["fields"]
    client.patch("/api/v1/me", json={"messages_from": "circles"}, headers=bob.auth)
    conversation = _start(client, alice, ["bob"]).json()["id"]
    assert client.post("/api/v1/users/alice/block", headers=bob.auth).status_code == 204
    blocked = _send(client, alice, conversation, "Hello?")
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "not_accepted"
    assert _start(client, alice, ["bob"]).status_code == 403
    assert client.delete("/api/v1/users/alice/block", headers=bob.auth).status_code == 204
    assert _send(client, alice, conversation, "Hello again").status_code == 201
    for bad in ([], ["alice"], ["nobody-here"], [f"m{n}" for n in range(9)]):
        answer = _start(client, alice, bad)
        assert answer.status_code == 400 and "to" in answer.json()["error"]["fields"], bad


def test_a_conversation_is_seen_by_its_participants_alone_administrators_and_those_who_left_included(client, member):
    alice, bob, carol, eve = member("alice"), member("bob"), member("carol"), member("eve")
    admin = member("root", Role.ADMIN)
    _share_a_circle(client, alice, bob, carol, eve)
    group = _start(client, alice, ["bob", "carol"], "Planning the surprise").json()["id"]
    message = client.get(f"/api/v1/conversations/{group}/messages", headers=alice.auth).json()["items"][0]["id"]
    assert client.post(f"/api/v1/conversations/{group}/leave", headers=carol.auth).status_code == 204
    for who in (eve, admin, carol, None):
        headers = who.auth if who else {}
        for path in (f"/api/v1/conversations/{group}", f"/api/v1/conversations/{group}/messages"):
            assert client.get(path, headers=headers).status_code in ((401,) if who is None else (404,)), (who, path)
        if who is not None:
            assert _send(client, who, group, "let me in").status_code == 404
            assert (
                client.post(f"/api/v1/messages/{message}/flags", json={"reason": "spam"}, headers=who.auth).status_code
                == 404
            )
            assert client.get(f"/messages/{group}", headers=who.auth).status_code == 404
            assert group not in [c["id"] for c in client.get("/api/v1/conversations", headers=who.auth).json()["items"]]
    guest = client.get(f"/messages/{group}", follow_redirects=False)
    assert guest.status_code in (302, 303, 401) and "surprise" not in guest.text
    assert [
        n for n in client.get("/api/v1/notifications", headers=carol.auth).json()["items"] if n["kind"] == "message"
    ] == []
    added = client.post(f"/api/v1/conversations/{group}/participants", json={"username": "eve"}, headers=bob.auth)
    assert added.status_code == 201
    people = client.get(f"/api/v1/conversations/{group}", headers=eve.auth).json()["people"]
    assert [person["username"] for person in people] == ["alice", "bob", "eve"]
    search = client.get("/api/v1/search?q=surprise", headers=admin.auth).json()["items"]
    assert search == []  # never in search


def test_a_reported_message_and_only_it_reaches_the_sites_moderators(client, member):
    alice, bob = member("alice"), member("bob")
    moderator = member("mod", Role.MODERATOR)
    _share_a_circle(client, alice, bob)
    conversation = _start(client, alice, ["bob"], "Our private plans").json()["id"]
    rude = _send(client, alice, conversation, "You fool").json()["id"]
    own = client.post(f"/api/v1/messages/{rude}/flags", json={"reason": "abuse"}, headers=alice.auth)
    assert own.status_code == 403
    assert client.post(f"/api/v1/messages/{rude}/flags", json={"reason": "abuse"}, headers=bob.auth).status_code == 201
    assert client.post(f"/api/v1/messages/{rude}/flags", json={"reason": "abuse"}, headers=bob.auth).status_code == 409
    queue = client.get("/api/v1/message-flags", headers=moderator.auth).json()["items"]
    assert [item["message"]["body"] for item in queue] == ["You fool"]
    review_page = client.get("/review/messages", headers=moderator.auth).text
    assert "You fool" in review_page and "Our private plans" not in review_page
    assert client.get(f"/api/v1/conversations/{conversation}/messages", headers=moderator.auth).status_code == 404
    assert client.get("/api/v1/message-flags", headers=bob.auth).status_code == 404
    decided = client.post(f"/api/v1/message-flags/{rude}", json={"action": "remove"}, headers=moderator.auth)
    assert decided.status_code == 204
    shown = client.get(f"/api/v1/conversations/{conversation}/messages", headers=bob.auth).json()["items"][0]
    assert shown["removed"] and shown["body"] == ""
    assert client.get("/api/v1/message-flags", headers=moderator.auth).json()["items"] == []


def test_parallel_messages_all_arrive_and_unread_counts_them(client, member):
    alice, bob = member("alice"), member("bob")
    _share_a_circle(client, alice, bob)
    conversation = _start(client, alice, ["bob"], "first").json()["id"]
    answers = at_once(
        client,
        20,
        lambda http, i: http.post(
            f"/api/v1/conversations/{conversation}/messages", json={"body": f"line {i}"}, headers=alice.auth
        ),
    )
    assert {answer.status_code for answer in answers} == {201}
    assert client.get("/api/v1/conversations", headers=bob.auth).json()["items"][0]["unread"] == 21
    listed = client.get(f"/api/v1/conversations/{conversation}/messages?limit=100", headers=bob.auth).json()["items"]
    assert len(listed) == 21 and len({m["id"] for m in listed}) == 21


def test_the_pages_start_a_conversation_from_a_profile_and_answer_without_javascript(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    csrf = sign_in(client, "bob")
    client.headers["accept-language"] = "en"
    client.post("/c/club/join", data={"csrf_token": csrf})
    profile = client.get("/u/alice").text
    assert 'href="/messages/new?to=alice"' in profile
    form = client.get("/messages/new?to=alice").text
    assert 'value="alice"' in form
    sent = client.post(
        "/messages", data={"csrf_token": csrf, "to": "alice", "body": "Hi from the page"}, follow_redirects=False
    )
    assert sent.status_code == 303
    url = sent.headers["location"]
    assert "Hi from the page" in client.get(url).text
    client.post(url, data={"csrf_token": csrf, "body": "And a second line"})
    assert "And a second line" in client.get(url).text
    empty = client.post(url, data={"csrf_token": csrf, "body": "  "})
    assert empty.status_code == 400
    assert client.post(url, data={"body": "no token"}).status_code == 403
    page = client.get("/messages").text
    assert "alice" in page
    settings = client.get("/settings").text
    assert 'name="messages_from"' in settings
    client.post("/u/alice/block", data={"csrf_token": csrf})
    assert "Let their messages in" in client.get("/u/alice").text


def test_a_message_is_reported_and_removed_through_the_pages(client, member):
    alice = member("alice")
    moderator = member("mod", Role.MODERATOR)
    make_circle(client, alice, "club")
    csrf = sign_in(client, "bob")
    client.headers["accept-language"] = "en"
    client.post("/c/club/join", data={"csrf_token": csrf})
    conversation = _start(client, alice, ["bob"], "Buy my pills").json()["id"]
    message = client.get(f"/api/v1/conversations/{conversation}/messages", headers=alice.auth).json()["items"][0]["id"]
    page = client.get(f"/messages/{conversation}").text
    assert f'href="/messages/m/{message}/flag"' in page
    form = client.get(f"/messages/m/{message}/flag").text
    assert "Buy my pills" in form and 'name="reason"' in form
    missing_note = client.post(f"/messages/m/{message}/flag", data={"csrf_token": csrf, "reason": "other", "note": ""})
    assert missing_note.status_code == 400
    reported = client.post(
        f"/messages/m/{message}/flag", data={"csrf_token": csrf, "reason": "spam"}, follow_redirects=False
    )
    assert reported.status_code == 303 and reported.headers["location"] == f"/messages/{conversation}?flagged=1"
    assert client.get("/review/messages").status_code == 404  # bob is not staff
    review = client.get("/review/messages", headers=moderator.auth).text
    assert "Buy my pills" in review
    client.post(f"/api/v1/message-flags/{message}", json={"action": "remove"}, headers=moderator.auth)
    assert "This message was removed by a moderator." in client.get(f"/messages/{conversation}").text
