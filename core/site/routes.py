"""Pages of the site itself: the first-run setup and the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from core.errors import NotFound, ValidationError
from core.site import service
from core.web import ratelimit
from core.web.auth import log_in
from core.web.forms import read_form


def _form(request: Request, token: str, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    templates = request.app.state.site.templates
    context = {"token": token, "values": values, "errors": errors}
    return templates.TemplateResponse(request, "setup.html", context, status_code=status)


async def setup_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    if not await service.setup_token_valid(token):
        raise NotFound(
            "This setup link is not valid (any more). Restart the server for a new one if no administrator exists."
        )
    return _form(request, token, {}, {})


async def setup_submit(request: Request) -> Response:
    form = await read_form(request)
    site = request.app.state.site
    address = ratelimit.client_address(request, site.config.trusted_proxies)
    await site.rate_limits.hit(ratelimit.REGISTER_PER_ADDRESS, f"setup:ip:{address}")
    values = {name: str(form.get(name, "")) for name in ("token", "username", "email", "password")}
    try:
        user = await service.complete_setup(
            site.passwords,
            values["token"],
            username=values["username"],
            email=values["email"],
            password=values["password"],
        )
    except ValidationError as error:
        return _form(request, values["token"], values, error.fields, status=400)
    log_in(request, user)
    return RedirectResponse("/", status_code=303)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


routes = [
    Route("/setup", setup_page, methods=["GET"]),
    Route("/setup", setup_submit, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
]
