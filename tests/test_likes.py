"""Likes and featured threads through HTTP: one like per member and post however many taps arrive at once, never on
one's own post, not from outsiders or the banned; "liked by" for those who may see the post; likes of one post
gathered into one notification; moderators feature threads, and the circle lists them alone."""

from __future__ import annotations

from conftest import make_circle, make_thread, reply

from core.testing import at_once, sign_in


def _likes(client, post_id, member):
    return client.put(f"/api/v1/posts/{post_id}/like", headers=member.auth)


def test_a_member_likes_a_post_once_and_takes_it_back(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Saturday walk")
    post_id = thread["first_post"]["id"]
    assert thread["first_post"]["likes"] == 0
    assert _likes(client, post_id, bob).json() == {"liked": True, "likes": 1}
    assert _likes(client, post_id, bob).json() == {"liked": True, "likes": 1}  # again: still one
    assert client.get(f"/api/v1/posts/{post_id}").json()["likes"] == 1
    own = _likes(client, post_id, alice)
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_post"
    liked_by = client.get(f"/api/v1/posts/{post_id}/likes").json()["items"]
    assert [(like["username"], like["display_name"]) for like in liked_by] == [("bob", "bob")]
    taken = client.delete(f"/api/v1/posts/{post_id}/like", headers=bob.auth)
    assert taken.json() == {"liked": False, "likes": 0}
    assert client.delete(f"/api/v1/posts/{post_id}/like", headers=bob.auth).json()["likes"] == 0
    assert client.get(f"/api/v1/posts/{post_id}/likes").json()["items"] == []


def test_thirty_parallel_likes_count_thirty_from_thirty_members_and_one_from_one(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    first = make_thread(client, alice, "club", "Photos from the hike")["first_post"]["id"]
    second = reply(client, alice, make_thread(client, alice, "club", "Another")["id"], "and more")["id"]
    fans = [member(f"fan{number}") for number in range(30)]
    answers = at_once(client, 30, lambda http, i: http.put(f"/api/v1/posts/{first}/like", headers=fans[i].auth))
    assert {answer.status_code for answer in answers} == {200}
    assert client.get(f"/api/v1/posts/{first}").json()["likes"] == 30
    assert len(client.get(f"/api/v1/posts/{first}/likes?limit=100").json()["items"]) == 30
    one = fans[0]
    answers = at_once(client, 30, lambda http, i: http.put(f"/api/v1/posts/{second}/like", headers=one.auth))
    assert {answer.status_code for answer in answers} == {200}
    assert client.get(f"/api/v1/posts/{second}").json()["likes"] == 1
    answers = at_once(client, 10, lambda http, i: http.delete(f"/api/v1/posts/{second}/like", headers=one.auth))
    assert client.get(f"/api/v1/posts/{second}").json()["likes"] == 0


def test_outsiders_neither_like_nor_see_who_liked_a_private_post_and_the_banned_cannot_like(client, member):
    alice, bob, eve, mallory = member("alice"), member("bob"), member("eve"), member("mallory")
    make_circle(client, alice, "inner", visibility="private", join_policy="invite")
    client.put("/api/v1/circles/inner/members/bob", json={"role": "member"}, headers=alice.auth)
    client.post("/api/v1/circles/inner/join", headers=bob.auth)
    secret = make_thread(client, alice, "inner", "Secret plans")["first_post"]["id"]
    assert _likes(client, secret, bob).status_code == 200
    for who in (eve, None):
        headers = who.auth if who else {}
        assert client.put(f"/api/v1/posts/{secret}/like", headers=headers).status_code in (401, 404)
        assert client.get(f"/api/v1/posts/{secret}/likes", headers=headers).status_code == 404
        assert client.get(f"/p/{secret}/likes", headers=headers).status_code == 404
    make_circle(client, alice, "open")
    post = make_thread(client, alice, "open", "Open to all")["first_post"]["id"]
    assert _likes(client, post, eve).status_code == 200  # a public open circle: any member of the site
    banned = client.post(
        "/api/v1/circles/open/bans", json={"username": "mallory", "reason": "Spam", "days": 3}, headers=alice.auth
    )
    assert banned.status_code == 201
    refused = _likes(client, post, mallory)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "banned"
    assert client.get(f"/api/v1/posts/{post}").json()["likes"] == 1


def test_likes_of_one_post_gather_in_one_notification_while_it_is_unread(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    post_id = make_thread(client, alice, "club", "Tasting notes")["first_post"]["id"]
    for name in ("bob", "carol", "dave"):
        assert _likes(client, post_id, member(name)).status_code == 200
    liked = [n for n in client.get("/api/v1/notifications", headers=alice.auth).json()["items"] if n["kind"] == "liked"]
    assert len(liked) == 1
    assert liked[0]["count"] == 3 and liked[0]["text"] == "3 people liked your post in “Tasting notes”"
    assert liked[0]["actor"]["username"] == "dave"
    client.post("/api/v1/notifications/read", headers=alice.auth)
    _likes(client, post_id, member("erin"))
    liked = [n for n in client.get("/api/v1/notifications", headers=alice.auth).json()["items"] if n["kind"] == "liked"]
    assert [n["text"] for n in liked if not n["read"]] == ["erin liked your post in “Tasting notes”"]


def test_the_thread_page_likes_without_javascript_and_lists_who_liked(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Cheese board", "Bring one cheese each")
    post_id = thread["first_post"]["id"]
    csrf = sign_in(client, "bob")
    client.headers["accept-language"] = "en"
    page = client.get(f"/t/{thread['id']}").text
    assert 'aria-pressed="false"' in page and "♡ Like" in page
    answer = client.post(f"/p/{post_id}/like", data={"csrf_token": csrf, "action": "like"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"#p{post_id}")
    page = client.get(f"/t/{thread['id']}").text
    assert 'aria-pressed="true"' in page and f'href="/p/{post_id}/likes"' in page and "♥ 1" in page
    assert ">bob</a>" in client.get(f"/p/{post_id}/likes").text
    assert client.post(f"/p/{post_id}/like", data={"action": "like"}).status_code == 403  # no CSRF token
    client.post(f"/p/{post_id}/like", data={"csrf_token": csrf, "action": "unlike"})
    assert client.get(f"/api/v1/posts/{post_id}").json()["likes"] == 0
    assert "♡ Like" not in client.get(f"/t/{thread['id']}", headers=alice.auth).text  # one's own post


def test_moderators_feature_threads_and_the_circle_lists_them_alone(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    best = make_thread(client, bob, "club", "A guide to the trails")
    make_thread(client, bob, "club", "Lost glove")
    refused = client.patch(f"/api/v1/threads/{best['id']}", json={"featured": True}, headers=bob.auth)
    assert refused.status_code == 400 and "featured" in refused.json()["error"]["fields"]
    featured = client.patch(f"/api/v1/threads/{best['id']}", json={"featured": True}, headers=alice.auth).json()
    assert featured["featured"] is True
    titles = [t["title"] for t in client.get("/api/v1/circles/club/threads?featured=1").json()["items"]]
    assert titles == ["A guide to the trails"]
    assert len(client.get("/api/v1/circles/club/threads").json()["items"]) == 2
    page = client.get("/c/club?featured=1").text
    assert "A guide to the trails" in page and "Lost glove" not in page and 'class="badge featured"' in page
    assert "Lost glove" in client.get("/c/club").text
