"""A circle's chat through HTTP: members talk, without JavaScript (a form and a reload) and live (the stream);
replies, mentions that notify, deleting one's own line and moderators removing any; a private circle's chat and
stream stay with its members; readers who are not members, the banned and the silenced are refused; newcomers
within their limits; parallel lines all arrive; a client that reconnects with Last-Event-ID loses nothing."""

from __future__ import annotations

import time

import httpx2
import pytest
from conftest import make_circle

from core.accounts.models import Role
from core.testing import at_once, register, sign_in, wait_until
from core.testing.databases import POSTGRES
from core.testing.events import EventReader
from core.testing.live import live_server


def _say(client, member, slug, body, reply_to=None):
    return client.post(f"/api/v1/circles/{slug}/chat", json={"body": body, "reply_to": reply_to}, headers=member.auth)


def _club(client, member, *names):
    owner = member("owner")
    make_circle(client, owner, "club")
    others = [member(name) for name in names]
    for other in others:
        assert client.post("/api/v1/circles/club/join", headers=other.auth).status_code == 200
    return owner, others


def test_members_talk_reply_mention_and_delete_and_the_lines_come_oldest_first(client, member):
    owner, (alice, bob) = _club(client, member, "alice", "bob")
    first = _say(client, alice, "club", "Who brings **bread**?")
    assert first.status_code == 201
    line = first.json()
    assert line["html"] == "<p>Who brings <strong>bread</strong>?</p>\n" and line["author"]["username"] == "alice"
    answer = _say(client, bob, "club", "I do, @alice", reply_to=line["id"]).json()
    assert answer["reply_to"]["id"] == line["id"]
    listed = client.get("/api/v1/circles/club/chat").json()["items"]
    assert [item["body"] for item in listed] == ["Who brings **bread**?", "I do, @alice"]
    assert listed[1]["reply_to"]["excerpt"] == "Who brings bread?"
    assert [item["id"] for item in client.get(f"/api/v1/circles/club/chat?after={line['id']}").json()["items"]] == [
        answer["id"]
    ]
    mentions = client.get("/api/v1/notifications", headers={**alice.auth, "accept-language": "en"}).json()["items"]
    assert [n["text"] for n in mentions if n["kind"] == "chat_mention"] == ["bob mentioned you in the chat of “Club”"]
    assert client.delete(f"/api/v1/chat/{line['id']}", headers=bob.auth).status_code == 403  # not bob's
    assert client.delete(f"/api/v1/chat/{answer['id']}", headers=bob.auth).status_code == 204
    assert client.delete(f"/api/v1/chat/{line['id']}", headers=owner.auth).status_code == 204  # the circle's owner
    assert client.get("/api/v1/circles/club/chat").json()["items"] == []
    assert client.get("/api/v1/circles/club/chat?after=x").status_code == 400
    assert _say(client, alice, "club", "   ").status_code == 400
    assert _say(client, alice, "club", "hi", reply_to=line["id"]).status_code == 400  # that line is gone


def test_a_private_circles_chat_and_stream_stay_with_its_members(client, member):
    owner = member("owner")
    make_circle(client, owner, "inner", visibility="private", join_policy="invite")
    _say(client, owner, "inner", "secret plans")
    outsider, admin = member("outsider"), member("root", Role.ADMIN)
    for headers in ({}, outsider.auth):
        assert client.get("/api/v1/circles/inner/chat", headers=headers).status_code == 404
        assert client.get("/c/inner/chat", headers=headers).status_code == 404
        reader = EventReader(client, "/api/v1/circles/inner/chat/stream", headers)
        assert reader.status == 404
        reader.close()
    assert _say(client, outsider, "inner", "let me in").status_code == 404
    assert "secret plans" in client.get("/c/inner/chat", headers=admin.auth).text  # as the circle's threads
    client.put("/api/v1/circles/inner/members/outsider", json={"role": "member"}, headers=owner.auth)
    assert client.post("/api/v1/circles/inner/join", headers=outsider.auth).status_code == 200  # invited, accepts
    reader = EventReader(client, "/api/v1/circles/inner/chat/stream", outsider.auth)
    assert reader.status == 200
    _say(client, owner, "inner", "welcome")
    assert reader.message().json()["body"] == "welcome"
    assert client.delete("/api/v1/circles/inner/members/outsider", headers=owner.auth).status_code == 204
    _say(client, owner, "inner", "now that they are gone")
    assert "now that they are gone" not in reader.ended()  # removed: the stream ends, and tells nothing more
    reader.close()


def test_readers_who_are_not_members_the_banned_and_the_silenced_are_refused(client, member):
    owner, (alice, mallory, quiet) = _club(client, member, "alice", "mallory", "quiet")
    reader = member("reader")  # the public circle is open to all: a reader, not a member
    refused = _say(client, reader, "club", "hello?")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_member"
    client.post(
        "/api/v1/circles/club/bans", json={"username": "mallory", "reason": "Spam", "days": 2}, headers=owner.auth
    )
    banned = _say(client, mallory, "club", "hi")
    assert banned.status_code == 403 and banned.json()["error"]["code"] == "banned"
    staff = member("staff", Role.MODERATOR)
    client.post("/api/v1/users/quiet/silence", json={"days": 1, "reason": "Cool down"}, headers=staff.auth)
    silenced = _say(client, quiet, "club", "hi")
    assert silenced.status_code == 403 and silenced.json()["error"]["code"] == "silenced"
    assert client.get("/api/v1/circles/club/chat").json()["items"] == []


def test_parallel_lines_all_arrive_once(client, member):
    _, (alice, bob) = _club(client, member, "alice", "bob")
    people = [alice, bob]
    answers = at_once(
        client,
        20,
        lambda http, i: http.post("/api/v1/circles/club/chat", json={"body": f"line {i}"}, headers=people[i % 2].auth),
    )
    assert {answer.status_code for answer in answers} == {201}
    listed = client.get("/api/v1/circles/club/chat").json()["items"]
    assert sorted(item["body"] for item in listed) == sorted(f"line {i}" for i in range(20))


def test_a_stream_carries_each_new_line_within_a_second_and_a_reconnect_loses_nothing(client, member):
    _, (alice, bob) = _club(client, member, "alice", "bob")
    before = _say(client, alice, "club", "before anyone listened").json()
    reader = EventReader(client, "/api/v1/circles/club/chat/stream", bob.auth)
    assert reader.status == 200 and reader.response_headers["content-type"].startswith("text/event-stream")
    assert reader.response_headers["x-accel-buffering"] == "no"
    assert "content-length" not in reader.response_headers  # a stream has no end
    sent_at = time.monotonic()
    line = _say(client, alice, "club", "hello, live").json()
    event = reader.message(timeout=1.0)
    assert time.monotonic() - sent_at < 1.0
    assert event.id == str(line["id"]) and event.json()["body"] == "hello, live"
    client.delete(f"/api/v1/chat/{line['id']}", headers=alice.auth)
    gone = reader.message()
    assert gone.event == "deleted" and gone.json() == {"id": line["id"]}
    reader.close()  # the phone went into a tunnel: two lines are said meanwhile
    missed = [_say(client, alice, "club", f"missed {n}").json()["id"] for n in (1, 2)]
    again = EventReader(client, "/api/v1/circles/club/chat/stream", {**bob.auth, "Last-Event-ID": str(before["id"])})
    assert [int(again.message().id) for _ in missed] == missed
    again.close()


def test_the_chat_page_works_without_javascript(client, member):
    owner = member("owner")
    make_circle(client, owner, "club")
    csrf = sign_in(client, "bob")
    client.headers["accept-language"] = "en"
    assert "Join this circle to talk in its chat." in client.get("/c/club/chat").text
    client.post("/c/club/join", data={"csrf_token": csrf})
    page = client.get("/c/club/chat").text
    assert 'id="chat-form"' in page and 'src="/static/chat.js"' in page
    sent = client.post("/c/club/chat", data={"csrf_token": csrf, "body": "Hi all"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/c/club/chat#l")
    line_id = int(sent.headers["location"].rpartition("#l")[2])
    page = client.get(f"/c/club/chat?reply={line_id}").text
    assert "Hi all" in page and f'name="reply_to" value="{line_id}"' in page
    client.post("/c/club/chat", data={"csrf_token": csrf, "body": "Replying", "reply_to": str(line_id)})
    assert 'class="chat-reply small"' in client.get("/c/club/chat").text
    assert client.post("/c/club/chat", data={"body": "no token"}).status_code == 403
    assert client.post("/c/club/chat", data={"csrf_token": csrf, "body": " "}).status_code == 400
    client.post(f"/chat/{line_id}/delete", data={"csrf_token": csrf})
    assert "Hi all" not in client.get("/c/club/chat").text
    assert "/c/club/chat" in client.get("/c/club").text  # the circle's page leads to its chat


@pytest.mark.skipif(not POSTGRES, reason="several workers share one database on PostgreSQL")
def test_a_line_written_through_another_worker_reaches_a_stream_held_here_within_a_second(client, member, config):
    _, (alice, bob) = _club(client, member, "alice", "bob")
    listening = client.app.state.listener.connected
    wait_until(listening.is_set)
    reader = EventReader(client, "/api/v1/circles/club/chat/stream", bob.auth)
    with live_server(config.data_dir, QUANZI_DATABASE_URL=config.database_url) as other:
        for number in range(3):
            body = {"body": f"from the other worker, {number}"}
            answer = httpx2.post(f"{other.base}/api/v1/circles/club/chat", json=body, headers=alice.auth)
            assert answer.status_code == 201, answer.text
            event = reader.message(timeout=1.0)
            assert event.json()["body"] == body["body"] and event.id == str(answer.json()["id"])
    reader.close()


def test_newcomers_talk_within_their_limits_and_a_word_held_for_review_keeps_a_line_out(quanzi_site):
    site = quanzi_site(rate_limit_scale=1.0)
    owner = register(site, "owner", Role.MODERATOR)  # the site's staff: no limits
    make_circle(site, owner, "club")
    newbie = register(site, "newbie")
    site.post("/api/v1/circles/club/join", headers=newbie.auth)
    said = [_say(site, newbie, "club", f"hello {n}").status_code for n in range(31)]
    assert said == [201] * 30 + [429]
    word = {"word": "团购价", "action": "review"}
    assert site.post("/api/v1/watched-words", json=word, headers=owner.auth).status_code == 201
    held = _say(site, owner, "club", "今天团购价只要99")
    assert held.status_code == 400 and "团购价" in held.json()["error"]["fields"]["body"]
    assert len(site.get("/api/v1/circles/club/chat").json()["items"]) == 30
