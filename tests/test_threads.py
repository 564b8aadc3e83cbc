"""Threads and posts: writing, editing, deleting, pinning, locking, counters and paging."""

from __future__ import annotations

import importlib

from conftest import make_circle, make_thread, reply

from core import sql
from core.accounts.models import Role
from core.pagination import page_numbers
from core.testing import at_once, sign_in


def test_a_new_thread_has_every_field_of_a_thread_object(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "周末活动", "大家**周六**见")
    assert {
        "id",
        "title",
        "circle",
        "author",
        "created_at",
        "post_count",
        "last_activity_at",
        "pinned",
        "locked",
        "first_post",
    } <= set(thread)
    assert thread["author"] == {"username": "alice", "display_name": "alice"}
    assert thread["circle"]["slug"] == "club"
    assert thread["post_count"] == 1 and not thread["pinned"] and not thread["locked"]
    assert thread["first_post"]["body"] == "大家**周六**见"
    assert thread["first_post"]["html"] == "<p>大家<strong>周六</strong>见</p>\n"
    assert thread["created_at"].endswith("+00:00")


def test_replies_update_the_counters_and_the_order_of_the_circle(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    older = make_thread(client, alice, "club", "Older")
    newer = make_thread(client, alice, "club", "Newer")
    assert [t["title"] for t in client.get("/api/v1/circles/club/threads").json()["items"]] == ["Newer", "Older"]
    reply(client, bob, older["id"], "bump")
    threads = client.get("/api/v1/circles/club/threads").json()["items"]
    assert [t["title"] for t in threads] == ["Older", "Newer"]
    assert threads[0]["post_count"] == 2 and threads[0]["reply_count"] == 1
    assert threads[0]["last_activity_at"] > newer["last_activity_at"]
    assert client.get("/api/v1/circles/club").json()["thread_count"] == 2
    assert client.get("/api/v1/users/bob").json()["post_count"] == 1


def test_pinned_threads_come_first_and_only_moderators_pin(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    rules = make_thread(client, alice, "club", "Rules")
    bobs = make_thread(client, bob, "club", "Bob's")
    response = client.patch(f"/api/v1/threads/{bobs['id']}", json={"pinned": True}, headers=bob.auth)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"pinned": "Only moderators change this."}
    assert client.patch(f"/api/v1/threads/{rules['id']}", json={"pinned": True}, headers=alice.auth).json()["pinned"]
    make_thread(client, bob, "club", "Latest")
    assert [t["title"] for t in client.get("/api/v1/circles/club/threads").json()["items"]] == [
        "Rules",
        "Latest",
        "Bob's",
    ]


def test_an_author_retitles_but_another_member_cannot(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, bob, "club", "Typo")
    carol = member("carol")
    assert (
        client.patch(f"/api/v1/threads/{thread['id']}", json={"title": "Fixed"}, headers=carol.auth).status_code == 403
    )
    assert (
        client.patch(f"/api/v1/threads/{thread['id']}", json={"title": "Fixed"}, headers=bob.auth).json()["title"]
        == "Fixed"
    )


def test_a_locked_thread_refuses_replies_except_from_moderators(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, bob, "club")
    client.patch(f"/api/v1/threads/{thread['id']}", json={"locked": True}, headers=alice.auth)
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "me too"}, headers=bob.auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    reply(client, alice, thread["id"], "Closing note from the moderator")
    assert client.get(f"/api/v1/threads/{thread['id']}").json()["post_count"] == 2


def test_an_edit_keeps_the_previous_version(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body="first version")
    post_id = thread["first_post"]["id"]
    edited = client.patch(f"/api/v1/posts/{post_id}", json={"body": "second *version*"}, headers=alice.auth).json()
    assert edited["edited_at"] is not None and edited["html"] == "<p>second <em>version</em></p>\n"
    revisions = client.get(f"/api/v1/posts/{post_id}/revisions").json()["items"]
    assert [r["body"] for r in revisions] == ["first version"]
    assert revisions[0]["editor"]["username"] == "alice"


def test_only_the_author_and_moderators_edit_or_delete_a_post(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    post = reply(client, bob, thread["id"], "bob's reply")
    assert client.patch(f"/api/v1/posts/{post['id']}", json={"body": "vandal"}, headers=carol.auth).status_code == 403
    assert client.delete(f"/api/v1/posts/{post['id']}", headers=carol.auth).status_code == 403
    assert client.get(f"/api/v1/posts/{post['id']}").json()["body"] == "bob's reply"
    assert (
        client.patch(f"/api/v1/posts/{post['id']}", json={"body": "moderated"}, headers=alice.auth).status_code == 200
    )


def test_a_deleted_reply_disappears_and_the_counters_follow(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    post = reply(client, bob, thread["id"], "oops")
    assert client.delete(f"/api/v1/posts/{post['id']}", headers=bob.auth).status_code == 204
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404
    assert len(client.get(f"/api/v1/threads/{thread['id']}/posts").json()["items"]) == 1
    assert client.get(f"/api/v1/threads/{thread['id']}").json()["post_count"] == 1
    assert client.delete(f"/api/v1/posts/{post['id']}", headers=bob.auth).status_code == 404
    assert client.get("/api/v1/users/bob").json()["post_count"] == 0


def test_deleting_the_opening_post_deletes_the_thread(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    assert client.delete(f"/api/v1/posts/{thread['first_post']['id']}", headers=alice.auth).status_code == 204
    assert client.get(f"/api/v1/threads/{thread['id']}").status_code == 404
    assert client.get("/api/v1/circles/club/threads").json()["items"] == []
    assert client.get("/api/v1/circles/club").json()["thread_count"] == 0


def test_a_site_moderator_moderates_everywhere(client, member):
    alice, mod = member("alice"), member("mod", Role.MODERATOR)
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    assert client.patch(f"/api/v1/threads/{thread['id']}", json={"locked": True}, headers=mod.auth).json()["locked"]
    assert client.delete(f"/api/v1/threads/{thread['id']}", headers=mod.auth).status_code == 204


def test_an_approval_circle_takes_posts_from_members_only(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club", join_policy="approval")
    response = client.post("/api/v1/circles/club/threads", json={"title": "Hi", "body": "x"}, headers=bob.auth)
    assert response.status_code == 403
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    client.put("/api/v1/circles/club/members/bob", json={"role": "member"}, headers=alice.auth)
    make_thread(client, bob, "club")


def test_a_post_longer_than_the_limit_is_refused(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "x" * 32_001}, headers=alice.auth)
    assert response.status_code == 400
    assert "32000" in response.json()["error"]["fields"]["body"]
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "   "}, headers=alice.auth)
    assert response.status_code == 400


def test_mentions_link_to_existing_members_only(client, member):
    alice = member("alice")
    member("小明")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body="@小明 and @ghost, write to a@b.example")
    html = thread["first_post"]["html"]
    assert '<a href="/u/小明" class="mention"' in html
    assert "@ghost" in html and "/u/ghost" not in html


def test_posts_page_neither_skips_nor_repeats_while_replies_arrive(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    for index in range(9):
        reply(client, bob, thread["id"], f"reply {index}")
    seen, cursor = [], None
    while True:
        url = f"/api/v1/threads/{thread['id']}/posts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen += [post["body"] for post in page["items"]]
        reply(client, bob, thread["id"], f"late {len(seen)}")  # written between two pages
        cursor = page["next"]
        if cursor is None:
            break
    assert seen[:10] == ["First post"] + [f"reply {i}" for i in range(9)]
    assert len(seen) == len(set(seen))


def test_threads_page_neither_skips_nor_repeats_while_threads_are_started(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    titles = [make_thread(client, alice, "club", f"t{index}")["title"] for index in range(7)]
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/circles/club/threads?limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [thread["title"] for thread in page["items"]]
        make_thread(client, alice, "club", f"new {len(seen)}")  # lands on top, before the cursor
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == list(reversed(titles))


def test_a_bad_cursor_or_limit_is_a_clear_error(client, member):
    assert client.get("/api/v1/circles?cursor=nonsense").json()["error"]["fields"] == {
        "cursor": "This cursor is not one this list gave out."
    }
    assert client.get("/api/v1/circles?limit=1000").status_code == 400
    assert client.get("/api/v1/circles?limit=-1").status_code == 400


def test_latest_threads_across_circles(client, member):
    alice = member("alice")
    make_circle(client, alice, "one")
    make_circle(client, alice, "two")
    make_thread(client, alice, "one", "In one")
    make_thread(client, alice, "two", "In two")
    assert [t["title"] for t in client.get("/api/v1/threads").json()["items"]] == ["In two", "In one"]


def test_a_profile_shows_recent_activity(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Mine")
    reply(client, alice, thread["id"], "again")
    activity = client.get("/api/v1/users/alice").json()["recent_activity"]
    assert [item["body"] for item in activity] == ["again", "First post"]
    assert activity[0]["thread"] == {"id": thread["id"], "title": "Mine", "circle": "club"}


def test_the_pager_shows_the_ends_and_the_neighbourhood_of_the_page():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 5) == [1, 2, 3, 4, 5]  # a gap of one page shows the page, not "…"
    assert page_numbers(1, 200) == [1, 2, 3, None, 200]
    assert page_numbers(100, 200) == [1, None, 98, 99, 100, 101, 102, None, 200]
    assert page_numbers(200, 200) == [1, None, 198, 199, 200]


def test_posts_are_numbered_and_a_deleted_posts_number_is_not_given_again(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    assert thread["first_post"]["number"] == 1
    second, third = reply(client, bob, thread["id"], "two"), reply(client, bob, thread["id"], "three")
    assert [second["number"], third["number"]] == [2, 3]
    assert client.delete(f"/api/v1/posts/{third['id']}", headers=bob.auth).status_code == 204
    assert reply(client, bob, thread["id"], "four")["number"] == 4


def test_a_page_holds_its_twenty_numbers_and_deleted_posts_leave_it_shorter(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body="post number 1")
    posts = [thread["first_post"]] + [reply(client, alice, thread["id"], f"post number {n}") for n in range(2, 46)]
    client.delete(f"/api/v1/posts/{posts[4]['id']}", headers=alice.auth)  # number 5
    client.headers["accept-language"] = "en"

    def numbers_on(page: int) -> list[int]:
        text = client.get(f"/t/{thread['id']}?page={page}").text
        return [n for n in range(1, 46) if f"post number {n}<" in text]

    assert numbers_on(1) == [n for n in range(1, 21) if n != 5]
    assert numbers_on(2) == list(range(21, 41))
    assert numbers_on(3) == list(range(41, 46))
    assert numbers_on(4) == numbers_on(3)  # past the end: the last page
    # a post's own address and a new reply lead to the page they are on
    assert (
        client.get(f"/p/{posts[24]['id']}", follow_redirects=False)
        .headers["location"]
        .endswith(f"?page=2#p{posts[24]['id']}")
    )
    token = sign_in(client, "bob")
    answer = client.post(
        f"/t/{thread['id']}/reply", data={"body": "number 46", "csrf_token": token}, follow_redirects=False
    )
    assert "?page=3#p" in answer.headers["location"]


def test_replies_written_at_the_same_moment_get_one_number_each(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")

    answers = at_once(
        client,
        20,
        lambda http, n: http.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": f"r{n}"}, headers=alice.auth),
    )
    assert [answer.status_code for answer in answers] == [201] * 20
    assert sorted(answer.json()["number"] for answer in answers) == list(range(2, 22))
    assert client.get(f"/api/v1/threads/{thread['id']}").json()["post_count"] == 21


def test_the_migration_numbers_the_posts_of_an_existing_forum(client, member):
    numbering = importlib.import_module("core.migrations.0005_post_numbers")
    alice = member("alice")
    make_circle(client, alice, "club")
    threads = [make_thread(client, alice, "club", f"t{n}") for n in range(2)]
    for n in range(3):
        for thread in threads:
            reply(client, alice, thread["id"], f"reply {n}")

    async def renumber() -> list[tuple[int, int, int]]:
        await sql.fetch("UPDATE posts SET number = -id")  # as before the migration: no numbers (and no clash)
        await sql.fetch("UPDATE threads SET last_number = 1")
        await sql.fetch(numbering.NUMBER_POSTS)
        await sql.fetch(numbering.LAST_NUMBERS)
        rows = await sql.fetch("SELECT thread_id, id, number FROM posts ORDER BY thread_id, id")
        return [(row["thread_id"], row["id"], row["number"]) for row in rows]

    numbered = client.portal.call(renumber)
    for thread in threads:
        assert [number for thread_id, _, number in numbered if thread_id == thread["id"]] == [1, 2, 3, 4]
        assert client.get(f"/t/{thread['id']}").status_code == 200
    assert reply(client, alice, threads[0]["id"], "after")["number"] == 5


def test_in_a_locked_thread_the_author_deletes_nothing(client, member):
    owner, writer = member("owner"), member("writer")
    make_circle(client, owner, "club")
    client.post("/api/v1/circles/club/join", headers=writer.auth)
    thread = make_thread(client, writer, "club")
    post = reply(client, writer, thread["id"], "a reply")
    client.patch(f"/api/v1/threads/{thread['id']}", json={"locked": True}, headers=owner.auth)
    for path in (f"/api/v1/posts/{post['id']}", f"/api/v1/threads/{thread['id']}"):
        refused = client.delete(path, headers=writer.auth)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "locked")
    assert client.get(f"/api/v1/threads/{thread['id']}").json()["post_count"] == 2
    assert client.delete(f"/api/v1/posts/{post['id']}", headers=owner.auth).status_code == 204


def test_a_member_removed_from_a_circle_no_longer_edits_or_retitles(client, member):
    owner, writer = member("owner"), member("writer")
    make_circle(client, owner, "club", join_policy="approval")
    client.post("/api/v1/circles/club/join", headers=writer.auth)
    client.put("/api/v1/circles/club/members/writer", json={"role": "member"}, headers=owner.auth)
    thread = make_thread(client, writer, "club")
    assert client.delete("/api/v1/circles/club/members/writer", headers=owner.auth).status_code == 204
    edit = client.patch(f"/api/v1/posts/{thread['first_post']['id']}", json={"body": "changed"}, headers=writer.auth)
    retitle = client.patch(f"/api/v1/threads/{thread['id']}", json={"title": "Changed"}, headers=writer.auth)
    assert (edit.status_code, retitle.status_code) == (403, 403)
    assert client.get(f"/api/v1/threads/{thread['id']}").json()["title"] == "Hello"
