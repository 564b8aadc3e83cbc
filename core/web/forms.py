"""HTML forms: read the posted fields and check the CSRF token before anything else, then their text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

from core.errors import BadRequest, Message
from core.web.auth import check_csrf
from core.web.text import check_text


async def read_form(request: Request, files: tuple[str, ...] = ()) -> FormData:
    """The form's fields; Forbidden (403) when its CSRF token is missing or wrong, BadRequest (400) when a field
    other than ``files`` holds a file or a character no text should (``core.web.text``)."""
    form = await request.form(max_files=len(files) or 1000)
    token = form.get("csrf_token")
    try:
        check_csrf(request, token if isinstance(token, str) else None)
    except Exception:
        await form.close()  # a file sent with it is let go at once
        raise
    for name, value in form.multi_items():
        if name in files and not isinstance(value, str):
            continue
        if not isinstance(value, str):
            await form.close()
            raise BadRequest(Message("This form takes no files (%(field)s).", field=name), code="invalid_field")
        check_text(value)
    return form


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go to after a form, or ``default``: never another site (``//evil``, ``/\\evil``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target) or "\\" in target:
        return default
    return target


@dataclass
class Form:
    """What a member typed and what was wrong with it: a form shown again keeps the one and shows the other."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: FormData, names: Iterable[str]) -> Form:
        return cls({name: str(data.get(name, "")) for name in names})
