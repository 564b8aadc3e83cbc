"""The access layer: one viewer scope whose renderings agree, a thread's access written once, actions that
plugins refuse (a failing plugin refuses too), and ``member_joined`` told of every way in."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from conftest import make_circle, make_thread

from core import sql
from core.access.circles import circle_access
from core.access.scope import scope_of
from core.accounts.models import Role, User
from core.circles.models import Circle
from core.contract import hookimpl
from core.testing import another_browser

VIEWERS = ["guest", "suspended", "outsider", "pending", "invited", "member", "moderator", "owner", "sitemod", "admin"]
CIRCLES = ["open", "approval", "hidden", "invite-only"]


@pytest.fixture
def society(client, member):
    """Four circles of ``owner``'s and one viewer of each kind; each name says how they stand to the circles."""
    people = {name: member(name) for name in VIEWERS if name not in ("guest", "sitemod", "admin")}
    people["sitemod"], people["admin"] = member("sitemod", Role.MODERATOR), member("admin", Role.ADMIN)
    owner = people["owner"]
    make_circle(client, owner, "open")
    make_circle(client, owner, "approval", join_policy="approval")
    make_circle(client, owner, "hidden", visibility="private", join_policy="approval")
    make_circle(client, owner, "invite-only", visibility="private", join_policy="invite")
    for slug in CIRCLES:
        client.put(f"/api/v1/circles/{slug}/members/invited", json={"role": "member"}, headers=owner.auth)
        if slug != "invite-only":
            client.post(f"/api/v1/circles/{slug}/join", headers=people["pending"].auth)
        for name, role in (("member", "member"), ("moderator", "moderator"), ("suspended", "member")):
            client.put(f"/api/v1/circles/{slug}/members/{name}", json={"role": role}, headers=owner.auth)
            client.post(f"/api/v1/circles/{slug}/join", headers=people[name].auth)
    client.portal.call(_suspend, "suspended")
    return people


async def _suspend(username: str) -> None:
    await User.filter(username=username).update(suspended=True)


async def _renderings(username: str | None) -> dict[str, dict[str, bool]]:
    """What each rendering of the circle rule says of each circle, for one viewer."""
    viewer = await User.get(username=username) if username else None
    scope = await scope_of(viewer)
    circles = {circle.slug: circle for circle in await Circle.all()}
    condition, params = scope.circles_sql("c")
    by_sql = {row["slug"] for row in await sql.fetch(f"SELECT c.slug FROM circles c WHERE {condition}", *params)}
    by_orm = set(await Circle.filter(scope.circles_q()).values_list("slug", flat=True))
    by_search = await scope.visible_circle_ids()
    return {
        slug: {
            "check": scope.sees_circle(circle),
            "access": (await circle_access(viewer, circle)).can_view,
            "sql": slug in by_sql,
            "orm": slug in by_orm,
            "search": by_search is None or circle.id in by_search,
        }
        for slug, circle in circles.items()
    }


SEES = {  # viewer -> the circles they see
    "guest": {"open", "approval"},
    "suspended": {"open", "approval"},  # reads like a guest
    "outsider": {"open", "approval"},
    "pending": {"open", "approval"},
    "invited": {"open", "approval"},
    "member": set(CIRCLES),
    "moderator": set(CIRCLES),
    "owner": set(CIRCLES),
    "sitemod": {"open", "approval"},
    "admin": set(CIRCLES),
}


@pytest.mark.parametrize("who", VIEWERS)
def test_every_rendering_of_the_circle_rule_agrees(client, society, who):
    renderings = client.portal.call(_renderings, None if who == "guest" else who)
    for slug, answers in renderings.items():
        assert set(answers.values()) == {slug in SEES[who]}, (who, slug, answers)


def test_a_locked_thread_takes_replies_and_edits_from_moderators_only(client, member):
    owner, moderator, writer = member("owner"), member("moderator"), member("writer")
    make_circle(client, owner, "club")
    client.put("/api/v1/circles/club/members/moderator", json={"role": "moderator"}, headers=owner.auth)
    client.post("/api/v1/circles/club/join", headers=moderator.auth)
    client.post("/api/v1/circles/club/join", headers=writer.auth)
    thread = make_thread(client, writer, "club")
    client.patch(f"/api/v1/threads/{thread['id']}", json={"locked": True}, headers=moderator.auth)
    assert client.get(f"/api/v1/threads/{thread['id']}", headers=writer.auth).json()["can_reply"] is False
    assert client.get(f"/api/v1/threads/{thread['id']}", headers=moderator.auth).json()["can_reply"] is True
    reply = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "late"}, headers=writer.auth)
    assert (reply.status_code, reply.json()["error"]["code"]) == (409, "locked")
    edit = client.patch(f"/api/v1/posts/{thread['first_post']['id']}", json={"body": "x"}, headers=writer.auth)
    assert (edit.status_code, edit.json()["error"]["code"]) == (409, "locked")
    page = client.get(f"/t/{thread['id']}", headers=writer.auth).text
    assert 'name="body"' not in page and f"/p/{thread['first_post']['id']}/edit" not in page
    assert client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "ok"}, headers=moderator.auth).is_success


class Refusals:
    """A plugin that refuses replies containing "no", and fails while deciding on edits."""

    @hookimpl
    def check_permission(self, action, user, target):
        if action == "post.edit":
            raise RuntimeError("this plugin's permission check is broken")
        if action == "post.create" and target.title == "no":
            return False
        return None


def test_a_plugin_refuses_an_action_and_a_failing_check_refuses_too(client, member, caplog):
    client.app.state.site.plugins.pm.register(Refusals(), name="refusals")
    owner = member("owner")
    make_circle(client, owner, "club")
    refused, allowed = make_thread(client, owner, "club", title="no"), make_thread(client, owner, "club", title="yes")
    assert (
        client.post(f"/api/v1/threads/{refused['id']}/posts", json={"body": "x"}, headers=owner.auth).status_code == 403
    )
    assert (
        client.post(f"/api/v1/threads/{allowed['id']}/posts", json={"body": "x"}, headers=owner.auth).status_code == 201
    )
    with caplog.at_level(logging.ERROR, logger="quanzi.plugins"):
        edit = client.patch(f"/api/v1/posts/{allowed['first_post']['id']}", json={"body": "y"}, headers=owner.auth)
    assert edit.status_code == 403
    assert "plugin 'refusals' failed in hook check_permission; taken to answer False" in caplog.messages
    assert client.get(f"/api/v1/posts/{allowed['first_post']['id']}").json()["body"] == "First post"


class Joins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    @hookimpl
    def member_joined(self, circle, user):
        self.seen.append((circle.slug, user.username))


def test_member_joined_is_told_of_every_way_in(client, member):
    joins = Joins()
    client.app.state.site.plugins.pm.register(joins, name="joins")
    owner, walker, asker, guest = member("owner"), member("walker"), member("asker"), member("guest")
    make_circle(client, owner, "open")
    make_circle(client, owner, "approval", join_policy="approval")
    client.post("/api/v1/circles/open/join", headers=walker.auth)
    client.post("/api/v1/circles/approval/join", headers=asker.auth)
    assert ("approval", "asker") not in joins.seen  # a request is not a membership
    client.put("/api/v1/circles/approval/members/asker", json={"role": "member"}, headers=owner.auth)
    client.put("/api/v1/circles/approval/members/guest", json={"role": "member"}, headers=owner.auth)
    client.post("/api/v1/circles/approval/join", headers=guest.auth)  # accepts the invitation
    client.post("/api/v1/circles/open/join", headers=walker.auth)  # already in: not told twice
    assert joins.seen == [
        ("open", "owner"),
        ("approval", "owner"),
        ("open", "walker"),
        ("approval", "asker"),
        ("approval", "guest"),
    ]


def test_a_firstresult_hook_stops_at_the_first_answer(client, member):
    """``actor_from_request`` is a firstresult hook: a plugin's answer wins over the core's sessions."""
    alice = member("alice")

    class Everyone:
        @hookimpl(tryfirst=True)
        async def actor_from_request(self, request):
            return await User.get(username="alice") if request.headers.get("x-test-alice") else None

    client.app.state.site.plugins.pm.register(Everyone(), name="everyone")
    assert client.get("/api/v1/me", headers={"x-test-alice": "1"}).json()["username"] == "alice"
    response = another_browser(client).get("/api/v1/me")
    assert response.status_code == 401, response.text
    assert client.get("/api/v1/me", headers=alice.auth).json()["username"] == "alice"


ACCESS_RULES_BY_HAND = {  # a pattern of a rule decided by hand -> what to ask the access layer instead
    r"\.is_admin\b|\.is_staff\b": "site_admin(viewer) / site_staff(viewer) (core.access.site)",
    r"\.role\s*(==|!=|in)\s*\(?\s*Role\.": "site_admin / site_staff, not the role read off the user",
    r"\bviewer\.suspended\b": "acting(viewer)",
    r"visibility(\.value)?\s*(==|!=)": "is_public(circle) / CircleAccess.is_public",
    r"MemberRole\.OWNER,\s*MemberRole\.MODERATOR": "STAFF_ROLES / Scope.staff_of / CircleAccess.is_circle_staff",
    r"_id\s*==\s*[\w.]+\s+or\s+[\w.]+can_moderate|can_moderate\s+or\s+[\w.]+_id\s*==": "an Audience or can_manage",
    r"is_author\s+or\s+[\w.]*can_moderate": "ThreadAccess.can_manage",
}


def test_no_access_rule_is_decided_outside_the_access_layer():
    """Site roles, suspension, a public circle, a circle's staff and "the owner or staff" are asked of the access
    layer (core/access), as Discourse asks its Guardian; the code and templates around it never decide them again."""
    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted([*root.glob("core/**/*.py"), *root.glob("plugins/**/*.py"), *root.glob("themes/**/*.html")]):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("core/access/", "core/testing/", ".venv/")) or "/tests/" in relative:
            continue
        if "/migrations/" in relative or relative == "core/demo.py":  # data written, not a rule decided
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [
                f"{relative}:{number}: {instead}"
                for pattern, instead in ACCESS_RULES_BY_HAND.items()
                if re.search(pattern, line)
            ]
    assert found == []
