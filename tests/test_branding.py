"""A site that looks like its club: the club's logo beside its name and on shared links, a circle's colour and
cover picture on its page and its shared links (and a private circle's cover seen by its members only)."""

from __future__ import annotations

import io
import re

import pytest
from conftest import make_circle
from pages import browser
from PIL import Image

from core.accounts.models import Role, User


def photo(width: int, height: int, colour=(30, 110, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


async def make_admin(username: str) -> None:
    await User.filter(username=username).update(role=Role.ADMIN)


@pytest.fixture
def site(client):
    client.headers["accept-language"] = "en"
    return client


def og_image(page: str) -> str | None:
    found = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    return found.group(1) if found else None


def test_the_admin_sets_the_clubs_logo_shown_on_every_page_and_shared_links(site, member):
    owner = member("owner")
    make_circle(site, owner, "hikers", description="Walks every Saturday")
    csrf = browser(site, "root")
    site.portal.call(make_admin, "root")
    assert "/share-card.png?t=Hikers" in og_image(site.get("/c/hikers").text)  # no logo yet: a card is drawn

    saved = site.post(
        "/admin/settings", data={"csrf_token": csrf}, files={"logo": ("logo.jpg", photo(800, 600), "image/jpeg")}
    )
    assert saved.status_code == 200, saved.text
    site.app.state.site.settings.forget()
    logo = re.search(
        r'<img class="logo" src="(/uploads/[0-9a-f]{64}\.jpg)" alt="" width="32" height="32">', site.get("/").text
    ).group(1)
    guest = site.get(logo, headers={"cookie": ""})
    assert guest.status_code == 200 and Image.open(io.BytesIO(guest.content)).size == (512, 512)  # the centre square
    assert og_image(site.get("/c/hikers").text) == f"http://testserver{logo}"  # chat apps show the logo

    refused = site.post(
        "/admin/settings",
        data={"csrf_token": csrf},
        files={"logo": ("logo.svg", b"<svg onload=alert(1)/>", "image/svg+xml")},
    )
    assert refused.status_code == 400 and "SVG" in refused.text
    site.app.state.site.settings.forget()
    assert logo in site.get("/").text  # the refused file changed nothing
    typed = site.post("/admin/settings", data={"csrf_token": csrf, "logo": "../../secret_key"})
    assert typed.status_code == 200  # a typed name is ignored: only a picture sent sets the logo
    site.app.state.site.settings.forget()
    assert logo in site.get("/").text

    site.post("/admin/settings", data={"csrf_token": csrf, "remove_logo": "1"})
    site.app.state.site.settings.forget()
    assert 'class="logo"' not in site.get("/").text


def test_a_circle_takes_a_colour_and_a_cover_on_its_page_and_shared_links(site, member):
    csrf = browser(site, "owner")
    site.post("/circles/new", data={"csrf_token": csrf, "name": "Hikers", "slug": "hikers"})
    form = site.get("/c/hikers/settings").text
    assert 'name="tint"' in form and 'name="cover"' in form
    values = {"csrf_token": csrf, "name": "Hikers", "slug": "hikers", "visibility": "public", "join_policy": "open"}
    wrong = site.post("/c/hikers/settings", data={**values, "tint": "#ff0000"})
    assert wrong.status_code == 400 and "colours offered" in wrong.text
    saved = site.post(
        "/c/hikers/settings",
        data={**values, "tint": "green"},
        files={"cover": ("cover.jpg", photo(2400, 900), "image/jpeg")},
    )
    assert saved.status_code == 200, saved.text
    circle = site.get("/api/v1/circles/hikers").json()
    assert circle["tint"] == "green" and circle["cover_url"].startswith("/uploads/")
    page = site.get("/c/hikers").text
    assert 'class="card circle-card tint-green"' in page
    assert f'<img class="circle-cover" src="{circle["cover_url"]}"' in page and 'width="1600" height="600"' in page
    assert og_image(page) == f"http://testserver{circle['cover_url']}"
    thread = site.post("/c/hikers/new", data={"csrf_token": csrf, "title": "Saturday", "body": "Meet at nine"}).text
    assert og_image(thread) == f"http://testserver{circle['cover_url']}"
    assert site.get(circle["cover_url"], headers={"cookie": ""}).status_code == 200

    saved = site.post("/c/hikers/settings", data={**values, "tint": "", "remove_cover": "1"})
    assert saved.url.path == "/c/hikers/settings" and "Saved." in saved.text  # the form says it saved
    circle = site.get("/api/v1/circles/hikers").json()
    assert circle["tint"] == "" and circle["cover_url"] is None


def test_a_private_circles_cover_is_seen_by_its_members_only(site, member):
    outsider = member("outsider")
    csrf = browser(site, "owner")
    site.post("/circles/new", data={"csrf_token": csrf, "name": "Board", "slug": "board", "visibility": "private"})
    values = {"csrf_token": csrf, "name": "Board", "slug": "board", "visibility": "private", "join_policy": "invite"}
    site.post("/c/board/settings", data=values, files={"cover": ("c.jpg", photo(1200, 400), "image/jpeg")})
    cover = site.get("/api/v1/circles/board").json()["cover_url"]
    assert cover and site.get(cover).status_code == 200
    assert site.get(cover, headers={"cookie": "", **outsider.auth}).status_code == 404
    assert site.get(cover, headers={"cookie": ""}).status_code == 404


def test_a_colour_from_the_api_must_be_one_offered(site, member):
    owner = member("owner")
    refused = site.post(
        "/api/v1/circles", json={"slug": "club", "name": "Club", "tint": "chartreuse"}, headers=owner.auth
    )
    assert refused.status_code == 400 and "tint" in refused.json()["error"]["fields"]
    make_circle(site, owner, "club", tint="teal")
    changed = site.patch("/api/v1/circles/club", json={"tint": "red"}, headers=owner.auth)
    assert changed.status_code == 200 and changed.json()["tint"] == "red"
