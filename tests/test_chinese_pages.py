"""Every page of the core and of every plugin, in Chinese: a club made by every template (``core.testing.walk``),
walked link by link as the site's administrator, its owner, a member and a guest would, in a browser that asks for
Chinese. A page fails on an English word that is not the club's own writing, a name or a known abbreviation, and on
a raw key (``customer_club.vip_out``)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.config import WeChatApp
from core.pluginhost.host import discover
from core.sms.senders import ConsoleSender
from core.testing import Member, make_circle
from core.testing.walk import build_club, created, walk
from core.times import available_timezones

ZH = {"Accept-Language": "zh-CN"}
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
    "toml",
    "wi-fi",
    "iphone",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)+\b")  # customer_club.vip_out, moderation.flag_upheld
# a textarea holds one's writing; code, what one types as it is (a template's field names)
VISIBLE = re.compile(r"<(script|style|textarea|code)\b.*?</\1>|<[^>]+>", re.DOTALL)
# Not words: addresses (the club's, a circle's), file names, OpenGraph's property names, settings' names, hex and tokens
NOT_WORDS = re.compile(r"\S*(?:https?://|/)\S*|\b\w+\.toml\b|\bog:\w+|\b[A-Z][A-Z_]{2,}\b|\S*\d\S*")


def visible_text(page: str) -> str:
    """What a reader sees of a page, and what a screen reader says (alt, aria-label, placeholder, title)."""
    said = re.findall(r'\b(?:alt|aria-label|placeholder|title)="([^"]*)"', page)
    body = page[page.find("<body") :]
    return NOT_WORDS.sub(" ", html.unescape(VISIBLE.sub(" ", body) + " " + " ".join(said)))


@pytest.fixture(scope="module")
def club(module_site: Any) -> dict[str, Any]:
    site: TestClient = module_site(
        plugins=sorted(discover()), base_url="http://club.example", sms=ConsoleSender(), wechat=WeChatApp("wx1", "s")
    )
    made = build_club(site)
    site.headers.update(ZH)
    visitors = {"admin": made.admin, "owner": made.owner, "member": made.member, "guest": None}
    plugins = {part for name in discover() for part in name.split("_")}  # the admin area names them as they are
    places = {part for zone in available_timezones() for part in re.split(r"[/_]", zone)}  # Babel: 乌克兰（Kyiv）时间
    known = {made.admin.username, made.owner.username, made.member.username, *made.slugs, *plugins, *places}
    known.add("book-club")  # the search form's example of a circle's address (addresses are Latin)
    return {"site": site, "made": made, "visitors": visitors, "known": known}


def _texts(club: dict[str, Any], who: str) -> dict[str, str]:
    """The visible text of each page the visitor reaches."""
    visitor: Member | None = club["visitors"][who]
    headers = {**ZH, **(visitor.auth if visitor else {})}
    pages = walk(club["site"], headers, club["made"].starts(visitor))
    return {path: visible_text(page) for path, page in pages.items()}


def _english(text: str, known: set[str]) -> list[str]:
    words = {word.strip("'’-") for word in WORD.findall(text)}
    return sorted(word for word in words if word.lower() not in ALLOWED and word not in known)


@pytest.mark.parametrize("who", ["admin", "owner", "member", "guest"])
def test_every_page_speaks_chinese_to_a_chinese_browser(club, who):
    texts = _texts(club, who)
    least = {"admin": 6, "owner": 150, "member": 80, "guest": 50}[who]
    assert len(texts) > least, sorted(texts)  # the walk reached the plugins' pages
    found = {path: words for path, text in texts.items() if (words := _english(text, club["known"]))}
    keys = {path: RAW_KEY.findall(text) for path, text in texts.items() if RAW_KEY.search(text)}
    assert found == {} and keys == {}, (found, keys)


def test_the_meeting_club_and_showcase_pages_carry_their_own_share_cards(club):
    site, owner = club["site"], club["made"].owner
    made = {kind: page for slug in ("club1", "club") for kind, page in reversed(created(site, owner, slug))}
    guest = {**ZH, "cookie": ""}
    for path in (made["meeting"], made["club"], "/c/club/shop"):
        page = site.get(path, headers=guest).text
        assert '<meta property="og:title"' in page and '<meta property="og:image"' in page, path
        description = re.search(r'<meta name="description" content="([^"]*)"', page)
        assert description is None or "圈子" in description.group(1) or "宁夏" in description.group(1), path
    make_circle(site, owner, "hidden", visibility="private", name="内部")
    assert "og:title" not in site.get("/c/hidden/shop", headers=owner.auth).text  # a private circle tells apps nothing
