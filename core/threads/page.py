"""A thread page's posts as one kept piece (core/web/pieces.py): everything they show a reader, gathered so that
the readers who would see the same (most of them: no post of theirs on the page, nothing liked there) share one
rendering of ``thread_posts.html`` instead of each making it again."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from core.threads.rows import PostItem
from core.web.i18n import relative_time
from core.web.pieces import SharedSlot
from core.web.site import site_of


@dataclass(frozen=True, slots=True)
class PostsOnPage:
    """What the posts of a page show: the key of their kept piece, so nothing the template reads may be left out."""

    thread_id: int
    page: int
    posts: tuple[PostItem, ...]
    minute: int  # the minute the posts' "3 minutes ago" are told as of (a page is kept whole for a minute anyway)
    locale: str
    beside_names: tuple[tuple[Markup | SharedSlot, ...], ...]  # the plugins' post_author slot, per post
    footers: tuple[tuple[Markup | SharedSlot, ...], ...]  # the plugins' post_footer slot, per post
    after_first: Markup  # the after_first_post slot (a poll, an event), on the first page
    own: frozenset[int]  # the reader's own posts among them
    liked: frozenset[int]  # those the reader liked
    changeable: frozenset[int]  # those the reader may edit or delete
    may_like: bool
    can_reply: bool
    signed_in: bool

    def __hash__(self) -> int:
        # what tells pages apart, without hashing every post's text anew for each request (equality compares it all)
        posts = (self.posts[0].id, self.posts[-1].id, len(self.posts)) if self.posts else ()
        return hash((self.thread_id, self.page, posts, self.minute, self.locale, self.own, self.liked, self.changeable))

    @property
    def ago(self) -> tuple[str, ...]:
        """Each post's "3 minutes ago", as of the start of ``minute`` (asked only as the posts are rendered)."""
        now = datetime.fromtimestamp(self.minute * 60, UTC)
        return tuple(relative_time(post.created_at, self.locale, now) for post in self.posts)


def posts_on_page(context: dict[str, Any], viewer_id: int | None, after_first: Markup) -> PostsOnPage:
    """What the page's posts show (``context``: the thread page's, with its slots' answers) to this reader."""
    posts = context["posts"]
    beside_names, footers = context["post_authors"], context["post_footers"]
    return PostsOnPage(
        thread_id=context["thread"].id,
        page=context["page"],
        posts=tuple(posts),
        minute=int(time.time() // 60),
        locale=context["locale"],
        beside_names=tuple(beside_names.get(post.id, ()) for post in posts),
        footers=tuple(footers.get(post.id, ()) for post in posts),
        after_first=after_first,
        own=frozenset(post.id for post in posts if post.author_id == viewer_id),
        liked=frozenset(context["liked"]),
        changeable=frozenset(context["changeable"]),
        may_like=context["may_like"],
        can_reply=context["can_reply"],
        signed_in=viewer_id is not None,
    )


class PostsHtml:
    """The page's posts as the reader sees them (``{{ kept_posts }}``), rendered or found kept only when the page
    that shows them is made: a page kept whole (core/web/pages.py) does not ask for them."""

    __slots__ = ("context", "on", "request")

    def __init__(self, request: Request, context: dict[str, Any], on: PostsOnPage) -> None:
        self.request, self.context, self.on = request, context, on

    def __html__(self) -> Markup:
        templates = site_of(self.request).templates
        return templates.pieces.render(templates.get_template("thread_posts.html"), "posts", self.context, (self.on,))
