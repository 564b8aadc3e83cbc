"""Accessibility in a real browser (Debian's Chromium), on one server and one world for the module: the reply box
and a circle's menu two Tab presses away, a refused form that puts its errors first and says so in its title, the
dark colour scheme's danger buttons and tinted titles readable, one name per search landmark, nothing of the
decorative avatar link for a screen reader, and no page wider than a 320 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from core.testing import PASSWORD
from core.testing.live import live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402

CONTRAST = """(selector) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (colour) => colour.map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const element = document.querySelector(selector);
  let back = element;
  while (back && getComputedStyle(back).backgroundColor.startsWith("rgba(0, 0, 0, 0")) back = back.parentElement;
  let opacity = 1;  // the text as seen: blended with what is behind it by its own and its ancestors' opacity
  for (let e = element; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
  const behind = rgb(getComputedStyle(back).backgroundColor);
  const seen = rgb(getComputedStyle(element).color).map((c, i) => c * opacity + behind[i] * (1 - opacity));
  const [a, b] = [luminance(seen), luminance(behind)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def member(base: str, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    assert httpx2.post(f"{base}/api/v1/auth/register", json=body).status_code == 201
    token = httpx2.post(f"{base}/api/v1/auth/token", json={"login": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A circle with a purple tint, a thread with a reply that a member flagged (so the owner's review queue has
    its danger buttons), and a browser."""
    with live_server(tmp_path_factory.mktemp("site")) as server, phone_browser(server.base) as new_context:
        base = server.base
        owner, reader = member(base, "quanzhu"), member(base, "xiaoli")
        circle = {"slug": "ride", "name": "骑行俱乐部", "tint": "purple"}
        assert httpx2.post(f"{base}/api/v1/circles", json=circle, headers=owner).status_code == 201
        httpx2.post(f"{base}/api/v1/circles/ride/join", headers=reader)
        thread = httpx2.post(
            f"{base}/api/v1/circles/ride/threads", json={"title": "周末骑行", "body": "谁来？"}, headers=owner
        ).json()
        spam = httpx2.post(f"{base}/api/v1/threads/{thread['id']}/posts", json={"body": "我来"}, headers=owner).json()
        httpx2.post(f"{base}/api/v1/posts/{spam['id']}/flags", json={"reason": "spam"}, headers=reader)
        soon = datetime.now(UTC) + timedelta(days=3)
        event = {
            "title": "夜骑",
            "body": "周五晚上出发",
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=2)).isoformat(),
        }
        made = httpx2.post(f"{base}/api/v1/circles/ride/events", json=event, headers=owner)
        assert made.status_code == 201, made.text
        product = {"name": "骑行水壶", "price": "39", "stock": 10}
        offered = httpx2.post(f"{base}/api/v1/circles/ride/products", json=product, headers=owner)
        assert offered.status_code == 201, offered.text
        yield {"new_context": new_context, "thread": thread, "event": made.json(), "product": offered.json()}


def signed_in(world: dict[str, Any], **options: Any) -> Page:
    page: Page = world["new_context"](**options).new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.locator("#f-login").fill("quanzhu")
    page.locator("#f-password").fill(PASSWORD)
    page.locator("#f-password").press("Enter")
    expect(page.get_by_role("link", name="quanzhu")).to_be_visible()
    return page


def focused(page: Page, what: str) -> str:
    return str(page.evaluate(f"document.activeElement.{what}"))


def test_the_reply_box_and_the_circles_menu_are_two_tab_presses_away(world):
    page = signed_in(world)
    page.goto(f"/t/{world['thread']['id']}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page, "textContent") == "跳到回复框"
    page.keyboard.press("Enter")
    assert focused(page, "id") == "f-body"
    page.keyboard.type("我也来")
    page.keyboard.press("Tab")  # the photo field, then the button
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".post-body").last).to_have_text("我也来")

    page.goto("/c/ride")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page, "textContent") == "跳到圈子菜单"
    page.keyboard.press("Enter")
    assert focused(page, "id") == "about-circle"
    page.context.close()


def tab_to(page: Page, selector: str, limit: int = 60) -> int:
    """Press Tab until the element ``selector`` names has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return presses
    raise AssertionError(f"{selector} is not reached in {limit} presses of Tab")


def test_a_newcomer_signs_up_registers_and_orders_with_the_keyboard_alone(world):
    page: Page = world["new_context"]().new_page()
    page.set_default_timeout(15_000)
    page.goto("/register")
    tab_to(page, "#f-username")
    page.keyboard.type("jianpan")
    page.keyboard.press("Tab")
    page.keyboard.type("jianpan@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="jianpan")).to_be_visible()

    page.goto(f"/t/{world['event']['thread_id']}")
    assert tab_to(page, "form[action$='/register'] button") <= 30
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="我的电子票")).to_be_visible()

    page.goto(f"/products/{world['product']['id']}")
    tab_to(page, "#f-quantity")
    page.keyboard.type("2")
    assert tab_to(page, "form[action$='/order'] button") <= 5
    page.keyboard.press("Enter")
    expect(page.get_by_text("骑行水壶")).to_be_visible()
    assert "/orders/" in page.url
    page.context.close()


def test_a_refused_form_puts_its_errors_first_and_says_so_in_its_title(world):
    page: Page = world["new_context"]().new_page()
    page.goto("/register")
    page.get_by_label("用户名").fill("quanzhu")  # taken: the server refuses it
    page.get_by_label("邮箱").fill("xiaowang@example.com")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    assert focused(page, "id") == "error-summary"  # a keyboard and a screen reader start at what was refused
    assert page.title().startswith("未保存")
    page.locator("#error-summary a[href='#f-username']").click()
    assert focused(page, "id") == "f-username"
    page.context.close()


def test_the_dark_scheme_keeps_danger_buttons_and_tinted_titles_readable(world):
    page = signed_in(world, color_scheme="dark")
    page.goto("/c/ride/review")
    assert page.evaluate(CONTRAST, "button.danger") >= 4.5
    page.goto("/c/ride")
    assert page.evaluate(CONTRAST, ".circle-card h1") >= 4.5  # purple was 1.78:1
    page.goto("/c/ride/events")  # the calendar's days of other months (axe-core found them at half opacity)
    assert page.evaluate(CONTRAST, "table.month td.other span") >= 4.5
    page.context.close()


def test_each_search_landmark_has_its_own_name_and_the_avatar_link_is_hidden(world):
    page = signed_in(world)
    page.goto("/search?q=骑行")
    expect(page.get_by_role("search")).to_have_count(2)
    expect(page.get_by_role("search", name="搜索全站")).to_have_count(1)
    expect(page.get_by_role("search", name="搜索", exact=True)).to_have_count(1)
    page.goto(f"/t/{world['thread']['id']}")
    assert page.locator(".post > a[tabindex='-1']").first.get_attribute("aria-hidden") == "true"
    page.context.close()


def test_no_page_with_a_photo_field_is_wider_than_a_320_px_phone(world):
    """English names the file button more widely than Chinese: the photo field made pages scroll sideways by 2 px."""
    page = signed_in(world, viewport={"width": 320, "height": 640}, is_mobile=False, has_touch=False, locale="en-US")
    for path in (f"/t/{world['thread']['id']}", "/settings", "/c/ride/settings", "/c/ride/new",
                 "/c/ride/complaints/new", "/c/ride/products/new", "/c/ride/events/new"):  # fmt: skip
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path  # was 322 in English
    page.context.close()
