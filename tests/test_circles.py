"""Circles: visibility, join policies, requests, invitations, roles."""

from __future__ import annotations

from conftest import make_circle

from core.accounts.models import Role


def members(client, slug, who, status="active"):
    response = client.get(f"/api/v1/circles/{slug}/members?status={status}", headers=who.auth)
    assert response.status_code == 200, response.text
    return {(m["user"]["username"], m["role"]) for m in response.json()["items"]}


def test_the_creator_owns_a_new_circle(client, member):
    alice = member("alice")
    circle = make_circle(client, alice, "hiking", name="徒步俱乐部", description="周末一起走")
    assert circle["membership"] == {"role": "owner", "status": "active"}
    assert circle["member_count"] == 1
    assert members(client, "hiking", alice) == {("alice", "owner")}


def test_a_guest_cannot_create_a_circle(client):
    response = client.post("/api/v1/circles", json={"slug": "x1", "name": "X"})
    assert response.status_code == 401


def test_a_taken_or_malformed_slug_is_refused(client, member):
    alice = member("alice")
    make_circle(client, alice, "hiking")
    response = client.post("/api/v1/circles", json={"slug": "hiking", "name": "Again"}, headers=alice.auth)
    assert response.json()["error"]["fields"] == {"slug": "This address is taken."}
    response = client.post("/api/v1/circles", json={"slug": "Bad Slug!", "name": ""}, headers=alice.auth)
    assert set(response.json()["error"]["fields"]) == {"slug", "name"}


def test_joining_an_open_circle_is_immediate(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "open")
    assert client.post("/api/v1/circles/open/join", headers=bob.auth).json() == {"status": "active"}
    assert client.get("/api/v1/circles/open").json()["member_count"] == 2
    assert client.post("/api/v1/circles/open/leave", headers=bob.auth).status_code == 204
    assert client.get("/api/v1/circles/open").json()["member_count"] == 1


def test_an_approval_circle_takes_a_request_that_a_moderator_approves(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club", join_policy="approval")
    assert client.post("/api/v1/circles/club/join", headers=bob.auth).json() == {"status": "pending"}
    assert members(client, "club", alice, "pending") == {("bob", "member")}
    assert client.get("/api/v1/circles/club/members?status=pending", headers=bob.auth).status_code == 403
    response = client.put("/api/v1/circles/club/members/bob", json={"role": "member"}, headers=alice.auth)
    assert response.json()["status"] == "active"
    assert members(client, "club", bob) == {("alice", "owner"), ("bob", "member")}


def test_a_moderator_refuses_a_request(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club", join_policy="approval")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    assert client.delete("/api/v1/circles/club/members/bob", headers=alice.auth).status_code == 204
    assert members(client, "club", alice, "pending") == set()


def test_an_invite_only_circle_refuses_joining_without_an_invitation(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "board", join_policy="invite")
    response = client.post("/api/v1/circles/board/join", headers=bob.auth)
    assert response.status_code == 403
    client.put("/api/v1/circles/board/members/bob", json={"role": "member"}, headers=alice.auth)
    assert client.post("/api/v1/circles/board/join", headers=bob.auth).json() == {"status": "active"}


def test_an_invited_member_sees_a_private_circle_before_accepting(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "secret", visibility="private", join_policy="invite")
    assert client.get("/api/v1/circles/secret", headers=bob.auth).status_code == 404
    assert client.post("/api/v1/circles/secret/join", headers=bob.auth).status_code == 404
    client.put("/api/v1/circles/secret/members/bob", json={"role": "member"}, headers=alice.auth)
    invitation = client.get("/api/v1/circles/secret", headers=bob.auth).json()
    assert invitation["membership"] == {"role": "member", "status": "invited"}
    assert client.get("/api/v1/circles/secret/threads", headers=bob.auth).status_code == 404
    assert client.post("/api/v1/circles/secret/join", headers=bob.auth).json() == {"status": "active"}
    assert client.get("/api/v1/circles/secret/threads", headers=bob.auth).status_code == 200


def test_a_moderator_cannot_appoint_moderators_but_an_owner_can(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    client.post("/api/v1/circles/club/join", headers=carol.auth)
    assert (
        client.put("/api/v1/circles/club/members/bob", json={"role": "moderator"}, headers=alice.auth).status_code
        == 200
    )
    response = client.put("/api/v1/circles/club/members/carol", json={"role": "moderator"}, headers=bob.auth)
    assert response.status_code == 403
    assert ("carol", "member") in members(client, "club", alice)


def test_a_member_cannot_manage_members(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    client.post("/api/v1/circles/club/join", headers=carol.auth)
    assert client.delete("/api/v1/circles/club/members/carol", headers=bob.auth).status_code == 403
    assert client.put("/api/v1/circles/club/members/bob", json={"role": "owner"}, headers=bob.auth).status_code == 403


def test_the_last_owner_cannot_leave_or_be_demoted(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    response = client.post("/api/v1/circles/club/leave", headers=alice.auth)
    assert response.status_code == 409
    response = client.put("/api/v1/circles/club/members/alice", json={"role": "member"}, headers=alice.auth)
    assert response.status_code == 409


def test_only_owners_change_a_circle_and_unknown_fields_are_refused(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    assert client.patch("/api/v1/circles/club", json={"name": "Mine"}, headers=bob.auth).status_code == 403
    response = client.patch("/api/v1/circles/club", json={"name": "新名字", "member_count": 99}, headers=alice.auth)
    assert response.status_code == 400
    response = client.patch(
        "/api/v1/circles/club", json={"name": "新名字", "visibility": "private"}, headers=alice.auth
    )
    assert response.json()["name"] == "新名字"
    assert client.get("/api/v1/circles/club").status_code == 404


def test_a_site_admin_sees_and_manages_every_private_circle(client, member):
    alice, admin = member("alice"), member("root", Role.ADMIN)
    make_circle(client, alice, "secret", visibility="private")
    assert client.get("/api/v1/circles/secret", headers=admin.auth).status_code == 200
    assert (
        client.patch("/api/v1/circles/secret", json={"description": "checked"}, headers=admin.auth).status_code == 200
    )


def test_circle_list_pages_with_a_cursor(client, member):
    alice = member("alice")
    for index in range(5):
        make_circle(client, alice, f"c{index}")
    first = client.get("/api/v1/circles?limit=2").json()
    second = client.get(f"/api/v1/circles?limit=2&cursor={first['next']}").json()
    third = client.get(f"/api/v1/circles?limit=2&cursor={second['next']}").json()
    slugs = [c["slug"] for page in (first, second, third) for c in page["items"]]
    assert slugs == ["c0", "c1", "c2", "c3", "c4"] and third["next"] is None


def test_a_moderator_cannot_demote_or_remove_a_fellow_moderator(client, member):
    owner, first, second = member("owner"), member("first"), member("second")
    make_circle(client, owner, "club")
    for name in ("first", "second"):
        client.put(f"/api/v1/circles/club/members/{name}", json={"role": "moderator"}, headers=owner.auth)
        client.post("/api/v1/circles/club/join", headers=(first if name == "first" else second).auth)
    demoted = client.put("/api/v1/circles/club/members/second", json={"role": "member"}, headers=first.auth)
    assert demoted.status_code == 403
    assert client.delete("/api/v1/circles/club/members/second", headers=first.auth).status_code == 403
    assert ("second", "moderator") in members(client, "club", owner)  # the members page's forms ask the same rule
    assert client.put("/api/v1/circles/club/members/second", json={"role": "member"}, headers=owner.auth).is_success


def test_a_pending_request_to_a_private_circle_can_be_withdrawn(client, member):
    owner, asker = member("owner"), member("asker")
    make_circle(client, owner, "inner", visibility="private", join_policy="approval")
    assert client.post("/api/v1/circles/inner/join", headers=asker.auth).json() == {"status": "pending"}
    assert client.post("/api/v1/circles/inner/leave", headers=asker.auth).status_code == 204
    assert members(client, "inner", owner, "pending") == set()
    assert client.post("/api/v1/circles/inner/leave", headers=asker.auth).status_code == 404  # nothing left to show


def test_a_request_to_join_reaches_the_owners_and_its_answer_the_member(client, member):
    alice, bob, carol, mod = member("alice"), member("bob"), member("carol"), member("mod")
    make_circle(client, alice, "club", join_policy="approval", visibility="private")
    client.put("/api/v1/circles/club/members/mod", json={"role": "moderator"}, headers=alice.auth)
    client.post("/api/v1/circles/club/join", headers=mod.auth)
    for who in (bob, carol):
        assert client.post("/api/v1/circles/club/join", headers=who.auth).json() == {"status": "pending"}
    client.post("/api/v1/circles/club/join", headers=bob.auth)  # asking again tells nobody again

    def inbox(who):
        return [item["text"] for item in client.get("/api/v1/notifications", headers=who.auth).json()["items"]]

    assert inbox(alice) == ["carol asks to join “Club”", "bob asks to join “Club”"]
    assert inbox(mod) == [*inbox(alice), "alice invited you to join “Club”"]
    client.put("/api/v1/circles/club/members/bob", json={"role": "member"}, headers=mod.auth)
    client.delete("/api/v1/circles/club/members/carol", headers=mod.auth)
    assert inbox(bob) == ["You are now a member of “Club”"]
    assert inbox(carol) == ["Your request to join “Club” was declined"]
    dave = member("dave")
    client.put("/api/v1/circles/club/members/dave", json={"role": "member"}, headers=alice.auth)
    assert inbox(dave) == ["alice invited you to join “Club”"]


def test_the_admin_area_lists_circles_with_requests_waiting(client, member):
    from pages import browser

    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club", join_policy="approval")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    browser(client, "root")
    client.portal.call(_promote, "root")
    page = client.get("/admin", headers={"Accept-Language": "en"})
    assert "Requests to join, waiting" in page.text and 'href="/c/club/members"' in page.text
    assert "1 request to join" in page.text


async def _promote(username):
    from core.accounts.models import Role, User

    await User.filter(username=username).update(role=Role.ADMIN)
