"""In a real browser at a phone's size: a member orders a bottle from the showcase, the manager marks the order
paid from the orders page, and the member's order shows it, with its pickup code."""

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
    enable_plugin(plugins, "shop")
    with live_server(tmp_path / "data", QUANZI_PLUGINS_FILE=str(plugins)) as server:
        owner = account(server.base, "店长")
        circle = {"slug": "wine", "name": "葡萄酒俱乐部", "description": "每月一次品鉴"}
        assert httpx2.post(f"{server.base}/api/v1/circles", json=circle, headers=owner).status_code == 201
        shop = {"payment_instructions": "微信转账给财务小王", "pickup_points": ["俱乐部会所"]}
        assert httpx2.put(f"{server.base}/api/v1/circles/wine/shop", json=shop, headers=owner).status_code == 200
        product = {
            "name": "宁夏赤霞珠 2019",
            "description": "黑色水果，橡木桶陈酿 18 个月。",
            "price": "88.00",
            "stock": 12,
        }
        for added in (product, {**product, "name": "贺兰山霞多丽 2021", "price": "68.00"}):
            assert (
                httpx2.post(f"{server.base}/api/v1/circles/wine/products", json=added, headers=owner).status_code == 201
            )
        member = account(server.base, "小梅")
        assert httpx2.post(f"{server.base}/api/v1/circles/wine/join", headers=member).status_code == 200
        yield server


def test_a_member_orders_from_the_showcase_and_sees_the_pickup_code_once_paid(site, tmp_path):
    with phone_browser(site.base) as new_context:
        member, manager = new_context().new_page(), new_context().new_page()
        for page in (member, manager):
            page.set_default_timeout(15_000)
        log_in(member, "小梅")
        member.goto("/c/wine/shop")
        fits_the_phone(member)
        cards = [member.locator(".product-card").nth(index).bounding_box() for index in range(2)]
        assert cards[0]["y"] == cards[1]["y"] and cards[0]["x"] < cards[1]["x"]  # two a row on a phone
        member.get_by_role("link", name="宁夏赤霞珠 2019").click()
        expect(member.locator(".price.big")).to_have_text("¥88.00")
        member.get_by_label("数量").fill("2")
        fits_the_phone(member)
        member.get_by_role("button", name="下单").click()
        expect(member.locator(".pickup-code")).to_be_visible()
        expect(member.locator(".order")).to_contain_text("待付款")
        expect(member.locator(".payment")).to_contain_text("微信转账给财务小王")
        code = member.locator(".pickup-code").inner_text().replace("-", "")
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", code)
        fits_the_phone(member)
        member.screenshot(path=tmp_path / "order-phone.png", full_page=True)

        log_in(manager, "店长")
        manager.goto("/c/wine/orders")
        expect(manager.locator(".data")).to_contain_text("¥176.00")
        fits_the_phone(manager)
        manager.get_by_role("link", name=re.compile("宁夏赤霞珠 2019")).click()
        manager.get_by_role("button", name="已收款").click()
        expect(manager.locator(".order")).to_contain_text("已付款")

        member.goto("/me/orders")
        expect(member.locator(".list")).to_contain_text("已付款")
        expect(member.locator(".list")).to_contain_text(code)
        member.get_by_role("link", name=re.compile("宁夏赤霞珠")).click()
        expect(member.locator(".pickup-code")).to_have_text(f"{code[:4]}-{code[4:]}")
        fits_the_phone(member)
