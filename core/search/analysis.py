"""Text analysis for search: Chinese (and Japanese and Korean) segmented into words by a dictionary, English
stemmed.

Chinese has no spaces, so a sentence must be cut into words before a word inside it can be found. A dictionary
segmenter (rjieba, the Rust port of jieba) does this; documents are cut in "search" mode, which also emits the
shorter words inside long ones (售后服务 → 售后, 服务, 售后服务), and queries in precise mode, so that each word
of a query is one of the words the document was cut into. Unlike character bigrams, this does not find words
across a word boundary (京都 is not in 北京都市报, 和服 is not in 和服务员). docs/search.md has the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rjieba
from whoosh.analysis import Composable, LowercaseFilter, StemFilter, StopFilter, Token, Tokenizer

# Runs of CJK ideographs, kana and hangul, or runs of other word characters.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
SPLIT = re.compile(rf"([{CJK}]+)|([^\W{CJK}]+(?:['’][^\W{CJK}]+)*)")


class MixedTokenizer(Tokenizer):
    """Words of mixed Chinese and Western text, with their character positions (for highlighting)."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        cut_mode = "default" if mode == "query" else "search"
        for match in SPLIT.finditer(value):
            if match.group(1):
                run_start = match.start(1)
                words = [
                    (word, run_start + start, run_start + end)
                    for word, start, end in rjieba.tokenize(match.group(1), mode=cut_mode)
                ]
            else:
                words = [(match.group(2), match.start(2), match.end(2))]
            for word, start, end in words:
                token.text = word
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word  # type: ignore[attr-defined]  # Whoosh tokens take any attribute
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token


MAX_QUERY_WORDS = 10


def analyzer() -> Composable:
    """The analyzer of titles and bodies: CJK words, and lower-cased, stemmed English without stop words."""
    return MixedTokenizer() | LowercaseFilter() | StopFilter(minsize=1) | StemFilter(cachesize=50_000)


def query_words(words: str, analyzer: Composable) -> list[str]:
    """The distinct words of a query as ``analyzer`` cuts it (precise mode), at most ``MAX_QUERY_WORDS``: a hit has
    every one of them."""
    seen: list[str] = []
    for token in analyzer(words, mode="query"):
        if token.text not in seen:
            seen.append(token.text)
    return seen[:MAX_QUERY_WORDS]
