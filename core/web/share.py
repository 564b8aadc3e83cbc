"""Share cards: what a public page shows when its link is pasted into WeChat, QQ or any other app (OpenGraph tags
with absolute URLs), its QR code (SVG to print sharp, PNG for chat apps), and a printable share page.

A page puts ``share_card=ShareCard(...)`` in its context and ``base.html`` writes the tags; ``qr_response(url,
"svg")`` answers a QR code route; the ``share.html`` template (extend it, fill ``share_notes``) is the page with
the link, the code, a download and a print button."""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import segno
from starlette.requests import Request
from starlette.responses import Response

from core.access.scope import is_public
from core.circles.models import Circle
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


async def share_image(request: Request, picture: str = "", *, title: str = "", tint: str = "") -> str:
    """The image a share card shows, absolute: ``picture`` (a stored picture's file name: a circle's cover), else the
    site's logo, else a card drawn with ``title`` on the colour of ``tint`` (a circle's; "" the site's): every
    shared link has a picture."""
    name = picture or (await site_of(request).settings.current()).get("logo", "")
    if name:
        return absolute_url(request, f"/uploads/{name}")
    return absolute_url(request, card_path(site_of(request).config.secret_key, title, tint)) if title else ""


async def circle_share_card(
    request: Request, circle: Circle, title: str, path: str, description: str = "", picture: str = ""
) -> ShareCard | None:
    """The share card of a page of ``circle`` (a meeting, a club, a showcase): its title, a line, a picture (its
    own, the circle's cover, the logo, else a drawn card) and its QR code; None for a private circle's page, which
    tells chat apps nothing."""
    if not is_public(circle):
        return None
    image = await share_image(request, picture or circle.cover, title=title, tint=circle.tint)
    return ShareCard(title, absolute_url(request, path), description[:200], image=image)


def _signature(secret: str, title: str, tint: str) -> str:
    return hmac.new(secret.encode(), f"share-card\n{title}\n{tint}".encode(), hashlib.sha256).hexdigest()[:20]


@lru_cache(maxsize=1024)
def card_path(secret: str, title: str, tint: str) -> str:
    """The address of the drawn card of ``title``: signed, so that only the site's own pages make cards (nobody
    serves their own words in a picture from this site); made once per title, as each page that shows it asks."""
    title = title[:100]
    return "/share-card.png?" + urlencode({"t": title, "c": tint, "s": _signature(secret, title, tint)})


def card_request(secret: str, query: Mapping[str, str]) -> tuple[str, str] | None:
    """The title and tint of a card's address, when its signature holds."""
    title, tint = query.get("t", ""), query.get("c", "")
    return (title, tint) if hmac.compare_digest(query.get("s", ""), _signature(secret, title, tint)) else None


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
