"""Share cards: what a public page shows when its link is pasted into WeChat, QQ or any other app (OpenGraph tags
with absolute URLs), its QR code (SVG to print sharp, PNG for chat apps), and a printable share page.

A page puts ``share_card=ShareCard(...)`` in its context and ``base.html`` writes the tags; ``qr_response(url,
"svg")`` answers a QR code route; the ``share.html`` template (extend it, fill ``share_notes``) is the page with
the link, the code, a download and a print button."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from starlette.requests import Request
from starlette.responses import Response

from core.web.site import site_of

QR_KINDS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class ShareCard:
    title: str
    url: str  # absolute: apps fetch it from elsewhere
    description: str = ""
    image: str = ""  # absolute; WeChat shows an image of at least 300 × 300
    qr: str = ""  # the path of its QR code (``/surveys/1/qr.svg``)


def absolute_url(request: Request, path: str) -> str:
    """``path`` on this site, absolute: ``QUANZI_BASE_URL`` when set, else the address this request came to."""
    return site_of(request).base_url(request) + path


async def share_image(request: Request, picture: str = "") -> str:
    """The image a share card shows, absolute: ``picture`` (a stored picture's file name: a circle's cover), else the
    site's logo, else none."""
    name = picture or (await site_of(request).settings.current()).get("logo", "")
    return absolute_url(request, f"/uploads/{name}") if name else ""


def qr_code(url: str, kind: str = "svg", scale: int = 6) -> bytes:
    """The QR code of ``url`` (medium error correction: survives a crease in a printed flyer)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind=kind, scale=scale, border=2)
    return out.getvalue()


def qr_response(url: str, kind: str = "svg", *, public: bool = False) -> Response:
    """A QR code route's answer: SVG or PNG (a PNG large enough to print), kept by browsers an hour; shared
    caches only for a ``public`` page's code."""
    scale = 6 if kind == "svg" else 12
    cache = f"{'public' if public else 'private'}, max-age=3600"
    return Response(qr_code(url, kind, scale), media_type=QR_KINDS[kind], headers={"cache-control": cache})
