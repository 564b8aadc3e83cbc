"""Path parameters: ``{id:int}`` matches only what a database integer can hold, so that ``/t/99999999999999999999``
is a plain 404 and not an overflow deep in the database driver. Registered by ``core.web`` itself, before any
module builds its routes."""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor


class DatabaseInteger(IntegerConvertor):
    regex = "[0-9]{1,18}"  # below 2**63 whatever the digits


def register() -> None:
    register_url_convertor("int", DatabaseInteger())
