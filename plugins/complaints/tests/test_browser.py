"""In a real browser at a phone's size: a guest files a complaint from a phone, follows the tracking link, the
desk's staff answer (with an internal note beside), and the guest sees the answer — and not the note."""

from __future__ import annotations

import re
from pathlib import Path

import httpx2
import pytest

from core.testing import PASSWORD, enable_plugin
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import expect  # noqa: E402

NOTE = "表哥的酒窖里灌的"  # the staff's internal note


@pytest.fixture
def site(tmp_path: Path):
    plugins = tmp_path / "plugins.toml"
    enable_plugin(plugins, "complaints", guest_min_seconds=0)
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins)) as server:
        body = {"username": "秘书长", "email": "sec@example.com", "password": PASSWORD}
        assert httpx2.post(f"{server.base}/api/v1/auth/register", json=body).status_code == 201
        token = httpx2.post(f"{server.base}/api/v1/auth/token", json={"login": "秘书长", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        circle = {"slug": "wine", "name": "葡萄酒协会", "description": "品鉴与维权"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=headers).status_code == 201
        yield server.base, headers


def test_a_guest_files_from_a_phone_and_reads_the_desks_answer(site, tmp_path):
    base, staff = site
    with phone_browser(base) as new_context:
        guest = new_context().new_page()
        guest.set_default_timeout(15_000)
        guest.goto("/c/wine")
        guest.get_by_role("link", name="我要投诉").click()
        guest.get_by_label("标题").fill("春季酒展买到假拉菲")
        guest.get_by_label("投诉内容").fill("4 月 12 日在 12 号摊位买的 2015 年拉菲，软木塞是塑料的。")
        guest.get_by_label("你的姓名").fill("王先生")
        guest.get_by_label("你的邮箱").fill("wang@example.com")
        fits_the_phone(guest)
        guest.get_by_role("button", name="提交投诉").click()
        expect(guest.get_by_role("heading", name="投诉已收到")).to_be_visible()
        number = guest.locator(".case-number").inner_text().replace("-", "")
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", number)
        fits_the_phone(guest)
        guest.get_by_role("link", name="查看投诉进度").click()
        expect(guest.locator(".case-status")).to_contain_text("待受理")
        tracking = guest.url

        api = f"{base}/api/v1/complaints/{number}"  # the desk's secretary answers (with a note for the staff)
        assert httpx2.patch(api, json={"status": "accepted"}, headers=staff).status_code == 200
        for reply in ({"body": NOTE, "internal": True}, {"body": "请把酒瓶寄到协会，我们送检。"}):
            assert httpx2.post(f"{api}/replies", json=reply, headers=staff).status_code == 201

        guest.goto(tracking)
        expect(guest.locator(".case-status")).to_contain_text("已受理")
        expect(guest.locator("#timeline")).to_contain_text("请把酒瓶寄到协会，我们送检。")
        assert NOTE not in guest.content()
        guest.get_by_label("补充说明").fill("好的，明天寄出。")
        guest.get_by_role("button", name="发送").click()
        expect(guest.locator("#timeline")).to_contain_text("好的，明天寄出。")
        fits_the_phone(guest)
        guest.screenshot(path=tmp_path / "tracking-phone.png", full_page=True)
