"""In a real browser at a phone's size: a member of a customer club sees their level and their points ledger, and
votes for an idea on the ideas board; the owner's page of segments and rules fits the phone too."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from core.testing import PASSWORD, enable_plugin
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import expect  # noqa: E402


def member(base: str, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    assert httpx2.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def site(tmp_path: Path):
    plugins = tmp_path / "plugins.toml"
    for name in ("polls", "events", "shop", "complaints", "customer_club"):
        enable_plugin(plugins, name)
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins)) as server:
        owner = member(server.base, "brandowner")
        circle = {"slug": "brand", "name": "咖啡俱乐部", "description": "品牌会员俱乐部"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=owner).status_code == 201
        applied = httpx2.post(f"{server.base}/api/v1/circles/brand/templates/customer-club", json={}, headers=owner)
        assert applied.status_code == 201, applied.text
        club = applied.json()["created"][0]["url"]
        fan = member(server.base, "xiaoli")
        for slug in ("brand", "brand-ideas"):
            assert httpx2.post(f"{server.base}/api/v1/circles/{slug}/join", headers=fan).status_code == 200
        thread = {"title": "大家好", "body": "新会员报到"}
        assert httpx2.post(f"{server.base}/api/v1/circles/brand/threads", json=thread, headers=fan).status_code == 201
        idea = {"title": "出小瓶装", "body": "方便带出门"}
        assert (
            httpx2.post(
                f"{server.base}{club}/ideas".replace("/clubs", "/api/v1/clubs"), json=idea, headers=owner
            ).status_code
            == 201
        )
        yield server, club


def test_a_member_sees_their_level_and_ledger_and_votes_an_idea_on_a_phone(site, tmp_path):
    server, club = site
    with phone_browser(server.base) as new_context:
        page = new_context().new_page()
        page.set_default_timeout(15_000)
        page.goto("/login")
        page.get_by_label("用户名或邮箱").fill("xiaoli")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(club)
        expect(page.locator(".club-me")).to_contain_text("新会员")
        expect(page.locator(".club-me")).to_contain_text("15 积分")
        expect(page.locator(".club-ledger")).to_contain_text("在俱乐部的第一次发言")
        expect(page.locator(".club-ledger")).to_contain_text("发布新主题")
        fits_the_phone(page)
        page.screenshot(path=tmp_path / "club-phone.png", full_page=True)
        page.get_by_role("link", name="想法墙").first.click()
        page.get_by_role("link", name="出小瓶装").click()
        page.get_by_role("button", name="为这个想法投票").click()
        expect(page.locator(".club-votes")).to_contain_text("1 票")
        expect(page.get_by_role("button", name="已投票 · 撤回")).to_be_visible()
        fits_the_phone(page)
        page.screenshot(path=tmp_path / "idea-phone.png", full_page=True)
