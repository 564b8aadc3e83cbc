"""Watched words: what members write is checked against the site's and the circle's words before it is written. A
word with a Chinese (or other CJK) character matches anywhere, inside a sentence; a Latin word matches as a whole
word (``ass`` is not in ``class``), and also inside a Chinese sentence. Case and full-width forms do not matter."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from tortoise.expressions import Q

from core.errors import Message, ValidationError
from core.moderation.models import LogEntry, Review, ReviewStatus, WatchedWord, WordAction
from core.threads.models import Post
from core.times import now

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")  # zero-width, soft hyphen
EMPHASIS = re.compile(r"[*_~`]")  # Markdown's emphasis, strike and code marks, which split a word on the page
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def read_as_seen(text: str) -> tuple[str, list[int]]:
    """The text as a reader sees it, for matching: entities decoded, invisible characters and Markdown's marks
    dropped, full-width forms folded, case ignored; and for each of its characters, where it came from in ``text``
    (so that a word found in it is replaced where it was written)."""
    seen: list[str] = []
    origin: list[int] = []
    index = 0
    while index < len(text):
        entity = ENTITY.match(text, index) if text[index] == "&" else None
        written = html.unescape(entity.group(0)) if entity else text[index]
        for char in unicodedata.normalize("NFKC", written).casefold():
            if not (INVISIBLE.match(char) or EMPHASIS.match(char)):
                seen.append(char)
                origin.append(index)
        index = entity.end() if entity else index + 1
    return "".join(seen), origin


def normal(text: str) -> str:
    return read_as_seen(text)[0]


def pattern(word: str) -> re.Pattern[str]:
    """How ``word`` is found in normalised text."""
    escaped = re.escape(normal(word))
    if CJK.search(word):
        return re.compile(escaped)
    return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")


@dataclass(frozen=True)
class Checked:
    texts: tuple[str, ...]  # with the words to replace replaced
    review: str  # a word that sends the post to review ("": none)


async def check(circle_id: int, *texts: str) -> Checked:
    """``texts`` (a title, a body) against the site's and the circle's watched words: a ValidationError naming a
    blocked word; else the texts with replacements made, and whether the post waits for review."""
    words = await WatchedWord.filter(Q(circle_id__isnull=True) | Q(circle_id=circle_id)).order_by("id")
    if not words:
        return Checked(texts, "")
    review = ""
    out = list(texts)
    for watched in words:
        found = pattern(watched.word)
        for index, text in enumerate(out):
            seen, origin = read_as_seen(text)
            if not found.search(seen):
                continue
            if watched.action == WordAction.BLOCK:
                raise ValidationError({"body": Message("“%(word)s” is not allowed here.", word=watched.word)})
            if watched.action == WordAction.REVIEW:
                review = review or watched.word
            else:
                out[index] = _replaced(text, seen, origin, found, watched.replacement)
    return Checked(tuple(out), review)


def _replaced(text: str, seen: str, origin: list[int], found: re.Pattern[str], replacement: str) -> str:
    """``text`` with each match in what is ``seen`` of it replaced where it was written (its marks and case kept
    elsewhere)."""
    parts, start = [], 0
    for match in found.finditer(seen):
        if match.end() == match.start():
            continue
        begin, end = origin[match.start()], origin[match.end() - 1] + 1
        if text[origin[match.end() - 1]] == "&":  # the last character was an entity: take all of it
            entity = ENTITY.match(text, origin[match.end() - 1])
            end = entity.end() if entity else end
        parts += [text[start:begin], replacement]
        start = end
    return "".join([*parts, text[start:]])


async def hold(post: Post, circle_id: int, why: str) -> None:
    """A post that waits for review (a watched word, a newcomer's): in the circle's queue, hidden (the caller hides
    it), logged with ``why``."""
    if not await Review.filter(post_id=post.id).update(status=ReviewStatus.PENDING, hidden_at=now()):
        await Review.create(post=post, circle_id=circle_id, hidden_at=now())
    await LogEntry.create(
        circle_id=circle_id, actor=None, action="held", member_id=post.author_id, post_id=post.id, reason=why
    )
