"""Every page of the core and of every plugin, in Chinese: a club made by every template, walked link by link as its
owner, a member and a guest would, in a browser that asks for Chinese. A page fails on an English word that is not
the club's own writing, a name or a known abbreviation, and on a raw key (``customer_club.vip_out``)."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from starlette.testclient import TestClient

from core.pluginhost.host import discover
from core.testing import Member, make_circle, register

ZH = {"Accept-Language": "zh-CN"}
TEMPLATES = ("customer-club", "meeting-kit", "flyer-campaign", "customer_survey", "welcome")
# Latin words a Chinese page may carry: the product's name, abbreviations Chinese uses as they are, formats
ALLOWED = {
    "quanzi",
    "csv",
    "qr",
    "vip",
    "url",
    "api",
    "png",
    "svg",
    "utm",
    "ics",
    "json",
    "markdown",
    "wechat",
    "http",
    "https",
    "www",
    "example",
    "com",
    "pdf",
    "jpeg",
    "jpg",
    "gif",
    "webp",
    "a4",
    "id",
    "rss",
    "atom",
    "smtp",
    "utc",
    "gmt",
    "am",
    "pm",
    "ok",
    "app",
    "ip",
    "lv",
    "english",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)+\b")  # customer_club.vip_out, moderation.flag_upheld
SKIP = (
    "/static/",
    "/uploads/",
    "/api/",
    "/logout",
    "/share-card.png",
    ".svg",
    ".png",
    ".csv",
    ".ics",
    ".gif",
    "/feed",
    "/qr",
    "/poster",
    "/v.gif",
    "/track",
)
VISIBLE = re.compile(r"<(script|style|textarea)\b.*?</\1>|<[^>]+>", re.DOTALL)  # a textarea holds one's writing
# Not words: addresses (the club's, a circle's), OpenGraph's property names, settings' names, hex and tokens
NOT_WORDS = re.compile(r"\S*(?:https?://|/)\S*|\bog:\w+|\b[A-Z][A-Z_]{2,}\b|\S*\d\S*")
PAGES_MAX, SAME_SHAPE = 300, 2  # pages a visitor opens, and of one shape (/t/N: two threads tell what all do)


def visible_text(page: str) -> str:
    """What a reader sees of a page, and what a screen reader says (alt, aria-label, placeholder, title)."""
    said = re.findall(r'\b(?:alt|aria-label|placeholder|title)="([^"]*)"', page)
    body = page[page.find("<body") :]
    return NOT_WORDS.sub(" ", html.unescape(VISIBLE.sub(" ", body) + " " + " ".join(said)))


@pytest.fixture(scope="module")
def club(module_site: Any) -> dict[str, Any]:
    site: TestClient = module_site(plugins=sorted(discover()), base_url="http://club.example")
    site.headers.update(ZH)
    owner, member = register(site, "会长"), register(site, "会员小李")
    make_circle(site, owner, "club", name="品鉴俱乐部", description="宁夏葡萄酒爱好者")
    for index, name in enumerate(TEMPLATES):
        slug = "club" if name == "customer-club" else f"club{index}"
        if slug != "club":
            make_circle(site, owner, slug, name=f"圈子{index}", description="我们的圈子")
        applied = site.post(f"/api/v1/circles/{slug}/templates/{name}", json={}, headers={**owner.auth, **ZH})
        assert applied.status_code == 201, applied.text
    for slug in ("club", "club1", "club3"):
        site.post(f"/api/v1/circles/{slug}/join", headers=member.auth)
    slugs = {circle["slug"] for circle in site.get("/api/v1/circles?limit=100", headers=owner.auth).json()["items"]}
    return {"site": site, "owner": owner, "member": member, "known": {"会长", "会员小李", *slugs}}


def _walk(site: TestClient, who: Member | None) -> dict[str, str]:
    """The pages a visitor reaches from the home page and their own pages, by following links: their visible text."""
    headers = {**ZH, **(who.auth if who else {})}
    starts = ["/", "/login"]
    if who:  # their own pages, and what a template says it made
        starts = [
            "/",
            "/settings",
            "/notifications",
            "/me/orders",
            "/admin",
            "/review",
            "/c/club/templates?applied=customer-club",
        ]
    queue, seen, texts = deque(starts), set(starts), {}
    shapes: Counter[str] = Counter()
    while queue and len(texts) < PAGES_MAX:
        path = queue.popleft()
        response = site.get(path, headers=headers, follow_redirects=False)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        texts[path] = visible_text(response.text)
        for link in re.findall(r'href="([^"]+)"', response.text):
            target = urldefrag(html.unescape(link))[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/") or any(part in target for part in SKIP):
                continue
            shape = re.sub(r"\d+|[a-z2-9]{12}", "N", target)
            if (
                re.search(r"[?&](page|after|cursor|lang|next)=", target)
                or target in seen
                or shapes[shape] >= SAME_SHAPE
            ):
                continue
            seen.add(target)
            shapes[shape] += 1
            queue.append(target)
    return texts


def _english(text: str, known: set[str]) -> list[str]:
    words = {word.strip("'’-") for word in WORD.findall(text)}
    return sorted(word for word in words if word.lower() not in ALLOWED and word not in known)


@pytest.mark.parametrize("who", ["owner", "member", "guest"])
def test_every_page_speaks_chinese_to_a_chinese_browser(club, who):
    site = club["site"]
    texts = _walk(site, club.get(who))
    assert len(texts) > (20 if who == "guest" else 40), sorted(texts)  # the walk reached the plugins' pages
    found = {path: words for path, text in texts.items() if (words := _english(text, club["known"]))}
    keys = {path: RAW_KEY.findall(text) for path, text in texts.items() if RAW_KEY.search(text)}
    assert found == {} and keys == {}, (found, keys)


def _made(site: TestClient, owner: Member, slug: str, kind: str) -> str:
    found = site.get(f"/api/v1/circles/{slug}/templates", headers=owner.auth).json()
    urls = [
        item["url"]
        for template in found["items"]
        for use in template["applied"]
        for item in use["created"]
        if item["kind"] == kind
    ]
    assert urls, (slug, kind)
    return str(urls[0]).split("#")[0]


def test_the_meeting_club_and_showcase_pages_carry_their_own_share_cards(club):
    site, owner = club["site"], club["owner"]
    guest = {**ZH, "cookie": ""}
    for path in (_made(site, owner, "club1", "meeting"), _made(site, owner, "club", "club"), "/c/club/shop"):
        page = site.get(path, headers=guest).text
        assert '<meta property="og:title"' in page and '<meta property="og:image"' in page, path
        description = re.search(r'<meta name="description" content="([^"]*)"', page)
        assert description is None or "圈子" in description.group(1) or "宁夏" in description.group(1), path
    make_circle(site, owner, "hidden", visibility="private", name="内部")
    assert "og:title" not in site.get("/c/hidden/shop", headers=owner.auth).text  # a private circle tells apps nothing
