"""How hits are ranked: BM25 without its length normalisation (b = 0).

Whoosh's BM25F reads the field length of every matching document to score it; at 400,000 posts a common word
("weekend", 7,400 matches) took 198 ms that way and 53 ms without (40,000 posts: 22 ms and 7 ms; bench/search.py).
Forum posts are short and alike in length, which is where length normalisation matters least; the term
frequency still saturates (K1), so a post that repeats a word does not outrank one that has it in its title.
"""

from __future__ import annotations

from typing import Any

from whoosh.scoring import BaseScorer, WeightingModel


class SaturatedFrequency(WeightingModel):
    """idf × tf·(K1+1)/(tf+K1): BM25 with b = 0."""

    def __init__(self, K1: float = 1.2) -> None:  # noqa: N803 - the name BM25 gives it
        self.K1 = K1

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher: Any, fieldname: str, text: str, qf: int = 1) -> BaseScorer:
        return _Scorer(searcher.idf(fieldname, text), self.K1, searcher.term_info(fieldname, text).max_weight())


class _Scorer(BaseScorer):
    def __init__(self, idf: float, K1: float, max_weight: float) -> None:  # noqa: N803
        self.idf, self.K1 = idf, K1
        self._max_quality = self._score(max_weight)

    def _score(self, weight: float) -> float:
        return self.idf * weight * (self.K1 + 1) / (weight + self.K1)

    def score(self, matcher: Any) -> float:
        return self._score(matcher.weight())

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._max_quality

    def block_quality(self, matcher: Any) -> float:
        return self._score(matcher.block_max_weight())
