"""Markdown to safe HTML, done once when a post is written.

CommonMark with tables, strikethrough, autolinks and fenced code; raw HTML is off (it is shown as text), and the
result is sanitised by nh3 all the same. ``@name`` becomes a link to the member's profile when that member exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from core.accounts.names import username_key

MENTION = re.compile(r"@([^\W_](?:[\w-]{0,30}[^\W_])?)")
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol",
    "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


def mentioned_names(text: str) -> set[str]:
    """The ``@names`` in ``text``, as lookup keys (NFKC, case-folded)."""
    return {username_key(match) for match in MENTION.findall(text)}


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_-"):
        return False  # an e-mail address, not a mention
    match = MENTION.match(state.src, state.pos)
    if match is None:
        return False
    username = state.env.get("mentions", {}).get(username_key(match.group(1)))
    if username is None:
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": f"/u/{username}", "class": "mention"}
        text = state.push("text", "", 0)
        text.content = "@" + username
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.before("link", "mention", _mention_rule)
    return md


_md = _parser()


def render(text: str, usernames: Iterable[str] = ()) -> str:
    """Safe HTML for ``text``; ``usernames`` are the existing members that ``@mentions`` may link to."""
    env = {"mentions": {username_key(name): name for name in usernames}}
    html = _md.render(text, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def plain_text(html_text: str) -> str:
    """The text of a rendered post, without its markup (for search and excerpts)."""
    return " ".join(unescape(nh3.clean(html_text, tags=set())).split())


def plain_text_excerpt(html_text: str, length: int = 200) -> str:
    """The first ``length`` characters of a rendered post as plain text (templates escape it)."""
    text = plain_text(html_text)
    return text if len(text) <= length else text[: length - 1] + "…"
