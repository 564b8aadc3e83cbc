"""What a ban and silencing stop, through HTTP, in every plugin that takes writing (shared/CONTRACT.md, "Bans and
silencing"): in a public circle open to all, a banned member sends nothing to the circle (403 ``banned``); a silenced
member writes nothing others read anywhere (403 ``silenced``) but still orders, registers and files complaints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.accounts.models import Role
from core.testing import Member, make_circle, make_thread, register, reply

PLUGINS = ["shop", "events", "polls", "complaints"]


def _later(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def world(module_site: Any) -> dict[str, Any]:
    """A public circle open to all with one of everything a member may write to, and the member who will be
    punished, who has written a thread and a reply there before."""
    site: TestClient = module_site(plugins=PLUGINS)
    site.headers["accept-language"] = "en"
    owner, staff = register(site, "owner"), register(site, "staffer", Role.MODERATOR)
    make_circle(site, owner, "open-club")
    make_circle(site, owner, "vip", visibility="private", join_policy="invite")
    made: dict[str, Any] = {"site": site, "owner": owner, "staff": staff}

    def post(path: str, body: dict[str, Any]) -> Any:
        response = site.post(f"/api/v1{path}", json=body, headers=owner.auth)
        assert response.status_code == 201, response.text
        return response.json()

    made["product"] = post("/circles/open-club/products", {"name": "Tea", "price": "10.00", "stock": 50})
    made["fee"] = post(
        "/circles/open-club/products",
        {"name": "VIP year", "price": "99.00", "membership_circle": "vip", "membership_days": 365},
    )
    made["event"] = post(
        "/circles/open-club/events",
        {"title": "Tasting", "body": "Six teas", "starts_at": _later(7), "ends_at": _later(8), "capacity": 20},
    )
    made["poll"] = post(
        "/circles/open-club/polls", {"title": "Which tea?", "body": "Pick one", "options": ["Green", "Black"]}
    )
    made["survey"] = post(
        "/circles/open-club/surveys",
        {
            "title": "How was it?",
            "body": "Tell us",
            "public": True,
            "questions": [{"kind": "text", "text": "Say anything"}],
        },
    )
    made["group_buy"] = post(
        "/circles/open-club/group-buys",
        {"product_id": made["product"]["id"], "price": "8.00", "min_count": 2, "max_count": 10, "deadline": _later(3)},
    )
    made["trial"] = post(
        "/circles/open-club/trials",
        {"product_id": made["product"]["id"], "places": 3, "apply_until": _later(3), "report_until": _later(10)},
    )
    made["thread"] = make_thread(site, owner, "open-club", "Weekend tasting", "Who comes?")
    return made


def _writer(world: dict[str, Any], name: str) -> tuple[Member, dict[str, Any], dict[str, Any]]:
    """A member of the site (not of the circle: it is open to all) with a thread and a reply of their own."""
    site = world["site"]
    member = register(site, name)
    own = make_thread(site, member, "open-club", f"Thread by {name}", "My tea notes")
    return member, own, reply(site, member, world["thread"]["id"], "I come")


def _attempts(world: dict[str, Any], own: dict[str, Any], mine: dict[str, Any]) -> dict[str, tuple[str, str, Any]]:
    """Everything a member may send to the circle: method, path and body."""
    return {
        "thread": ("POST", "/circles/open-club/threads", {"title": "Again", "body": "Buy watches"}),
        "reply": ("POST", f"/threads/{world['thread']['id']}/posts", {"body": "Buy watches"}),
        "edit": ("PATCH", f"/posts/{mine['id']}", {"body": "Buy watches"}),
        "retitle": ("PATCH", f"/threads/{own['id']}", {"title": "Buy watches"}),
        "vote": ("POST", f"/polls/{world['poll']['id']}/vote", {"choices": [0]}),
        "survey answer": ("POST", f"/surveys/{world['survey']['id']}/responses", {"answers": ["Buy watches"]}),
        "order note": ("POST", f"/products/{world['product']['id']}/orders", {"quantity": 1, "note": "Buy watches"}),
        "order": ("POST", f"/products/{world['product']['id']}/orders", {"quantity": 1}),
        "registration": ("POST", f"/events/{world['event']['id']}/registrations", {"answers": []}),
        "group buy": ("POST", f"/group-buys/{world['group_buy']['id']}/join", {"quantity": 1}),
        "trial": ("POST", f"/trials/{world['trial']['id']}/applications", {"answers": []}),
        "fee": ("POST", f"/products/{world['fee']['id']}/orders", {"quantity": 1}),
        "delete": ("DELETE", f"/posts/{mine['id']}", None),
    }


def _send(site: TestClient, who: Member, method: str, path: str, body: Any) -> Any:
    return site.request(method, f"/api/v1{path}", json=body, headers=who.auth)


def test_a_member_banned_from_a_public_open_circle_sends_nothing_to_it(world):
    site, owner = world["site"], world["owner"]
    banned, own, mine = _writer(world, "banned")
    assert (
        site.post(
            "/api/v1/circles/open-club/bans",
            json={"username": "banned", "reason": "Spam", "days": 30},
            headers=owner.auth,
        ).status_code
        == 201
    )
    for what, (method, path, body) in _attempts(world, own, mine).items():
        answer = _send(site, banned, method, path, body)
        assert answer.status_code == 403, (what, answer.text)
        assert answer.json()["error"]["code"] == "banned", what
        assert "Spam" in answer.json()["error"]["message"], what
    assert site.post("/api/v1/circles/open-club/join", headers=banned.auth).json()["error"]["code"] == "banned"
    posts = site.get(f"/api/v1/threads/{world['thread']['id']}/posts").json()["items"]
    assert "Buy watches" not in str(posts) and mine["id"] in [post["id"] for post in posts]  # nothing changed
    assert site.get("/api/v1/me/orders", headers=banned.auth).json()["items"] == []
    assert site.get(f"/api/v1/events/{world['event']['id']}", headers=banned.auth).json()["my_status"] is None
    page = site.get(f"/t/{world['thread']['id']}", headers=banned.auth).text
    assert 'name="body"' not in page  # no reply form for one who may not reply
    # lifted: everything is open again
    assert site.delete("/api/v1/circles/open-club/bans/banned", headers=owner.auth).status_code == 204
    assert _send(site, banned, "POST", f"/threads/{world['thread']['id']}/posts", {"body": "Sorry"}).status_code == 201


def test_a_fee_ordered_before_a_ban_is_not_turned_into_a_membership(world):
    site, owner = world["site"], world["owner"]
    buyer = register(site, "feebuyer")
    ordered = _send(site, buyer, "POST", f"/products/{world['fee']['id']}/orders", {"quantity": 1})
    assert ordered.status_code == 201, ordered.text
    site.post("/api/v1/circles/vip/bans", json={"username": "feebuyer", "reason": "Fraud"}, headers=owner.auth)
    paid = site.post(f"/api/v1/orders/{ordered.json()['id']}/paid", headers=owner.auth)
    assert paid.status_code == 409 and paid.json()["error"]["code"] == "banned"
    assert site.get(f"/api/v1/orders/{ordered.json()['id']}", headers=owner.auth).json()["status"] == "pending_payment"
    assert site.get("/api/v1/circles/open-club/memberships", headers=owner.auth).json()["items"] == []
    assert site.post(f"/api/v1/orders/{ordered.json()['id']}/cancel", headers=owner.auth).status_code == 200


def test_a_silenced_member_writes_nothing_others_read_but_still_orders_registers_and_complains(world):
    site, staff = world["site"], world["staff"]
    quiet, own, mine = _writer(world, "quiet")
    assert (
        site.post("/api/v1/users/quiet/silence", json={"reason": "Shouting", "days": 3}, headers=staff.auth).status_code
        == 201
    )
    attempts = _attempts(world, own, mine)
    for what in ("thread", "reply", "edit", "retitle", "vote", "survey answer", "order note"):
        answer = _send(site, quiet, *attempts[what])
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "silenced", (what, answer.text)
    first_post = site.get(f"/api/v1/threads/{world['thread']['id']}/posts").json()["items"][0]["id"]
    outside = {
        "circle": ("POST", "/circles", {"slug": "quiet-club", "name": "Quiet"}),
        "profile": ("PATCH", "/me", {"bio": "Buy watches"}),
        "flag": ("POST", f"/posts/{first_post}/flags", {"reason": "spam"}),
    }
    for what, attempt in outside.items():
        answer = _send(site, quiet, *attempt)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "silenced", (what, answer.text)
    assert _send(site, quiet, "PATCH", "/me", {"locale": "en"}).status_code == 200  # their own settings
    for what in ("order", "registration", "group buy", "trial"):
        answer = _send(site, quiet, *attempts[what])
        assert answer.status_code in (200, 201), (what, answer.text)
    filed = site.post(
        "/api/v1/circles/open-club/complaints", json={"subject": "Cold tea", "body": "It was cold"}, headers=quiet.auth
    )
    assert filed.status_code == 201, filed.text
    assert _send(site, quiet, *attempts["delete"]).status_code == 204  # taking one's own words back is not writing
    assert site.get("/api/v1/users/quiet").json()["bio"] == ""
