"""Errors to HTTP, in one place: JSON under /api (CONTRACT's error object), a page elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from core.errors import QuanziError, TooManyRequests, ValidationError
from core.web.jsonapi import JSONResponse

log = logging.getLogger("quanzi")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}
HTTP_MESSAGES = {404: "Not found.", 405: "This method is not allowed here.", 413: "The request body is too large."}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _error(request: Request, status: int, code: str, message: str, **extra: Any) -> Response:
    headers = {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra.pop("retry_after"))
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers)
    from core.web.pages import render

    try:
        response = await render(request, "error.html", {"status": status, "message": message, **extra}, status=status)
    except Exception:  # the error page itself failed (the database is down, say): a plain answer still goes out
        log.exception("the error page failed")
        return PlainTextResponse(str(message), status_code=status, headers=headers)
    response.headers.update(headers)
    return response


async def quanzi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, QuanziError)
    if exc.status == 401 and request.method == "GET" and not _wants_json(request):
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationError):
        extra["fields"] = exc.fields
    if isinstance(exc, TooManyRequests):
        extra["retry_after"] = exc.retry_after
    if exc.details:
        extra["details"] = exc.details
    return await _error(request, exc.status, exc.code, exc.message, **extra)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = HTTP_MESSAGES.get(status) or str(exc.detail)
    response = await _error(request, status, HTTP_CODES.get(status, "error"), message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return await _error(request, 500, "server_error", "Something went wrong on our side; it has been logged.")


EXCEPTION_HANDLERS = {QuanziError: quanzi_error, HTTPException: http_error, Exception: server_error}
