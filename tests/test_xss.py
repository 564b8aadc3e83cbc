"""Whatever a member writes comes out inert: scripts, handlers, javascript: links, SVG, iframes, CSS urls."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import make_circle, make_thread

CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="background-image: url(https://evil.example/track.png)">x</p>',
    "<style>body{background:url(https://evil.example)}</style>",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '"><script>alert(1)</script>',
    "<<script>script>alert(1)<</script>/script>",
    "```html\n<script>alert(1)</script>\n```",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "<base href='https://evil.example/'>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<details open ontoggle=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
]
SAFE_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}


class Elements(HTMLParser):
    """The real elements and attributes of a piece of HTML, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            if name in ("href", "src"):
                assert urlsplit(value or "").scheme in ("", "http", "https", "mailto"), html
            if name == "style":
                assert re.fullmatch(r"text-align:\s*(left|right|center)", value or ""), html


@pytest.mark.parametrize("payload", CORPUS)
def test_a_payload_in_a_post_comes_out_inert(client, member, payload):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body=payload)
    assert_inert(thread["first_post"]["html"])
    assert thread["first_post"]["body"] == payload  # the source is kept as written, for editing


def test_a_payload_in_titles_and_names_is_stored_as_text(client, member):
    alice = member("alice")
    client.patch("/api/v1/me", json={"display_name": "<script>alert(1)</script>"}, headers=alice.auth)
    make_circle(client, alice, "club", name="<img src=x onerror=alert(1)>")
    thread = make_thread(client, alice, "club", title="<svg onload=alert(1)>")
    assert thread["title"] == "<svg onload=alert(1)>"
    assert thread["author"]["display_name"] == "<script>alert(1)</script>"
    # JSON is not HTML: the API answers with application/json and nosniff, and pages escape it when they render it.
    response = client.get(f"/api/v1/threads/{thread['id']}")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_deeply_nested_input_at_the_length_limit_comes_out_inert(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body="<div>" * 5000 + "> " * 3000)
    assert_inert(thread["first_post"]["html"])
