"""Sessions of their own (CONTRACT.md, "Sessions"): each browser and each API token is a session kept in the
database under its key's hash; logging out ends this browser alone, "log out everywhere" ends them all; a member
sees where they are signed in, in /settings and at /api/v1/me/sessions, and ends any of them; a session idle too
long is over; a password change ends every other."""

from __future__ import annotations

import hashlib
import importlib
from datetime import UTC, datetime, timedelta

from conftest import PASSWORD

from core import sql
from core.accounts.models import Session
from core.testing import another_browser, jobs_of, run_job_now, sign_in, wait_for_jobs

PHONE = "Mozilla/5.0 (Linux; Android 13; V2148A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
COMPUTER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def devices(client, member, name="mei"):
    """The member on a phone and on a computer, both signed in, and an API token: (phone, computer, token)."""
    member(name)
    phone, computer = another_browser(client), another_browser(client)
    phone.headers["user-agent"], computer.headers["user-agent"] = PHONE, COMPUTER
    phone.csrf, computer.csrf = sign_in(phone, name), sign_in(computer, name)
    token = client.post("/api/v1/auth/token", json={"login": name, "password": PASSWORD, "name": "记账脚本"})
    return phone, computer, {"Authorization": f"Bearer {token.json()['token']}"}


def signed_in_as(browser, headers=None):
    answer = browser.get("/api/v1/me", headers=headers or {})
    return answer.json()["username"] if answer.status_code == 200 else None


def test_logging_out_of_one_phone_leaves_the_other_browser_and_the_token_signed_in(client, member):
    phone, computer, token = devices(client, member)
    copied = phone.cookies.get("quanzi_session")
    out = phone.post("/logout", data={"csrf_token": phone.csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert signed_in_as(phone) is None
    assert signed_in_as(computer) == "mei" and signed_in_as(client, token) == "mei"
    thief = another_browser(client)
    thief.cookies.set("quanzi_session", copied)  # the cookie as it was: its session is over on the server
    assert signed_in_as(thief) is None


def test_a_member_lists_where_they_are_signed_in_and_ends_one(client, member):
    phone, computer, token = devices(client, member)
    listed = computer.get("/api/v1/me/sessions").json()["items"]
    assert sorted((item["kind"], item["current"]) for item in listed) == [
        ("browser", False),
        ("browser", True),
        ("token", False),
        ("token", False),  # the test's own, and the script's
    ]
    names = {item["name"] for item in listed}
    assert {"WeChat · Android", "Chrome · Windows", "记账脚本"} <= names, names
    assert all(item["created_at"] and item["last_seen_at"] for item in listed)
    phone_session = next(item for item in listed if item["name"] == "WeChat · Android")
    ended = computer.delete(f"/api/v1/me/sessions/{phone_session['id']}", headers={"X-CSRF-Token": computer.csrf})
    assert ended.status_code == 204
    assert signed_in_as(phone) is None and signed_in_as(computer) == "mei" and signed_in_as(client, token) == "mei"
    token_session = next(item for item in listed if item["name"] == "记账脚本")
    assert client.delete(f"/api/v1/me/sessions/{token_session['id']}", headers=token).status_code == 204
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_nobody_ends_another_members_session(client, member):
    phone, computer, token = devices(client, member)
    _, _, other = devices(client, member, "lei")
    mine = client.get("/api/v1/me/sessions", headers=token).json()["items"]
    for item in mine:
        refused = client.delete(f"/api/v1/me/sessions/{item['id']}", headers=other)
        assert refused.status_code == 404
    assert signed_in_as(phone) == signed_in_as(computer) == signed_in_as(client, token) == "mei"


def test_log_out_everywhere_ends_every_browser_and_token(client, member):
    phone, computer, token = devices(client, member)
    assert phone.delete("/api/v1/auth/session", headers={"X-CSRF-Token": phone.csrf}).status_code == 204
    assert signed_in_as(phone) is None and signed_in_as(computer) is None
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_the_settings_page_lists_the_browsers_and_ends_them(client, member):
    phone, computer, token = devices(client, member)
    page = computer.get("/settings").text
    assert "WeChat · Android" in page and "Chrome · Windows" in page and "记账脚本" in page
    assert page.count('action="/settings/sessions/') == 3  # a button per browser, and "log out everywhere"
    phone_id = next(
        item["id"]
        for item in client.get("/api/v1/me/sessions", headers=token).json()["items"]
        if "WeChat" in item["name"]
    )
    computer.post(f"/settings/sessions/{phone_id}/end", data={"csrf_token": computer.csrf})
    assert signed_in_as(phone) is None and signed_in_as(computer) == "mei"
    everywhere = computer.post("/settings/sessions/end", data={"csrf_token": computer.csrf}, follow_redirects=False)
    assert everywhere.headers["location"] == "/login"
    assert signed_in_as(computer) is None and client.get("/api/v1/me", headers=token).status_code == 401


def test_a_password_changed_in_settings_ends_the_other_browsers_and_the_tokens(client, member):
    phone, computer, token = devices(client, member)
    changed = computer.post(
        "/settings/password",
        data={"csrf_token": computer.csrf, "current_password": PASSWORD, "new_password": "a brand new password"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert signed_in_as(computer) == "mei"
    assert signed_in_as(phone) is None and client.get("/api/v1/me", headers=token).status_code == 401


def test_sessions_over_are_swept_away_daily_and_the_sweep_comes_back(client, member):
    """The daily sweep deletes the sessions over (their key hashes with them) and plans its next run."""
    devices(client, member)
    rows = {row.name: row for row in client.portal.call(_sessions)}
    idle = client.app.state.site.config.session_max_age
    client.portal.call(_age, rows["WeChat · Android"].id, timedelta(seconds=idle + 1))  # nobody asks with it again
    assert set(jobs_of(client, "accounts.sweep")) == {"accounts.sweep"}  # planned when the server started
    run_job_now(client, "accounts.sweep")
    wait_for_jobs(client)
    names = {row.name for row in client.portal.call(_sessions)}
    assert "WeChat · Android" not in names and "Chrome · Windows" in names
    (next_run,) = jobs_of(client, "accounts.sweep").values()
    assert next_run > datetime.now(UTC) + timedelta(hours=23)


def test_a_session_idle_too_long_is_over_and_one_in_use_lives_on(client, member):
    phone, computer, _ = devices(client, member)
    rows = {row.name: row for row in client.portal.call(_sessions)}
    idle = client.app.state.site.config.session_max_age
    assert rows["WeChat · Android"].expires_at > datetime.now(UTC) + timedelta(seconds=idle - 60)
    client.portal.call(_age, rows["WeChat · Android"].id, timedelta(seconds=idle + 1))  # untouched since
    client.portal.call(_age, rows["Chrome · Windows"].id, timedelta(minutes=10))  # used ten minutes ago
    assert signed_in_as(phone) is None
    assert not client.portal.call(_exists, rows["WeChat · Android"].id)  # the row is gone with it
    assert signed_in_as(computer) == "mei"
    moved = next(row for row in client.portal.call(_sessions) if row.id == rows["Chrome · Windows"].id)
    assert moved.expires_at > datetime.now(UTC) + timedelta(seconds=idle - 60)  # used again: its deadline moved


def test_only_the_hash_of_a_key_is_kept(client, member):
    phone, _, token = devices(client, member)
    key = token["Authorization"].split()[1]
    hashes = {row.key_hash for row in client.portal.call(_sessions)}
    assert hashlib.sha256(key.encode()).hexdigest() in hashes
    dump = "".join(str(vars(row)) for row in client.portal.call(_sessions))
    assert key not in dump and phone.cookies.get("quanzi_session") not in dump


def test_tokens_still_valid_when_the_site_is_upgraded_keep_working(client, member):
    """The migration to server-side sessions carries each live API token over (one made before a logout
    everywhere stays dead); browsers sign in once more."""
    migration = importlib.import_module("core.migrations.0019_sessions")
    member("mei")
    live, dead = "qz_" + "l" * 43, "qz_" + "d" * 43

    async def before_sessions() -> None:
        await sql.fetch("ALTER TABLE users ADD COLUMN session_epoch INT NOT NULL DEFAULT 0")
        await sql.fetch(
            "CREATE TABLE api_tokens (id INT PRIMARY KEY, user_id INT NOT NULL, token_hash VARCHAR(64) NOT NULL, "
            "name VARCHAR(64) NOT NULL, created_at TIMESTAMPTZ NOT NULL, epoch INT NOT NULL, expires_at TIMESTAMPTZ)"
        )
        await sql.fetch("UPDATE users SET session_epoch = 2")
        for number, (key, epoch) in enumerate([(live, 2), (dead, 1)], start=1):
            digest = hashlib.sha256(key.encode()).hexdigest()
            await sql.fetch(
                "INSERT INTO api_tokens VALUES (?, (SELECT id FROM users WHERE username = 'mei'), ?, 'cron', ?, ?, NULL)",
                number,
                digest,
                datetime(2026, 1, 1, tzinfo=UTC),
                epoch,
            )
        await sql.fetch(migration.LIVE_TOKENS)
        await sql.fetch("DROP TABLE api_tokens")
        await sql.fetch("ALTER TABLE users DROP COLUMN session_epoch")

    client.portal.call(before_sessions)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {live}"}).json()["username"] == "mei"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {dead}"}).status_code == 401


async def _sessions() -> list[Session]:
    return await Session.all().order_by("id")


async def _age(session_id: int, by: timedelta) -> None:
    session = await Session.get(id=session_id)
    await Session.filter(id=session_id).update(
        last_seen_at=session.last_seen_at - by, expires_at=session.expires_at - by
    )


async def _exists(session_id: int) -> bool:
    return await Session.filter(id=session_id).exists()
