"""axe-core, the accessibility checker (the npm package's own script, pinned in package.json and loaded into each
page by the test, not from a CDN), over every page of the core and of every plugin: the pages of the club that every
scenario template makes (``core.testing.walk``), one of each shape (a thread's page: one of each kind), as the site's
administrator, a circle's owner, a member and a guest see them, with the "not found" and refusal pages, on a phone,
in the light colour scheme in Chinese and in the dark one in English. A serious or critical violation fails, with the
page, the rule and the first element it names."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import WeChatApp
from core.pluginhost.host import discover
from core.sms.senders import ConsoleSender
from core.testing import PASSWORD, running_site
from core.testing.live import ROOT, live_server, phone_browser, require_chromium
from core.testing.walk import build_club, walk

pytestmark = pytest.mark.sqlite_only
require_chromium()

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if os.environ.get("QUANZI_REQUIRE_BROWSER"):
        raise RuntimeError("axe-core is missing: `make test` installs it with `npm ci`")
    pytest.skip("axe-core is not installed (`npm ci` installs it)", allow_module_level=True)

ZH = {"Accept-Language": "zh-CN"}
ERROR_PAGES = ["/no-such-page", "/verify?token=expired"]  # "not found", and a form's refusal
SERIOUS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => v.impact === "serious" || v.impact === "critical")
  .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.nodes[0].target.join(" ")}: ${v.nodes[0].failureSummary}`)"""


def shape(path: str, kinds: dict[str, str]) -> str:
    """What a page is, whichever circle, thread or order it shows: /c/club3/events and /c/club4/events are one,
    and a thread's page is one of each kind (a poll's, an event's, a group buy's...)."""
    if path in kinds:
        return f"/t/{kinds[path]}"
    return re.sub(r"\d+|[A-Za-z0-9_-]{12,}", "N", re.sub(r"^/c/[^/?]+", "/c/S", path))


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The club, built and walked in-process; then served by a real server to a browser. ``visits``: each visitor's
    username (None: a guest) and the pages they see, one of each shape."""
    data_dir: Path = tmp_path_factory.mktemp("club")
    visits: dict[str | None, list[str]] = {}
    every_way = {"sms": ConsoleSender(), "wechat": WeChatApp("wx1", "s")}  # phone and WeChat offered: their pages too
    with running_site(data_dir, plugins=sorted(discover()), base_url="http://club.example", **every_way) as site:
        made = build_club(site)
        for who in (made.admin, made.owner, made.member, None):
            headers = {**ZH, **(who.auth if who else {})}
            pages = sorted(walk(site, headers, made.starts(who)))
            kinds = {
                path: site.get(f"/api/v1/threads/{path[3:]}", headers=headers).json()["kind"]
                for path in pages
                if re.fullmatch(r"/t/\d+", path)
            }
            shapes = {shape(path, kinds): path for path in pages}
            visits[who.username if who else None] = [*shapes.values(), *ERROR_PAGES]
    ways = {"QUANZI_SMS_URL": "console://", "QUANZI_WECHAT_APP_ID": "wx1", "QUANZI_WECHAT_APP_SECRET": "s"}
    with live_server(data_dir, **ways) as server, phone_browser(server.base) as new_context:
        yield {"new_context": new_context, "visits": visits}


# each colour scheme and each language once: contrast is the scheme's, a page's words the language's (walking every
# pair of them took four minutes and found nothing the two walks do not)
@pytest.mark.parametrize(("scheme", "locale"), [("light", "zh-CN"), ("dark", "en-US")])
def test_no_page_of_the_core_or_a_plugin_has_a_serious_accessibility_violation(club, scheme, locale):
    script, found, checked, elsewhere = AXE.read_text(), {}, 0, []  # the script: read, never fetched by the page
    for who, paths in club["visits"].items():
        context = club["new_context"](color_scheme=scheme, locale=locale)
        context.add_init_script(script=script)  # in every page before its own; not subject to its CSP
        page = context.new_page()
        if who:
            page.goto("/login")
            page.locator("#f-login").fill(who)
            page.locator("#f-password").fill(PASSWORD)
            page.locator("#f-password").press("Enter")
            page.wait_for_url(lambda url: "/login" not in url)
        for path in paths:
            assert page.goto(path).ok or path in ERROR_PAGES, path  # type: ignore[union-attr]
            if page.evaluate("document.documentElement.lang")[:2] != locale[:2]:
                elsewhere.append(path)
            if violations := page.evaluate(SERIOUS):
                found[f"{who or 'guest'} {path}"] = violations
            checked += 1
        context.close()
    assert found == {}, "\n".join(
        f"{page}: {violation}" for page, violations in found.items() for violation in violations
    )
    assert checked > 120, club["visits"]  # the walk reached the plugins' pages, for each visitor
    assert all(path.startswith("/f/") for path in elsewhere), elsewhere  # a campaign's page speaks the campaign's


def test_the_check_finds_what_it_looks_for(club):
    """The check itself: a picture with no text alternative, put on the home page, is the critical violation."""
    context = club["new_context"]()
    context.add_init_script(script=AXE.read_text())
    page = context.new_page()
    page.goto("/")
    assert page.evaluate(SERIOUS) == []
    page.evaluate("""document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/x.png">')""")
    assert [finding.split(" ", 2)[:2] for finding in page.evaluate(SERIOUS)] == [["image-alt", "(critical,"]]
    context.close()
