"""Signing in with a phone number and with WeChat, in a real browser (Debian's Chromium) at a phone's size, with
the keyboard alone for the phone: a newcomer's number makes their account, they bind WeChat in their settings, log
out, and WeChat brings them back to the same account. The text-message gateway and WeChat are real HTTP servers
started by the test (WeChat's stand-in agrees on its authorisation page as the member would)."""

from __future__ import annotations

import pytest

from core.testing.gateway import TextGateway
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium
from core.testing.wechat import WeChatServer

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402


@pytest.fixture
def wechat():
    server = WeChatServer().start()
    yield server
    server.stop()


def test_a_newcomer_signs_in_by_phone_with_the_keyboard_binds_wechat_and_comes_back_with_it(
    tmp_path, text_gateway: TextGateway, wechat: WeChatServer
):
    env = {
        "QUANZI_SMS_URL": f"{text_gateway.url}/send",
        "QUANZI_WECHAT_APP_ID": "wx-service",
        "QUANZI_WECHAT_APP_SECRET": "service-secret",
        "QUANZI_WECHAT_API": wechat.url,
        "QUANZI_WECHAT_OPEN_URL": wechat.url,
    }
    with live_server(tmp_path / "data", **env) as server, phone_browser(server.base) as new_context:
        page: Page = new_context().new_page()
        page.set_default_timeout(15_000)
        page.goto("/login")
        page.get_by_role("link", name="用手机号和短信验证码登录").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="手机号登录")).to_be_visible()
        page.get_by_label("手机号").focus()
        page.keyboard.type("13800138000")
        page.keyboard.press("Enter")  # the form's one button: text me a code
        expect(page.get_by_role("status")).to_contain_text("+8613800138000")
        fits_the_phone(page)
        page.get_by_label("短信验证码").focus()
        page.keyboard.type(text_gateway.code_for("+8613800138000"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="设置")).to_be_visible()  # a new account: choose a name
        username = page.get_by_role("navigation", name="账号").locator('a[href^="/u/"]').inner_text()
        assert username.startswith("m")

        wechat.member = {"openid": "o-mei", "unionid": "u-mei", "nickname": "小梅🌸"}
        page.get_by_role("link", name="绑定微信").click()
        expect(page.locator(".flash")).to_contain_text("微信已绑定")
        fits_the_phone(page)
        page.screenshot(path=tmp_path / "bound.png", full_page=True)
        page.get_by_role("button", name="退出", exact=True).click()
        page.goto("/login")
        page.get_by_role("link", name="用微信登录").click()
        account = page.get_by_role("navigation", name="账号")
        expect(account.get_by_role("link", name=username)).to_be_visible()  # the same account, not a new one
