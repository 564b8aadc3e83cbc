"""Whole numbers as people and addresses write them: ASCII digits only (``²`` and ``٣`` are digits to Python, not
to a database), never larger than a database's 64-bit integer."""

from __future__ import annotations

LARGEST = 2**63 - 1  # a BIGINT's largest value; SQLite's INTEGER and PostgreSQL's BIGINT both stop here


def whole_number(raw: object, largest: int = LARGEST) -> int | None:
    """``raw`` as a whole number from 0 to ``largest`` written in ASCII digits; None for anything else."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST)):
        return None
    value = int(text)
    return value if value <= largest else None


def fits(value: object) -> bool:
    """Whether ``value`` is an integer (or a boolean) a database column can hold: a cursor's, a body's."""
    return isinstance(value, int) and -LARGEST - 1 <= value <= LARGEST
