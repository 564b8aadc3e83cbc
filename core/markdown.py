"""Markdown to safe HTML, done once when a post is written.

CommonMark with tables, strikethrough, autolinks and fenced code; raw HTML is off (it is shown as text), and the
result is sanitised by nh3 all the same. ``@name`` becomes a link to the member's profile when that member exists.
A picture uploaded here (``![](/uploads/<sha>.jpg)``) is shown with its sizes and thumbnail; a picture from another
site is shown only as a link to it, so that no post makes its readers' browsers call a stranger (tracking pixels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from html import unescape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from core.accounts.names import username_key
from core.uploads.images import Picture, sha_of_url

MENTION = re.compile(r"@([^\W_](?:[\w-]{0,30}[^\W_])?)")
ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol",
    "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "title", "loading"},
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


# A post's column is at most 48rem wide; on a phone, the screen's width.
SIZES = "(max-width: 48rem) 100vw, 48rem"


def _image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    picture = env.get("pictures", {}).get(sha_of_url(src) or "")
    if picture is None:  # another site's picture, or none of ours: a link, never loaded by the page
        return f'<a href="{escapeHtml(src)}">{escapeHtml(alt or src)}</a>'
    srcset = f' srcset="{picture.srcset}" sizes="{SIZES}"' if picture.srcset else ""
    return (
        f'<a href="{picture.url}"><img src="{picture.url}"{srcset} width="{picture.width}" '
        f'height="{picture.height}" alt="{escapeHtml(alt)}" loading="lazy"></a>'
    )


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.inline.ruler.before("link", "mention", _mention_rule)
    md.add_render_rule("image", _image)
    return md


def pictures_in(text: str) -> set[str]:
    """The content hashes of our pictures that ``text`` shows (``![...](/uploads/<sha>.jpg)``)."""
    found: set[str] = set()

    def walk(tokens: Sequence[Token]) -> None:
        for token in tokens:
            if token.type == "image" and (sha := sha_of_url(str(token.attrs.get("src", "")))):
                found.add(sha)
            walk(token.children or [])

    walk(_md.parse(text))
    return found


def _only_our_pictures(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute in ("src", "srcset") and not value.startswith("/uploads/"):
        return None
    return value


_md = _parser()


def render(text: str, usernames: Iterable[str] = (), pictures: Mapping[str, Picture] | None = None) -> str:
    """Safe HTML for ``text``; ``usernames`` are the existing members that ``@mentions`` may link to, ``pictures``
    (by content hash) the uploaded pictures it may show."""
    env = {"mentions": {username_key(name): name for name in usernames}, "pictures": pictures or {}}
    html = _md.render(text, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_pictures,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def plain_text(html_text: str) -> str:
    """The text of a rendered post, without its markup (for search and excerpts)."""
    return " ".join(unescape(nh3.clean(html_text, tags=set())).split())


@lru_cache(maxsize=1024)
def plain_text_excerpt(html_text: str, length: int = 200) -> str:
    """The first ``length`` characters of a rendered post as plain text (templates escape it); the excerpts of the
    posts pages open with are made once."""
    text = plain_text(html_text)
    return text if len(text) <= length else text[: length - 1] + "…"
