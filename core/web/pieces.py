"""Pieces of pages that every reader who may see them shares, made once and kept by what they are made of.

A signed-in member's page cannot be kept whole as a guest's is (its header, a like's state, the forms' tokens are
the member's own), but most of it is the same for everyone who may see it: a post's author, time and text. Such a
part is a macro of a template, called with arguments that hold everything it shows::

    templates.pieces.render(templates.get_template("thread_posts.html"), "posts", context, (posts_on_page,))

The first page that needs a piece renders it and keeps it under the template, the macro, the arguments and the
page's language and time zone; the next page, whoever reads it, puts the kept copy in. The macro may read nothing
else of the page (the texts of ``_()`` come from the page's language, which is in the key).

Because the arguments hold what the piece is made of (a post's text and edit time, its author's name as the page
read them, whether this reader liked it), a change makes a new key rather than needing to be told to every worker
or machine: a copy that no longer matches is never asked for again and goes out with the oldest. Readers whose
arguments are alike share a copy; a reader whose are their own (their own post on the page) gets one of their own.
A form's CSRF token is the one thing personal that is not an argument: templates write ``CSRF_HOLE`` for it
(``csrf_field()``, ``csrf_token(request)``), and the page puts the reader's token there when it is sent. A piece
is only reached through a page that has already found that its reader may see what it shows: a private circle's
post is kept like any other, and only a page that read that post for its reader asks for it. A change of theme
forgets them all.

A template keeps a macro's output the same way, with ``kept``: ``{{ kept(m.thread_list, threads, kinds) }}`` is
the macro's output for those arguments (lists become tuples and mappings sorted pairs for the key, so their items
must be hashable: rows as frozen dataclasses). A minute is part of that key, so that the relative times a macro
writes ("3 minutes ago") are at most a minute old.

The kept pieces together hold at most ``MAX_BYTES``, counting what their keys keep alive.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from jinja2 import Template, pass_context
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from core.remembered import weight

MAX_BYTES = 4 * 1024 * 1024
KEY_LEVELS = 7  # a key (arguments, language, zone) looked into down to a post's author
# What a piece holds where a form needs the reader's CSRF token; ``core.web.pages.render`` puts the token in. Made
# anew by every process, so that no one can write it into a post and have a reader's token put there.
CSRF_HOLE = f"csrf-{secrets.token_urlsafe(18)}"
# Where a page kept whole (``core.web.pages.render(..., keep=...)``) has the reader's header put in.
HEADER_HOLE = f"<!--header-{secrets.token_urlsafe(18)}-->"


@dataclass(frozen=True, slots=True)
class SharedSlot:
    """A plugin's answer to a slot that every reader sees alike (``SlotContent(..., shared=True)``), by what makes it:
    the key its HTML is kept under, and what a piece that shows it (a page's posts) holds in its own key, so that
    the HTML is only looked for when that piece is made."""

    plugin: str
    template: str
    facts: tuple[tuple[str, Any], ...]  # the content's context, sorted


class Pieces:
    """Rendered pieces by key, the least recently used dropped first when they hold more than ``max_bytes``: the HTML
    and the key, whose arguments (a page's posts: their texts, authors, times) the piece keeps alive as long as it is
    kept."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._kept: OrderedDict[Hashable, tuple[Markup, int]] = OrderedDict()

    def get(self, key: Hashable) -> Markup | None:
        kept = self._kept.pop(key, None)
        if kept is None:
            return None
        # kept again under the key just asked with: made of the rows the requests now share (core/remembered.py), so
        # that the next one is found equal by identity rather than compared value by value
        # (an equal key: it weighs what the one it replaces weighed)
        self._kept[key] = kept
        return kept[0]

    def put(self, key: Hashable, html: Markup) -> None:
        replaced = self._kept.pop(key, None)
        size = weight(key, KEY_LEVELS) + sys.getsizeof(html)
        self.size += size - (replaced[1] if replaced is not None else 0)
        self._kept[key] = (html, size)
        while self.size > self.max_bytes and self._kept:
            self.size -= self._kept.popitem(last=False)[1][1]

    def clear(self) -> None:
        self._kept.clear()
        self.size = 0

    def keep(self, key: Hashable, context: dict[str, Any] | Context, make: Callable[[], Markup]) -> Markup:
        """The piece kept under ``key`` in the page's language and time zone (``context``), or ``make()`` kept."""
        full = (key, context["lang"], context["timezone"])
        html = self.get(full)
        if html is None:
            html = make()
            self.put(full, html)
        return html

    def render(
        self, template: Template, macro: str, context: dict[str, Any], arguments: tuple[Hashable, ...]
    ) -> Markup:
        """``macro`` of ``template`` called with ``arguments`` (which hold everything it shows) in the page's
        language (``context``): the kept copy, or rendered and kept."""

        def make() -> Markup:
            return Markup(getattr(template.make_module(context), macro)(*arguments))

        return self.keep((template.name, macro, arguments), context, make)

    def template_global(self) -> Callable[..., Markup]:
        """``kept(macro, *arguments, **keywords)`` for templates: the macro's output, kept."""

        @pass_context
        def kept(context: Context, macro: Macro, *arguments: Any, **keywords: Any) -> Markup:
            minute = int(time.time() // 60)
            key = (macro._func.__code__, macro.name, _frozen(arguments), _frozen(keywords), minute)
            return self.keep(key, context, lambda: Markup(macro(*arguments, **keywords)))

        return kept


def _frozen(value: Any) -> Hashable:
    """``value`` as a key: lists and tuples as tuples, mappings as sorted pairs, sets as frozensets."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((name, _frozen(item)) for name, item in value.items()))
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value  # type: ignore[no-any-return]
