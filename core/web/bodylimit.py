"""Request bodies over the limit get 413 before they are read whole (the error in CONTRACT's JSON shape). A
multipart body (a form or API call with a picture) has the larger ``max_upload_size``; the site's own limit on a
picture (a site setting) is checked when it is read."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.web.jsonapi import JSONResponse

MESSAGE = "The request body is too large."


class _TooLarge(Exception):
    pass


def _response(scope: Scope) -> Response:
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": {"code": "too_large", "message": MESSAGE}}, status_code=413)
    return PlainTextResponse(MESSAGE, status_code=413)


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body_size: int, max_upload_size: int) -> None:
        self.app = app
        self.max_body_size = max_body_size
        self.max_upload_size = max_upload_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        multipart = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.max_upload_size if multipart else self.max_body_size
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return await _response(scope)(scope, receive, send)

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await _response(scope)(scope, receive, send)
