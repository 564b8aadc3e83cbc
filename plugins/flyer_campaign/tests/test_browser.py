"""In a real browser at a phone's size: the owner builds the campaign's page from blocks on a phone, a guest opens
it from the QR code's address, signs up and lands in the (approval) circle, and the funnel counts the view, the
sign-up and the new member. A card features the circle's event, its date and place filled in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from core.testing import PASSWORD, enable_plugin
from core.testing.gateway import TextGateway
from core.testing.live import fits_the_phone, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def site(tmp_path: Path):
    with club(tmp_path) as made:
        yield made


@contextmanager
def club(tmp_path: Path, **env: str) -> Iterator[tuple[Any, str, dict[str, str]]]:
    """A live server with a wine club, its event and a campaign made by the template: (server, the campaign's
    address, the owner's token header)."""
    plugins = tmp_path / "plugins.toml"
    enable_plugin(plugins, "flyer_campaign", guest_min_seconds=0)
    enable_plugin(plugins, "events")
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins), **env) as server:
        body = {"username": "会长", "email": "owner@example.com", "password": PASSWORD}
        assert httpx2.post(f"{server.base}/api/v1/auth/register", json=body).status_code == 201
        token = httpx2.post(f"{server.base}/api/v1/auth/token", json={"login": "会长", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        circle = {"slug": "wine", "name": "葡萄酒俱乐部", "description": "品鉴与交流", "join_policy": "approval"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=headers).status_code == 201
        starts = datetime(2030, 4, 12, 11, 0, tzinfo=UTC)
        event = {
            "title": "春季品鉴会 · 现场",
            "body": "在会所",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "location": "会所酒窖",
        }
        assert httpx2.post(f"{server.base}/api/v1/circles/wine/events", json=event, headers=headers).status_code == 201
        applied = httpx2.post(
            f"{server.base}/api/v1/circles/wine/templates/flyer-campaign", json={"title": "春季品鉴会"}, headers=headers
        )
        assert applied.status_code == 201, applied.text
        yield server, applied.json()["created"][0]["url"], headers


def test_the_owner_builds_the_page_on_a_phone_and_a_guest_signs_up_into_the_club(site, tmp_path):
    server, path, headers = site
    with phone_browser(server.base) as new_context:
        owner, guest = new_context().new_page(), new_context().new_page()
        for page in (owner, guest):
            page.set_default_timeout(15_000)
        owner.goto("/login")
        owner.get_by_label("用户名或邮箱").fill("会长")
        owner.get_by_label("密码").fill(PASSWORD)
        owner.get_by_role("button", name="登录").click()
        owner.goto(f"{path}/edit")
        owner.get_by_label("类型").select_option("countdown")
        owner.get_by_label("日期（倒计时）").fill("2027-04-12T14:00")
        owner.get_by_role("button", name="添加", exact=True).click()
        expect(owner.locator(".flyer-blocks li")).to_have_count(5)
        owner.get_by_label("类型").select_option("card")
        event = owner.locator("#f-item option", has_text="春季品鉴会 · 现场").get_attribute("value")
        owner.get_by_label("展示内容（卡片：活动、商品、团购或问卷）").select_option(event)
        owner.get_by_role("button", name="添加", exact=True).click()
        expect(owner.locator(".flyer-blocks li")).to_have_count(6)
        fits_the_phone(owner)
        owner.locator(".flyer-blocks li").last.get_by_role("button", name="上移").click()
        owner.screenshot(path=tmp_path / "editor-phone.png", full_page=True)
        owner.get_by_role("button", name="发布").click()  # a draft until now: the guest would have found nothing
        expect(owner.locator("#state")).to_contain_text("已发布")

        guest.goto(f"{path}?utm_source=poster")
        expect(guest.get_by_role("heading", name="春季品鉴会")).to_be_visible()
        expect(guest.locator(".flyer-countdown")).to_contain_text("天")
        expect(guest.locator(".flyer-card")).to_contain_text("会所酒窖")  # the event, its date and place filled in
        expect(guest.locator(".flyer-card")).to_contain_text("2030/4/12 19:00")
        fits_the_phone(guest)
        guest.screenshot(path=tmp_path / "campaign-phone.png", full_page=True)
        guest.get_by_role("link", name="注册并加入").click()
        guest.get_by_label("用户名", exact=True).fill("小李")
        guest.get_by_label("邮箱", exact=True).fill("li@example.com")
        guest.get_by_label("密码", exact=True).fill("a long enough secret")
        guest.get_by_role("checkbox").check()
        guest.get_by_role("button", name="注册并加入").click()
        expect(guest.get_by_role("heading", name="葡萄酒俱乐部")).to_be_visible()  # in the circle, a member
        expect(guest.locator(".site-header").get_by_role("link", name="小李")).to_be_visible()  # signed in

    funnel = httpx2.get(f"{server.base}/api/v1/flyers/{path.rsplit('/', 1)[1]}/funnel", headers=headers).json()
    assert (funnel["views"], funnel["signups"], funnel["joined"]) == (1, 1, 1)
    assert funnel["sources"] == [{"utm_source": "poster", "signups": 1, "active": 0}]


def test_a_guest_scans_the_flyer_and_signs_up_with_a_phone_number_in_under_a_minute(tmp_path, text_gateway):
    """The Done-when of the phone sign-in: from the QR code's address to the circle with a number and the code the
    gateway received; no username, no password, no e-mail."""
    with club(tmp_path, QUANZI_SMS_URL=f"{text_gateway.url}/send") as (server, path, headers):
        httpx2.post(f"{server.base}/api/v1/flyers/{path.rsplit('/', 1)[1]}/publish", headers=headers)
        with phone_browser(server.base) as new_context:
            guest = new_context().new_page()
            guest.set_default_timeout(15_000)
            started = time.monotonic()
            guest.goto(f"{path}?utm_source=poster")
            guest.get_by_role("link", name="注册并加入").click()
            guest.get_by_label("手机号", exact=True).fill("13800138000")
            assert (
                guest.get_by_label("手机号", exact=True).bounding_box()["width"] > 250
            )  # styled as every field, thumb-sized
            guest.get_by_role("button", name="获取验证码").click()
            expect(guest.get_by_role("status")).to_contain_text("+8613800138000")
            guest.get_by_label("短信验证码").fill(wait_for_code(text_gateway))
            guest.get_by_role("checkbox").check()
            fits_the_phone(guest)
            guest.screenshot(path=tmp_path / "phone-signup.png", full_page=True)
            guest.get_by_role("button", name="注册并加入").click()
            expect(guest.get_by_role("heading", name="葡萄酒俱乐部")).to_be_visible()  # in the circle, a member
            assert time.monotonic() - started < 60
        funnel = httpx2.get(f"{server.base}/api/v1/flyers/{path.rsplit('/', 1)[1]}/funnel", headers=headers).json()
        assert (funnel["signups"], funnel["joined"]) == (1, 1)


def wait_for_code(gateway: TextGateway) -> str:
    """The code the gateway received (the live server's job runner sends it)."""
    return gateway.code_for("+8613800138000")
