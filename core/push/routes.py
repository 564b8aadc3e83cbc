"""What makes the site installable on a phone: its web app manifest, its service worker (at the site's root, so
that it serves every page) and the page it shows offline for a page never seen."""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.site.service import THEMES_DIR
from core.web.pages import render
from core.web.site import site_of

THEME_COLOUR = "#0a5fb4"  # the default theme's link colour, as in its favicon


@cache
def _worker_script() -> bytes:
    return (THEMES_DIR / "default" / "static" / "sw.js").read_bytes()


async def service_worker(request: Request) -> Response:
    headers = {"cache-control": "no-cache", "service-worker-allowed": "/"}
    return Response(_worker_script(), media_type="text/javascript", headers=headers)


async def manifest(request: Request) -> Response:
    settings = await site_of(request).settings.current()
    icons = [
        {"src": f"/static/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
        for size in (192, 512)
    ]
    body = {
        "name": settings["site_name"],
        "short_name": settings["site_name"][:12],
        "description": settings["site_description"],
        "lang": settings["default_locale"].replace("_", "-"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": settings["accent_color"] or THEME_COLOUR,
        "icons": icons,
    }
    return JSONResponse(body, media_type="application/manifest+json", headers={"cache-control": "public, max-age=300"})


async def offline(request: Request) -> Response:
    return await render(request, "offline.html", {})


routes: list[BaseRoute] = [
    Route("/sw.js", service_worker, methods=["GET"]),
    Route("/manifest.webmanifest", manifest, methods=["GET"]),
    Route("/offline", offline, methods=["GET"]),
]
