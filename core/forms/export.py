"""Exports for spreadsheets: CSV that Excel opens right (UTF-8 with a byte order mark, so Chinese shows) and that
cannot run anything (a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a return is kept as text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from starlette.responses import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]) -> Response:
    """A CSV download named ``filename`` (ASCII), for Excel and every other spreadsheet."""
    return Response(
        "\ufeff" + csv_text(header, rows),  # the byte order mark tells Excel the file is UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"', "cache-control": "private, no-store"},
    )
