"""Pages of the site itself: the home page, the first-run setup and the health check."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core import metrics
from core.accounts import limits
from core.accounts.passwords import passwords_of
from core.accounts.signin import log_in
from core.circles import service as circles_service
from core.circles.routes import content_kinds
from core.errors import Message, NotFound, ValidationError
from core.site import operations, service
from core.threads import service as threads
from core.uploads.receive import chosen, receive_picture
from core.uploads.receive import limits as picture_limits
from core.uploads.service import LOGO, check_picture
from core.web.auth import resolve_viewer
from core.web.drawing import draw_card
from core.web.forms import Form, read_form
from core.web.pages import render
from core.web.share import card_request
from core.web.site import site_of


async def home(request: Request) -> Response:
    """The circles the viewer may see, and the latest discussions across them."""
    viewer = await resolve_viewer(request)
    circles = await circles_service.circle_items(viewer, 50)
    latest = await threads.latest_threads(viewer, request.query_params.get("after"), 20)
    context = {"circles": circles, "threads": latest.items, "next": latest.next, "kinds": content_kinds(request)}
    # kept whole (core/web/pages.py) under what home.html shows besides the frame
    return await render(request, "home.html", context, keep=(tuple(circles), tuple(latest.items), latest.next))


async def _form(request: Request, token: str, form: Form, status: int = 200) -> Response:
    return await render(request, "setup.html", {"token": token, "form": form}, status=status)


async def setup_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    if not await service.setup_token_valid(token):
        raise NotFound(
            Message(
                "This setup link is not valid (any more). If no administrator exists yet, restart the server: it "
                "prints a new one."
            )
        )
    return await _form(request, token, Form())


async def setup_submit(request: Request) -> Response:
    form = await read_form(request, files=("logo",))
    site = site_of(request)
    await limits.check_sign_up(site, request, "setup")
    fields = Form.of(form, ("username", "email", "password", "site_name", "site_description"))
    token = str(form.get("token", ""))
    values = dict(fields.values)
    club = {key: values.pop(key) for key in ("site_name", "site_description")}
    logo = await chosen(form, "logo")
    try:
        if logo is not None:  # checked before anything is written: a refused logo leaves the setup undone
            await check_picture(logo, await picture_limits(request), field="logo", square=LOGO)
        user = await service.complete_setup(passwords_of(site.config), token, site=club, **values)
    except ValidationError as error:
        fields.errors = error.fields
        return await _form(request, token, fields, status=400)
    if logo is not None:
        upload = await receive_picture(request, user, logo, field="logo", square=LOGO)
        await service.update_site_settings(user, {"logo": upload.name})
    site.settings.forget()
    await log_in(request, user)
    return RedirectResponse("/", status_code=303)


async def healthz(request: Request) -> Response:
    """Liveness: the worker answers."""
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    """Readiness: whether the database, the search index and the pictures' store answer (503 naming what does
    not), for a load balancer deciding where to send requests."""
    found = await operations.readiness(request.app.state.search, site_of(request).store)
    ready = all(state == "ok" for state in found.values())
    return JSONResponse(found, status_code=200 if ready else 503, headers={"cache-control": "no-store"})


async def prometheus_metrics(request: Request) -> Response:
    """``/metrics`` for Prometheus, to whoever sends ``Authorization: Bearer QUANZI_METRICS_TOKEN``; without that
    setting there is none."""
    token = site_of(request).config.metrics_token
    if not token:
        raise NotFound()
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return PlainTextResponse("a Bearer token is needed", status_code=401, headers={"www-authenticate": "Bearer"})
    body = metrics.exposition(await operations.readings())
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"})


async def site_css(request: Request) -> Response:
    """The club's own colour over the theme's (an admin setting); linked with the colour in its address, so that it
    is kept a long time and changes with it."""
    accent = (await site_of(request).settings.current())["accent_color"]
    css = ""
    if service.ACCENT_PATTERN.match(accent):
        css = (
            f"@media (prefers-color-scheme: light) {{ :root {{ --accent: {accent}; "
            f"--accent-soft: color-mix(in srgb, {accent} 12%, white); }} }}\n"
        )
    return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=86400"})


async def share_card(request: Request) -> Response:
    """The picture of a shared link whose page has none (core.web.share): its title on the club's colour."""
    site = site_of(request)
    found = card_request(site.config.secret_key, request.query_params)
    if found is None:
        raise NotFound(Message("No such picture."))
    title, tint = found
    name = (await site.settings.current())["site_name"]
    data = await run_in_threadpool(draw_card, title, tint, name)
    return Response(data, media_type="image/png", headers={"cache-control": "public, max-age=86400"})


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the theme's icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


routes: list[BaseRoute] = [
    Route("/", home, methods=["GET"]),
    Route("/setup", setup_page, methods=["GET"]),
    Route("/setup", setup_submit, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", prometheus_metrics, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET"]),
    Route("/share-card.png", share_card, methods=["GET"]),
    Route("/site.css", site_css, methods=["GET"]),
]
