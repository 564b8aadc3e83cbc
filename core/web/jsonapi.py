"""The JSON API's plumbing: declared endpoints, body parsing and validation, auth, CSRF and errors.

An endpoint is declared once with ``ApiRouter.route``; the same declaration makes its Starlette route and its
entry in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import orjson
import pydantic
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.access.scope import require_actor
from core.accounts.models import User
from core.errors import BadRequest, Message, Unauthorized, ValidationError
from core.web.auth import SAFE_METHODS, check_csrf, resolve_viewer
from core.web.site import Site, site_of
from core.web.text import check_text

B = TypeVar("B", bound=pydantic.BaseModel | None)  # an endpoint's body: None for one that takes none
M = TypeVar("M", bound=pydantic.BaseModel)


class Body(pydantic.BaseModel):
    """Base of request bodies: unknown fields are an error, and no type is silently converted."""

    model_config = pydantic.ConfigDict(extra="forbid", strict=True)

    def sent(self) -> dict[str, Any]:
        """The fields the client sent (for PATCH), by name."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


@dataclass
class ApiCall(Generic[B]):
    """What an endpoint receives: the request, the viewer, the validated body and the path parameters."""

    request: Request
    viewer: User | None
    body: B
    params: dict[str, Any]

    @property
    def site(self) -> Site:
        return site_of(self.request)

    @property
    def actor(self) -> User:
        """The viewer, who must be signed in and not suspended."""
        return require_actor(self.viewer)

    def query(self, name: str) -> str | None:
        return self.request.query_params.get(name)


Handler = Callable[[ApiCall[Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: type[Body] | None
    status: int
    auth: bool
    query: tuple[str, ...] = field(default=())
    files: tuple[str, ...] = field(default=())  # a multipart body with these file fields (the handler reads it)


def _field_errors(error: pydantic.ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "body"
        if item["type"] == "extra_forbidden":
            fields[name] = "Unknown or read-only field."
        elif item["type"] == "missing":
            fields[name] = "This field is required."
        else:
            fields[name] = item["msg"]
    return fields


async def parse_body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(Message("The body is not valid UTF-8."), code="invalid_utf8") from None
    if not raw.strip():
        raise BadRequest(Message("Send a JSON object as the body."), code="invalid_json")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"The body is not valid JSON: {error}", code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest(Message("Send a JSON object as the body."), code="invalid_json")
    check_text(data)
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise ValidationError(_field_errors(error)) from None


class ApiRouter:
    """Endpoints of one domain, declared with their OpenAPI description."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        body: type[Body] | None = None,
        status: int = 200,
        auth: bool = False,
        query: tuple[str, ...] = (),
        files: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, path, handler, summary, self.tag, body, status, auth, query, files))
            return handler

        return register


def starlette_route(endpoint: Endpoint) -> Route:
    async def handle(request: Request) -> Response:
        viewer = await resolve_viewer(request)
        if request.method not in SAFE_METHODS and request.scope.get("auth") == "session":
            check_csrf(request, request.headers.get("x-csrf-token"))
        if endpoint.auth and viewer is None:
            raise Unauthorized()
        body = await parse_body(request, endpoint.body) if endpoint.body else None
        result = await endpoint.handler(ApiCall(request, viewer, body, dict(request.path_params)))
        if result is None:
            return Response(status_code=204)
        if isinstance(result, Response):  # a CSV download, or JSON that sets a cookie
            return result
        return JSONResponse(result, status_code=endpoint.status)

    return Route(endpoint.path, handle, methods=[endpoint.method], name=endpoint.handler.__name__)
