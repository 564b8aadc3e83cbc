"""Text people send, in forms and in JSON: control characters (but tab and line breaks), lone surrogates and the
non-characters U+FFFE/U+FFFF are refused, so that nothing stored can break a page, a feed's XML or the database."""

from __future__ import annotations

import re
from typing import Any

from core.errors import BadRequest, Message

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_text(value: Any) -> None:
    """Refuse ``value`` (a string, or lists and objects of them) when it holds a character no text should."""
    if isinstance(value, str):
        if FORBIDDEN.search(value):
            raise BadRequest(Message("Text may not contain control characters."), code="invalid_text")
    elif isinstance(value, dict):
        for item in value.values():
            check_text(item)
    elif isinstance(value, list):
        for item in value:
            check_text(item)


def token_shaped(text: str, shortest: int = 20, longest: int = 100) -> bool:
    """Whether ``text`` could be a secret token from an address (URL-safe base64: a tracking link's, a calendar
    feed's), checked before the database is asked for one."""
    return shortest <= len(text) <= longest and all(
        char.isascii() and (char.isalnum() or char in "-_") for char in text
    )
