"""Usernames: what may be one, how two are compared, and when two look alike."""

from __future__ import annotations

import unicodedata
from functools import cache

from confusables import CONFUSABLE_MAP

from core.errors import Message

MIN_LENGTH = 2
MAX_LENGTH = 32


def normalize(username: str) -> str:
    """The name as stored: NFKC, so that full-width and composed forms become one spelling."""
    return unicodedata.normalize("NFKC", username.strip())


def username_key(username: str) -> str:
    """The name as compared for uniqueness and login: NFKC and case-folded."""
    return unicodedata.normalize("NFKC", normalize(username).casefold())


def invalid_reason(username: str) -> str | None:
    """Why ``username`` (already normalised) cannot be a username, or None if it can."""
    if not MIN_LENGTH <= len(username) <= MAX_LENGTH:
        return Message("A username has %(min)s to %(max)s characters.", min=MIN_LENGTH, max=MAX_LENGTH)
    for char in username:
        category = unicodedata.category(char)
        if not (category.startswith("L") or category == "Nd" or char in "_-"):
            return Message("A username may hold only letters, digits, '_' and '-'.")
    if username[0] in "_-" or username[-1] in "_-":
        return Message("A username starts and ends with a letter or a digit.")
    return None


@cache
def _prototypes() -> dict[str, str]:
    """Each character that looks like an ASCII letter or '_', mapped to that character (Unicode confusables)."""
    table: dict[str, str] = {}
    for prototype in "abcdefghijklmnopqrstuvwxyz_":
        for lookalike in CONFUSABLE_MAP.get(prototype, ()):
            if len(lookalike) == 1:
                table.setdefault(lookalike, prototype)
    table["-"] = "_"
    return table


def skeleton(username: str) -> str:
    """What a name looks like: two names with the same skeleton would be mistaken for each other."""
    folded = unicodedata.normalize("NFD", username_key(username))
    prototypes = _prototypes()
    return "".join(prototypes.get(char, char) for char in folded if unicodedata.category(char) != "Mn")
