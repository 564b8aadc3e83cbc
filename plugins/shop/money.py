"""Money as people write it and the database keeps it: a decimal string in yuan ("88.00") outside, whole fen
(cents) inside. Never a float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.plugins import Message, ValidationError

MAX_FEN = 10**10  # a hundred million yuan: more than any club shop asks


def fen_of(text: str | int, field: str = "price") -> int:
    """``"88"``, ``"88.5"`` or ``"88.50"`` as 8850 fen; a 400 naming ``field`` for anything else (more than two
    decimals, a negative price, a number that is not one)."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValidationError({field: Message("Give the price as a number of yuan, e.g. 88.00.")})
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationError({field: Message("Give the price as a number of yuan, e.g. 88.00.")}) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_FEN / 100:
        raise ValidationError({field: Message("Give the price as a number of yuan, e.g. 88.00.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: Message("A price has at most two decimals (fen).")})
    return int(amount * 100)


def yuan(fen: int) -> str:
    """8850 fen as ``"88.50"``."""
    return f"{fen // 100}.{fen % 100:02d}"
