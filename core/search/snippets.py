"""A hit's snippet: the parts of its text around the words searched for, escaped, the words in <mark>. Both engines
make it the same way (Whoosh's highlighter, on the text as the analyzer cuts it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html import escape
from typing import Any

from whoosh.analysis import Composable, Token
from whoosh.highlight import FIRST, BasicFragmentScorer, ContextFragmenter, Formatter, get_text, top_fragments

from core.search.analysis import CJK

SINGLE_CJK = re.compile(f"[{CJK}]")
LENGTH = 160  # characters of a snippet, about
FRAGMENTS = 2  # the parts of the text it shows at most


class MarkFormatter(Formatter):
    """Snippets as HTML: everything escaped, the matched words wrapped in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{escape(get_text(text, token, replace), quote=False)}</mark>"


def fragmenter() -> ContextFragmenter:
    return ContextFragmenter(maxchars=LENGTH, surround=40)


def one_character(word: str) -> bool:
    """Whether ``word`` is a single Chinese (Japanese, Korean) character: found also inside the words it is part of
    (山 in 爬山), as a Chinese reader expects."""
    return len(word) == 1 and SINGLE_CJK.match(word) is not None


def _matched(tokens: Iterable[Token], words: frozenset[str], characters: str) -> Iterator[Token]:
    for token in tokens:
        token.matched = token.text in words or any(character in token.text for character in characters)  # type: ignore[attr-defined]
        yield token


def snippet(text: str, words: list[str], analyzer: Composable) -> str:
    """The snippet of ``text`` for the searched ``words`` (as the analyzer cut the query), or its beginning."""
    characters = "".join(word for word in words if one_character(word))
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    fragments = fragmenter().fragment_tokens(text, _matched(tokens, frozenset(words), characters))
    found = MarkFormatter().format(top_fragments(fragments, FRAGMENTS, BasicFragmentScorer(), FIRST, minscore=1))
    return found or escape(text[:LENGTH], quote=False)
