"""In a real browser at a phone's size: a club owner starts a poll and votes, builds a public survey and shares
it, and a guest answers it from the link."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from core.testing import PASSWORD, enable_plugin
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名或邮箱").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


@pytest.fixture
def site(tmp_path: Path):
    plugins = tmp_path / "plugins.toml"
    enable_plugin(plugins, "polls")
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins)) as server:
        body = {"username": "店长", "email": "owner@example.com", "password": PASSWORD}
        assert httpx2.post(f"{server.base}/api/v1/auth/register", json=body).status_code == 201
        token = httpx2.post(f"{server.base}/api/v1/auth/token", json={"login": "店长", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        circle = {"slug": "tea", "name": "茶友会", "description": "喝茶聊天"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=headers).status_code == 201
        yield server


def test_an_owner_polls_and_surveys_and_a_guest_answers_on_phones(site, tmp_path):
    with phone_browser(site.base) as new_context:
        owner_context, guest_context = new_context(), new_context()
        owner, guest = owner_context.new_page(), guest_context.new_page()
        for page in (owner, guest):
            page.set_default_timeout(15_000)
        log_in(owner, "店长")

        owner.goto("/c/tea")
        owner.get_by_role("link", name="发起投票").click()
        owner.get_by_label("问题").fill("下次品茶会哪天？")
        owner.get_by_label("选项，每行一个").fill("周六下午\n周日上午\n周日晚上")
        owner.get_by_role("button", name="发起投票").click()
        expect(owner.get_by_role("heading", name="下次品茶会哪天？")).to_be_visible()
        owner.get_by_label("周日上午").check()
        owner.get_by_role("button", name="投票", exact=True).click()
        expect(owner.locator(".poll-result.chosen")).to_contain_text("1 · 100%")
        expect(owner.get_by_role("button", name="修改投票")).to_be_visible()
        fits_the_phone(owner)
        owner.screenshot(path=tmp_path / "poll.png", full_page=True)

        owner.goto("/c/tea/surveys/new")
        owner.get_by_label("标题").fill("品茶会反馈")
        owner.get_by_label("游客也可以填写").check()
        owner.locator("#q0_text").fill("最喜欢哪款茶？")
        owner.locator("#q0_options").fill("龙井\n普洱\n铁观音")
        owner.locator("#q1_text").fill("整体打分")
        owner.locator("#q1_kind").select_option("rating")
        owner.get_by_role("button", name="发布问卷").click()
        expect(owner.get_by_role("heading", name="分享问卷")).to_be_visible()
        expect(owner.locator(".qr img")).to_have_js_property("complete", True)  # no eval: the page's CSP forbids it
        assert owner.locator(".qr img").evaluate("img => img.naturalWidth > 0")  # the QR code is a real image
        survey_url = owner.locator("#share-url").input_value()
        fits_the_phone(owner)
        owner.screenshot(path=tmp_path / "share.png", full_page=True)

        guest.goto(survey_url)
        guest.get_by_label("普洱").check()
        guest.get_by_label("5 很好").check()
        guest.get_by_role("button", name="提交答卷").click()
        expect(guest.get_by_role("status")).to_contain_text("谢谢")
        fits_the_phone(guest)

        owner.goto(survey_url + "/results")
        expect(owner.locator(".poll-result").nth(1)).to_contain_text("1 · 100%")
        expect(owner.get_by_text("平均分: 5")).to_be_visible()
        fits_the_phone(owner)
        owner.screenshot(path=tmp_path / "results.png", full_page=True)
        owner_context.close()
        guest_context.close()
