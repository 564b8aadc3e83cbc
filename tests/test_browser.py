"""End to end, in a real browser (Debian's Chromium driven by Playwright) at a phone's size: a newcomer signs up,
starts a discussion, replies, and finds the reply on the page."""

from __future__ import annotations

import pytest

from core.testing.live import PHONE, live_server, phone_browser, require_chromium

pytestmark = pytest.mark.sqlite_only
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402


@pytest.fixture
def phone(tmp_path):
    with live_server(tmp_path / "site") as server, phone_browser(server.base) as new_context:
        context = new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def sign_up(page: Page, username: str) -> None:
    page.goto("/register")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("邮箱").fill(f"{abs(hash(username))}@example.com")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="创建账号").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def start_circle_and_discussion(page: Page, circle: str, slug: str, title: str, body: str) -> None:
    page.goto("/circles/new")
    page.get_by_label("名称").fill(circle)
    page.get_by_label("地址").fill(slug)
    page.get_by_role("button", name="创建圈子").click()
    expect(page.get_by_role("heading", name=circle)).to_be_visible()
    page.get_by_role("link", name="发起讨论").click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("内容").fill(body)
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_a_newcomer_signs_up_starts_a_discussion_and_replies_on_a_phone(phone: Page):
    sign_up(phone, "小明")
    start_circle_and_discussion(phone, "读书会", "books", "这个月读什么？", "推荐一本**好书**吧")
    expect(phone.locator(".post-body strong")).to_have_text("好书")

    phone.get_by_label("你的回复").fill("我推荐《活着》")
    phone.get_by_role("button", name="回复", exact=True).click()
    expect(phone.locator(".post-body").last).to_have_text("我推荐《活着》")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone


def test_a_guest_sees_a_public_discussion_and_is_asked_to_log_in_to_reply(phone: Page):
    sign_up(phone, "poster")
    start_circle_and_discussion(phone, "Open club", "open", "Hello everyone", "First!")
    url = phone.url
    phone.get_by_role("button", name="退出").click()
    phone.goto(url)
    expect(phone.get_by_role("heading", name="Hello everyone")).to_be_visible()
    phone.get_by_role("link", name="登录后回复").click()
    expect(phone.get_by_role("heading", name="登录")).to_be_visible()


LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 2
TABLE = """| 日期 | 地点 | 集合时间 | 路线 | 领队 | 报名人数 |
| --- | --- | --- | --- | --- | --- |
| 周六 | 香山公园东门 | 早上八点半 | 东门—鬼见愁—西门 | 王老师 | 二十人 |
"""


def test_long_words_and_tables_never_widen_a_phones_page(tmp_path):
    import httpx2

    with live_server(tmp_path / "site") as server, phone_browser(server.base) as new_context:
        with httpx2.Client(base_url=f"{server.base}/api/v1", timeout=30) as api:
            body = {"username": "hiker", "email": "hiker@example.com", "password": "correct horse battery"}
            api.post("/auth/register", json=body)
            token = api.post("/auth/token", json={"login": "hiker", "password": body["password"]}).json()["token"]
            api.headers["authorization"] = f"Bearer {token}"
            api.post("/circles", json={"slug": "hikes", "name": LONG_WORD[:100]})
            title = f"{LONG_WORD} https://example.com/{'a' * 40}"
            post = {"title": title, "body": f"{LONG_WORD}\n\n{TABLE}"}
            thread = api.post("/circles/hikes/threads", json=post).json()
        page = new_context().new_page()
        for path in ("/", "/c/hikes", f"/t/{thread['id']}", "/search?q=Donaudampfschifffahrtsgesellschaft"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"
        table = page.locator(".post-body table")
        page.goto(f"/t/{thread['id']}")
        # the table keeps readable columns and scrolls sideways inside the post
        assert table.evaluate("t => t.scrollWidth > t.clientWidth && getComputedStyle(t).overflowX === 'auto'")
        assert table.locator("td").first.evaluate("td => td.getBoundingClientRect().width") > 40
        page.screenshot(path=tmp_path / "table.png", full_page=True)


def test_the_people_tables_fit_a_phone(tmp_path):
    import subprocess
    import sys

    from core.testing.live import ROOT, server_env

    site = tmp_path / "site"
    created = subprocess.run(
        [
            sys.executable,
            "server.py",
            "createadmin",
            "--username",
            "root",
            "--email",
            "root@example.com",
            "--password-stdin",
        ],
        cwd=ROOT,
        env=server_env(site),
        input="correct horse battery",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    with live_server(site) as server, phone_browser(server.base) as new_context:
        import httpx2

        body = {
            "username": "wang_fang_from_the_valley",
            "email": "wang.fang.from.the.valley@example-club.com",
            "password": "correct horse battery",
        }
        assert httpx2.post(f"{server.base}/api/v1/auth/register", json=body).status_code == 201
        page = new_context().new_page()
        page.goto("/login")
        page.get_by_label("用户名或邮箱").fill("root")
        page.get_by_label("密码").fill("correct horse battery")
        page.get_by_role("button", name="登录").click()
        page.goto("/circles/new")
        page.get_by_label("名称").fill("Club")
        page.get_by_label("地址").fill("club")
        page.get_by_role("button", name="创建圈子").click()
        for path, button in (("/admin/users", "停用"), ("/c/club/members", "修改")):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
            page.screenshot(path=tmp_path / f"{path.strip('/').replace('/', '-')}.png", full_page=True)
            box = page.get_by_role("button", name=button).first.bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], (path, box)
            assert box["height"] < 50, (path, box)  # one line: not squeezed to a character a line


def test_a_member_adds_a_photo_to_a_reply_from_a_phone(phone: Page, tmp_path):
    from PIL import Image

    photo = tmp_path / "hike.jpg"
    Image.new("RGB", (3000, 2000), (40, 140, 60)).save(photo, "JPEG")
    sign_up(phone, "hiker")
    start_circle_and_discussion(phone, "徒步社", "hikers", "周六的徒步", "集合地点见")
    phone.get_by_label("你的回复").fill("山顶的风景")
    phone.get_by_label("添加照片").set_input_files(photo)
    phone.get_by_role("button", name="回复", exact=True).click()
    picture = phone.locator(".post-body img").last
    expect(picture).to_be_visible()
    loaded = picture.evaluate("img => [img.complete, img.naturalWidth, img.currentSrc]")
    assert loaded[0] and loaded[1] > 0 and loaded[2].endswith("-t.jpg")  # the phone loaded the thumbnail
    box = picture.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] > 100  # sized before it loaded
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_phone_opens_the_pages_it_has_seen_offline_and_forgets_them_on_logging_out(tmp_path):
    """The service worker keeps what the member saw: offline, a thread seen opens, a page never seen says the
    phone is offline; the settings offer to notify this device; logging out clears what was kept."""
    with live_server(tmp_path / "site") as server, phone_browser(server.base) as new_context:
        phone = new_context(service_workers="allow").new_page()
        phone.set_default_timeout(15_000)
        _offline_and_back(phone)


def _offline_and_back(phone: Page) -> None:
    sign_up(phone, "小红")
    start_circle_and_discussion(phone, "徒步会", "walks", "周六去香山", "早上八点东门集合")
    thread = phone.url
    assert phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now under the worker, which keeps the page
    phone.wait_for_function("caches.keys().then(names => names.length > 0)")
    phone.wait_for_function("url => caches.open('quanzi-v1').then(cache => cache.match(url)).then(Boolean)", arg=thread)
    phone.goto("/settings")
    expect(phone.get_by_role("button", name="在这台设备上接收通知")).to_be_visible()
    phone.context.set_offline(True)
    phone.goto(thread)
    expect(phone.get_by_role("heading", name="周六去香山")).to_be_visible()
    phone.goto("/c/walks/members")
    expect(phone.get_by_role("heading", name="你已离线")).to_be_visible()
    phone.context.set_offline(False)
    phone.goto(thread)
    phone.get_by_role("button", name="退出").click()
    expect(phone.get_by_role("navigation", name="账号").get_by_role("link", name="登录")).to_be_visible()
    kept = "url => caches.keys().then(names => Promise.all(names.map(name => caches.open(name).then(c => c.match(url)).then(Boolean))))"
    assert not any(phone.evaluate(kept, thread))  # Clear-Site-Data: the member's pages are gone from the phone
