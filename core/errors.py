"""Domain errors raised by services and turned into HTTP answers in one place (core/web/errors.py).

    QuanziError
    ├── ValidationError      400  a field is wrong; ``fields`` says which and why
    ├── BadRequest           400  the request as a whole is unreadable
    ├── Unauthorized         401  credentials missing or wrong
    ├── Forbidden            403  known to the viewer, but not theirs to do
    ├── NotFound             404  does not exist, or the viewer may not see it
    ├── Conflict             409  the current state forbids it (locked thread, last owner, taken name)
    ├── TooManyRequests      429  rate limited; ``retry_after`` in seconds
    └── Unavailable          503  a part of the site cannot answer now (a damaged search index)

ConfigError is separate: it stops the start with one clear message.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """A message for people: English as a string (the API shows it as is), and its msgid and parameters so that
    pages show it translated (``{{ error|t }}``). ``Message("At most %(n)s characters.", n=200)``."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid = msgid
        message.params = params
        return message


class QuanziError(Exception):
    status = 500
    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.__class__.__name__)
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}  # shown with the error in the API (``error.details``): what the client needs next

    default_message = Message("Something went wrong.")


class BadRequest(QuanziError):
    status = 400
    code = "bad_request"
    default_message = Message("The request could not be read.")


class ValidationError(QuanziError):
    status = 400
    code = "invalid"
    default_message = Message("Some fields are not valid.")

    def __init__(self, fields: dict[str, str], message: str = "") -> None:
        super().__init__(message)
        self.fields = fields


class Unauthorized(QuanziError):
    status = 401
    code = "unauthorized"
    default_message = Message("Log in first.")


class Forbidden(QuanziError):
    status = 403
    code = "forbidden"
    default_message = Message("You may not do this.")


class NotFound(QuanziError):
    status = 404
    code = "not_found"
    default_message = Message("Not found.")


class Conflict(QuanziError):
    status = 409
    code = "conflict"
    default_message = Message("This conflicts with the current state.")


class Unavailable(QuanziError):
    status = 503
    code = "unavailable"
    default_message = Message("This part of the site cannot answer now; try again later.")


class TooManyRequests(QuanziError):
    status = 429
    code = "rate_limited"
    default_message = Message("Too many attempts; try again later.")

    def __init__(self, retry_after: int, message: str = "") -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class ConfigError(Exception):
    """A configuration mistake that stops the start; the message names the file or variable."""
