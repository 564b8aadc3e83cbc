"""In a real browser at a phone's size: an organiser posts an event, a member registers on a phone and gets a
ticket, the organiser opens the ticket's QR address (as a phone's camera would) and checks the member in with one
tap, and the member's ticket says so."""

from __future__ import annotations

import re
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


def account(base: str, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    assert httpx2.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


@pytest.fixture
def site(tmp_path: Path):
    plugins = tmp_path / "plugins.toml"
    enable_plugin(plugins, "events")
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins)) as server:
        owner = account(server.base, "会长")
        circle = {"slug": "hike", "name": "周末徒步", "description": "每周六走一条山路"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=owner).status_code == 201
        member = account(server.base, "小梅")
        assert httpx2.post(f"{server.base}/api/v1/circles/hike/join", headers=member).status_code == 200
        yield server


def test_a_member_registers_on_a_phone_and_the_organiser_checks_them_in_from_the_ticket(site, tmp_path):
    with phone_browser(site.base) as new_context:
        organiser, member = new_context().new_page(), new_context().new_page()
        for page in (organiser, member):
            page.set_default_timeout(15_000)
        log_in(organiser, "会长")
        organiser.goto("/c/hike")
        organiser.get_by_role("link", name="发起活动").click()
        organiser.get_by_label("标题").fill("周六香山徒步")
        organiser.get_by_label("活动介绍").fill("早上九点东门集合，带水和午饭。")
        organiser.get_by_label("地点（可选）").fill("香山公园东门")
        organiser.get_by_label("名额（留空为不限）").fill("20")
        organiser.get_by_label("单位").check()
        fits_the_phone(organiser)
        organiser.get_by_role("button", name="发布活动").click()
        expect(organiser.get_by_role("heading", name="周六香山徒步")).to_be_visible()
        expect(organiser.locator("#event")).to_contain_text("已报名 0 / 20")
        thread_url = organiser.url

        log_in(member, "小梅")
        member.goto(thread_url)
        member.get_by_label("姓名").fill("王小梅")
        member.get_by_label("手机号").fill("138 1234 5678")
        member.get_by_label("单位").fill("北京葡萄酒协会")
        fits_the_phone(member)
        member.get_by_role("button", name="报名", exact=True).click()
        expect(member.locator("#event")).to_contain_text("你已报名成功。")
        expect(member.locator("#event")).to_contain_text("已报名 1 / 20")
        member.screenshot(path=tmp_path / "event-phone.png", full_page=True)
        member.get_by_role("link", name="我的电子票").click()
        qr = member.locator(".ticket .qr img")
        member.wait_for_load_state("load")  # the page's pictures are in
        assert qr.evaluate("img => img.naturalWidth > 0")  # the QR code is a real picture
        fits_the_phone(member)
        member.screenshot(path=tmp_path / "ticket-phone.png", full_page=True)
        scanned = re.sub(r"/qr\.svg$", "", qr.get_attribute("src") or "")
        assert re.fullmatch(r"/events/\d+/checkin/[A-Z2-9]{8}", scanned), scanned

        organiser.goto(scanned)  # what the phone's camera opens from the QR code
        expect(organiser.get_by_role("heading", name="小梅")).to_be_visible()
        fits_the_phone(organiser)
        organiser.get_by_role("button", name="签到").click()
        expect(organiser.get_by_role("status")).to_contain_text("签到。")
        expect(organiser.locator(".checkin")).to_contain_text("已签到 1 / 1")
        organiser.reload()  # scanned again: counted once, and it says when
        expect(organiser.get_by_role("status")).to_contain_text("签到过")
        organiser.screenshot(path=tmp_path / "checkin-phone.png", full_page=True)

        member.reload()
        expect(member.locator(".ticket")).to_contain_text("签到。")
        member.goto("/events")
        expect(member.locator("table.month")).to_be_visible()
        fits_the_phone(member)
        member.screenshot(path=tmp_path / "month-phone.png", full_page=True)
        organiser.goto(thread_url.split("#")[0])
        expect(organiser.locator("#event")).to_contain_text("签到（已到 1）")
