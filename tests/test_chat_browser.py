"""A circle's chat in real browsers (Debian's Chromium) at a phone's size: two members on two phones see each
other's lines appear within a second without reloading, and a third with JavaScript off still talks, by the form
and a reload."""

from __future__ import annotations

import httpx2
import pytest

from core.testing import PASSWORD
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402


def _member(base: str, name: str) -> dict[str, str]:
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    assert httpx2.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": name, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _logged_in(new_context, name: str, **options) -> Page:
    page: Page = new_context(**options).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.locator("input[name=login]").fill(name)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.get_by_role("navigation", name="账号").get_by_role("link", name=name)).to_be_visible()
    page.goto("/c/club/chat")
    return page


def _say(page: Page, text: str) -> None:
    page.get_by_label("内容").fill(text)
    page.get_by_role("button", name="发送").click()


def test_two_phones_talk_live_and_a_third_without_javascript_talks_by_reloading(tmp_path):
    with live_server(tmp_path / "data") as server, phone_browser(server.base) as new_context:
        owner = _member(server.base, "mei")
        created = httpx2.post(f"{server.base}/api/v1/circles", json={"slug": "club", "name": "周末徒步"}, headers=owner)
        assert created.status_code == 201
        for name in ("lei", "fang"):
            assert (
                httpx2.post(f"{server.base}/api/v1/circles/club/join", headers=_member(server.base, name)).status_code
                == 200
            )
        mei, lei = _logged_in(new_context, "mei"), _logged_in(new_context, "lei")
        lines_of_mei, lines_of_lei = mei.locator("#chat-lines"), lei.locator("#chat-lines")

        _say(mei, "周六早上八点，地铁站见？")
        expect(lines_of_lei).to_contain_text("周六早上八点，地铁站见？", timeout=1_000)  # no reload
        expect(mei.get_by_label("内容")).to_have_value("")  # sent without leaving the page
        _say(lei, "好的，我带水 💧")
        expect(lines_of_mei).to_contain_text("好的，我带水 💧", timeout=1_000)
        fits_the_phone(mei)
        mei.screenshot(path=tmp_path / "chat.png", full_page=True)

        fang = _logged_in(new_context, "fang", java_script_enabled=False)
        _say(fang, "我也去！")  # the form posts, the page comes back with the line
        expect(fang.locator("#chat-lines")).to_contain_text("我也去！")
        expect(lines_of_mei).to_contain_text("我也去！", timeout=1_000)  # live for those with JavaScript
        _say(mei, "太好了")
        expect(lines_of_mei).to_contain_text("太好了", timeout=1_000)  # sent: the click alone does not wait for it
        fang.reload()
        expect(fang.locator("#chat-lines")).to_contain_text("太好了")
        fits_the_phone(fang)
