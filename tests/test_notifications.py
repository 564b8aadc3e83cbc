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
    invitation = ("invited", "alice invited you to join “Secret”")  # about bob's own account: it stays
    assert inbox(client, bob) == [("mention", "alice mentioned you in “Secret plans”"), invitation]
    client.post("/api/v1/circles/secret/leave", headers=bob.auth)
    assert inbox(client, bob) == [invitation]
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


def test_watching_a_thread_tells_of_every_reply_and_muting_silences_all_but_mentions(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Saturday", "who comes?")
    watch = f"/api/v1/threads/{thread['id']}/watch"
    assert client.put(watch, json={"level": "watching"}, headers=bob.auth).json() == {"level": "watching"}
    assert client.put(watch, json={"level": "loud"}, headers=bob.auth).status_code == 400
    reply(client, carol, thread["id"], "me!")
    assert inbox(client, bob) == [("watched_reply", "carol replied in “Saturday”")]
    assert inbox(client, alice) == [("reply", "carol replied to “Saturday”")]  # told once, as the author
    client.put(watch, json={"level": "muted"}, headers=alice.auth)
    reply(client, bob, thread["id"], "me too")
    reply(client, bob, thread["id"], "@alice are you coming?")
    assert inbox(client, alice)[0] == ("mention", "bob mentioned you in “Saturday”")
    assert [kind for kind, _ in inbox(client, alice)] == ["mention", "reply"]  # the muted replies told nothing
    assert client.get(watch, headers=alice.auth).json() == {"level": "muted"}
    client.put(watch, json={"level": "normal"}, headers=bob.auth)
    reply(client, carol, thread["id"], "again")
    assert len(inbox(client, bob)) == 1


def test_watching_a_circle_tells_of_new_threads_only_while_one_may_see_them(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    make_circle(client, alice, "secret", visibility="private", join_policy="invite")
    assert client.put("/api/v1/circles/club/watch", json={"level": "watching"}, headers=bob.auth).status_code == 200
    assert client.put("/api/v1/circles/secret/watch", json={"level": "watching"}, headers=bob.auth).status_code == 404
    assert client.put("/api/v1/circles/club/watch", json={"level": "muted"}, headers=bob.auth).status_code == 400
    thread = make_thread(client, alice, "club", "New tasting", "in May")
    reply(client, alice, thread["id"], "details soon")
    assert inbox(client, bob) == [("new_thread", "alice started “New tasting”")]  # not every reply
    make_thread(client, alice, "secret", "Board", "private")
    assert len(inbox(client, bob)) == 1


def test_the_watch_buttons_on_pages(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Saturday", "who comes?")
    csrf = browser(client, "bob")
    page = client.get(f"/t/{thread['id']}", headers={"Accept-Language": "en"})
    assert f'action="/t/{thread["id"]}/watch"' in page.text and "Watch" in page.text
    client.post(f"/t/{thread['id']}/watch", data={"csrf_token": csrf, "level": "watching"})
    assert "Stop watching" in client.get(f"/t/{thread['id']}", headers={"Accept-Language": "en"}).text
    client.post("/c/club/watch", data={"csrf_token": csrf, "level": "watching"})
    assert "every new thread here" in client.get("/c/club", headers={"Accept-Language": "en"}).text
    guest = client.get(f"/t/{thread['id']}", headers={"Accept-Language": "en", "Cookie": ""})
    assert guest.status_code == 200


def test_a_notice_reaches_every_member_and_its_sender_sees_who_has_not_read_it(client, member):
    owner, ann, ben, outsider = member("owner"), member("ann"), member("ben"), member("outsider")
    make_circle(client, owner, "club", join_policy="approval")
    for who in (ann, ben):
        client.post("/api/v1/circles/club/join", headers=who.auth)
        client.put(f"/api/v1/circles/club/members/{who.username}", json={"role": "member"}, headers=owner.auth)
    body = {"title": "Meeting moved 会议改期", "body": "To **Friday** at 7 pm."}
    assert client.post("/api/v1/circles/club/notices", json=body, headers=ann.auth).status_code == 403
    sent = client.post("/api/v1/circles/club/notices", json=body, headers=owner.auth)
    assert sent.status_code == 201 and sent.json()["recipients"] == 2
    url = f"/api/v1{sent.json()['url']}"
    assert inbox(client, ann)[0] == ("notice", "owner sent a notice: “Meeting moved 会议改期”")
    receipts = client.get(url, headers=owner.auth).json()["receipts"]
    assert receipts["read"] == [] and [u["username"] for u in receipts["unread"]] == ["ann", "ben"]

    client.post(f"{url}/read", headers=ann.auth)
    ann_view = client.get(url, headers=ann.auth).json()
    assert ann_view["read_at"] and "receipts" not in ann_view and "<strong>Friday</strong>" in ann_view["html"]
    receipts = client.get(url, headers=owner.auth).json()["receipts"]
    assert [u["username"] for u in receipts["read"]] == ["ann"] and [u["username"] for u in receipts["unread"]] == [
        "ben"
    ]
    listed = client.get("/api/v1/circles/club/notices", headers=owner.auth).json()["items"]
    assert [(item["read"], item["recipients"]) for item in listed] == [(1, 2)]
    for who in (outsider, None):
        assert client.get(url, headers=who.auth if who else {}).status_code in (401, 404)
    assert client.get("/api/v1/circles/club/notices", headers=ann.auth).status_code == 403


def test_the_notice_pages(client, member):
    owner = member("owner")
    make_circle(client, owner, "club")
    bob = member("bob")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    csrf = browser(client, "owner_browser")
    client.portal.call(_make_owner, "owner_browser", "club")
    page = client.get("/c/club/notices", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Send a notice" in page.text
    empty = client.post("/c/club/notices", data={"csrf_token": csrf, "title": "", "body": ""})
    assert empty.status_code == 400
    sent = client.post(
        "/c/club/notices",
        data={"csrf_token": csrf, "title": "Dues", "body": "Pay by May"},
        headers={"Accept-Language": "en"},
    )
    assert sent.status_code == 200 and "Not read yet" in sent.text and "bob" in sent.text
    notice_id = int(sent.url.path.rsplit("/", 1)[1])
    client.post(f"/api/v1/notices/{notice_id}/read", headers=bob.auth)
    assert "Read by 1 of 2" in client.get(f"/notices/{notice_id}", headers={"Accept-Language": "en"}).text


async def _make_owner(username, slug):
    from core.accounts.models import User
    from core.circles.models import Circle, MemberRole, Membership

    user = await User.get(username=username)
    circle = await Circle.get(slug=slug)
    await Membership.update_or_create(defaults={"role": MemberRole.OWNER}, circle=circle, user=user)


def test_a_private_circles_notices_stay_unseen_by_outsiders(client, member):
    owner, insider, outsider = member("owner"), member("insider"), member("outsider")
    make_circle(client, owner, "board", visibility="private", join_policy="invite")
    client.put("/api/v1/circles/board/members/insider", json={"role": "member"}, headers=owner.auth)
    client.post("/api/v1/circles/board/join", headers=insider.auth)
    sent = client.post(
        "/api/v1/circles/board/notices", json={"title": "Budget 9000", "body": "secret"}, headers=owner.auth
    ).json()
    for who in (outsider, None):
        headers = who.auth if who else {}
        for path in ("/api/v1/circles/board/notices", f"/api/v1/notices/{sent['id']}"):
            response = client.get(path, headers=headers)
            assert response.status_code in (401, 404) and "Budget" not in response.text, (who, path)
        assert client.post(
            "/api/v1/circles/board/notices", json={"title": "x", "body": "y"}, headers=headers
        ).status_code in (401, 404)
    assert client.get(f"/notices/{sent['id']}", headers=outsider.auth).status_code == 404
    assert "Budget" not in client.get("/api/v1/notifications", headers=outsider.auth).text


def test_every_kind_of_notification_has_a_name_in_the_settings(quanzi_site):
    """The settings list each kind by its label, in the member's language: never by its raw key."""
    from core.pluginhost.host import discover

    site = quanzi_site(plugins=sorted(discover()))
    unnamed = [name for name, kind in site.app.state.site.notification_kinds.items() if not kind.label]
    assert unnamed == []
