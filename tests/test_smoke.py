from conftest import make_circle, make_thread, reply


def test_a_member_starts_a_thread_and_another_replies(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "books")
    thread = make_thread(client, alice, "books", "Reading list", "What are you reading?")
    reply(client, bob, thread["id"], "A book about **circles**")
    posts = client.get(f"/api/v1/threads/{thread['id']}/posts").json()["items"]
    assert [p["author"]["username"] for p in posts] == ["alice", "bob"]
    assert "<strong>circles</strong>" in posts[1]["html"]
