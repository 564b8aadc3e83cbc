"""In a real browser at a phone's size: a member flags a post from the thread, and a moderator deletes it from the
review queue, all on a phone."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from core.testing import PASSWORD
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import expect  # noqa: E402


def member(base: str, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    assert httpx2.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名或邮箱").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_member_flags_a_post_and_a_moderator_deletes_it_from_the_queue_on_a_phone(tmp_path: Path):
    with live_server(tmp_path / "site") as server, phone_browser(server.base) as new_context:
        base = server.base
        owner, reader, spammer = member(base, "quanzhu"), member(base, "xiaoli"), member(base, "spammer")
        httpx2.post(f"{base}/api/v1/circles", json={"slug": "ride", "name": "骑行俱乐部"}, headers=owner)
        for headers in (reader, spammer):
            httpx2.post(f"{base}/api/v1/circles/ride/join", headers=headers)
        thread = httpx2.post(
            f"{base}/api/v1/circles/ride/threads", json={"title": "周末骑行", "body": "谁来？"}, headers=owner
        ).json()
        httpx2.post(f"{base}/api/v1/threads/{thread['id']}/posts", json={"body": "低价名表，加微信"}, headers=spammer)

        page = new_context().new_page()
        page.set_default_timeout(15_000)
        sign_in(page, "xiaoli")
        page.goto(f"/t/{thread['id']}")
        page.locator(".post", has_text="低价名表").get_by_role("link", name="举报").click()
        page.get_by_label("垃圾广告：广告、推销").check()
        fits_the_phone(page)
        page.get_by_role("button", name="举报").click()
        expect(page.get_by_role("heading", name="谢谢")).to_be_visible()

        moderator = new_context().new_page()
        moderator.set_default_timeout(15_000)
        sign_in(moderator, "quanzhu")
        moderator.goto("/c/ride")
        moderator.get_by_role("link", name="审核队列").click()
        expect(moderator.locator(".review")).to_contain_text("低价名表")
        expect(moderator.locator(".review")).to_contain_text("xiaoli")
        fits_the_phone(moderator)
        moderator.screenshot(path=tmp_path / "queue-phone.png", full_page=True)
        moderator.locator(".review").get_by_role("button", name="删除").click()
        expect(moderator.get_by_text("没有等待处理的内容。")).to_be_visible()
        page.goto(f"/t/{thread['id']}")
        expect(page.locator(".post", has_text="低价名表")).to_have_count(0)
