"""A private circle's content never leaks: every list and object endpoint, for guests, non-members and members
whose request is still pending. Each private text carries a canary word that must appear nowhere."""

from __future__ import annotations

import pytest
from conftest import make_circle, make_thread, reply

from core.accounts.models import Role

CANARY = "zzsecretcanary"


@pytest.fixture
def world(client, member):
    owner, outsider, pending = member("owner"), member("outsider"), member("pending")
    make_circle(client, owner, "open-club", name="Open club")
    make_circle(
        client, owner, "inner", name=f"Inner {CANARY}", description=CANARY, visibility="private", join_policy="approval"
    )
    public_thread = make_thread(client, owner, "open-club", "Public news", "Everyone may read this")
    secret = make_thread(client, owner, "inner", f"Plans {CANARY}", f"Body {CANARY}")
    secret_reply = reply(client, owner, secret["id"], f"Reply {CANARY}")
    client.patch(f"/api/v1/posts/{secret_reply['id']}", json={"body": f"Edited {CANARY}"}, headers=owner.auth)
    assert client.post("/api/v1/circles/inner/join", headers=pending.auth).json() == {"status": "pending"}
    return {
        "owner": owner,
        "outsider": outsider,
        "pending": pending,
        "secret": secret,
        "reply": secret_reply,
        "public": public_thread,
    }


def viewers(world):
    return {"guest": {}, "outsider": world["outsider"].auth, "pending": world["pending"].auth}


def list_urls(world):
    secret = world["secret"]
    return [
        "/api/v1/circles",
        "/api/v1/threads",
        "/api/v1/users/owner",
        "/api/v1/users/owner/posts",
        f"/api/v1/threads/{world['public']['id']}/posts",
        "/api/v1/circles/open-club/threads",
        "/",
        "/c/open-club",
        "/u/owner",
    ], [
        "/api/v1/circles/inner",
        "/api/v1/circles/inner/threads",
        "/api/v1/circles/inner/members",
        f"/api/v1/threads/{secret['id']}",
        f"/api/v1/threads/{secret['id']}/posts",
        f"/api/v1/posts/{secret['first_post']['id']}",
        f"/api/v1/posts/{world['reply']['id']}",
        f"/api/v1/posts/{world['reply']['id']}/revisions",
    ]


@pytest.mark.parametrize("who", ["guest", "outsider", "pending"])
def test_lists_show_nothing_of_a_private_circle(client, world, who):
    lists, _ = list_urls(world)
    for url in lists:
        response = client.get(url, headers=viewers(world)[who])
        assert response.status_code == 200, url
        assert CANARY not in response.text, url


@pytest.mark.parametrize("who", ["guest", "outsider", "pending"])
def test_a_private_circles_objects_are_not_found(client, world, who):
    _, objects = list_urls(world)
    for url in objects:
        response = client.get(url, headers=viewers(world)[who])
        assert response.status_code == 404, url
        assert CANARY not in response.text, url
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["outsider", "pending"])
def test_a_non_member_cannot_write_into_a_private_circle(client, world, who):
    headers = viewers(world)[who]
    secret = world["secret"]
    attempts = [
        client.post("/api/v1/circles/inner/threads", json={"title": "x", "body": "y"}, headers=headers),
        client.post(f"/api/v1/threads/{secret['id']}/posts", json={"body": "y"}, headers=headers),
        client.patch(f"/api/v1/posts/{world['reply']['id']}", json={"body": "y"}, headers=headers),
        client.delete(f"/api/v1/threads/{secret['id']}", headers=headers),
        client.patch("/api/v1/circles/inner", json={"name": "mine"}, headers=headers),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    owner = world["owner"]
    assert (
        client.get(f"/api/v1/threads/{secret['id']}/posts", headers=owner.auth)
        .json()["items"][1]["body"]
        .startswith("Edited")
    )


def test_a_member_sees_everything_and_loses_it_on_leaving(client, world):
    owner, pending = world["owner"], world["pending"]
    client.put("/api/v1/circles/inner/members/pending", json={"role": "member"}, headers=owner.auth)
    lists, objects = list_urls(world)
    for url in lists[:2] + objects:
        assert client.get(url, headers=pending.auth).status_code == 200, url
    for url in ("/api/v1/users/owner", "/api/v1/circles", "/api/v1/threads", "/"):
        assert CANARY in client.get(url, headers=pending.auth).text, url
    client.post("/api/v1/circles/inner/leave", headers=pending.auth)
    for url in objects:
        assert client.get(url, headers=pending.auth).status_code == 404, url
    for url in ("/api/v1/circles", "/api/v1/threads", "/"):
        assert CANARY not in client.get(url, headers=pending.auth).text, url


def test_a_site_admin_lists_every_circle_and_thread(client, world, member):
    admin = member("root", Role.ADMIN)
    for url in ("/api/v1/circles", "/api/v1/threads", "/"):
        assert CANARY in client.get(url, headers=admin.auth).text, url


def test_making_a_circle_private_hides_it_at_once(client, world):
    owner, outsider = world["owner"], world["outsider"]
    client.patch("/api/v1/circles/open-club", json={"visibility": "private"}, headers=owner.auth)
    assert client.get(f"/api/v1/threads/{world['public']['id']}", headers=outsider.auth).status_code == 404
    assert "Public news" not in client.get("/api/v1/threads", headers=outsider.auth).text
    assert "Public news" not in client.get("/api/v1/users/owner", headers=outsider.auth).text
