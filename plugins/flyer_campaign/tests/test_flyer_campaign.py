"""The flyer campaign through HTTP: the template makes a campaign whose public page carries a real share card and a
sign-up that makes a stranger a member of the club in one step (a private circle's too); the owner edits the page
from blocks; views are counted in batches; a referral is credited only once the newcomer posts; the funnel and the
sign-ups are the owners' alone; bots make no account."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from starlette.testclient import TestClient

from core.testing import Member, another_browser, make_circle, make_thread, register, sign_in, wait_for_jobs

PLUGINS = ["flyer_campaign"]


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(
        plugins=PLUGINS, plugin_settings={"flyer_campaign": {"guest_min_seconds": 0}}, base_url="http://club.example"
    )
    client.headers["accept-language"] = "en"
    return client


def start(client: TestClient, owner: Member, slug: str, title: str = "春季品鉴会", publish: bool = True) -> str:
    """A campaign made by the template (a draft), published by its owner; its address's token."""
    response = client.post(
        f"/api/v1/circles/{slug}/templates/flyer-campaign", json={"title": title}, headers=owner.auth
    )
    assert response.status_code == 201, response.text
    created = response.json()["created"]
    assert [item["kind"] for item in created] == ["campaign", "editor", "qr", "funnel"]
    token = created[0]["url"].rsplit("/", 1)[1]
    assert re.fullmatch(r"[a-z2-9]{12}", token)  # unguessable: no campaign number in it
    if publish:
        published = client.post(f"/api/v1/flyers/{token}/publish", headers=owner.auth)
        assert published.status_code == 200 and published.json()["state"] == "published"
    return token


def form_of(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return fields


def test_a_stranger_signs_up_from_the_page_and_lands_in_the_private_club(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine", visibility="private", join_policy="approval")
    campaign = start(site, owner, "wine")
    guest = another_browser(site)
    page = guest.get(f"/f/{campaign}?utm_source=wechat_group&utm_medium=chat")
    assert page.status_code == 200
    assert '<meta property="og:title" content="春季品鉴会">' in page.text
    assert f'<meta property="og:url" content="http://club.example/f/{campaign}">' in page.text
    assert f"/f/{campaign}/qr.svg" in page.text
    qr = guest.get(f"/f/{campaign}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg")
    assert f'href="/f/{campaign}/join?utm_source=wechat_group&amp;utm_medium=chat"' in page.text
    fields = form_of(guest.get(f"/f/{campaign}/join?utm_source=wechat_group&utm_medium=chat").text)
    assert fields["utm_source"] == "wechat_group"  # carried in the form: chat apps' browsers drop cookies
    data = {
        **fields,
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "a long enough secret",
        "consent": "1",
    }
    refused = guest.post(f"/f/{campaign}/signup", data={**data, "consent": ""})
    assert refused.status_code == 400
    assert (
        'id="f-consent" type="checkbox" name="consent" value="1" required aria-invalid="true" '
        'aria-describedby="e-consent"'
        in refused.text
        and 'id="e-consent"' in refused.text
    )  # the error tied to its box
    assert 'href="#f-consent"' in refused.text  # and listed first, in the error summary
    joined = guest.post(f"/f/{campaign}/signup", data=data, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == "/c/wine?welcome=1"
    assert guest.get("/c/wine").status_code == 200  # signed in, and a member of the private circle

    funnel = site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()
    assert (funnel["signups"], funnel["joined"], funnel["first_posts"]) == (1, 1, 0)
    assert funnel["sources"] == [{"utm_source": "wechat_group", "signups": 1, "active": 0}]
    exported = site.get(f"/api/v1/flyers/{campaign}/signups.csv", headers=owner.auth)
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[1][0] == "newbie" and rows[1][-2].startswith("I agree that Wine")  # the consent kept with it


def test_views_are_counted_by_the_pages_picture_in_batches(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine")
    for _ in range(3):
        assert site.get(f"/f/{campaign}/v.gif").headers["cache-control"] == "no-store"
    assert site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()["views"] == 3


def test_a_referral_counts_only_once_the_newcomer_posts(site):
    owner, friend = register(site, "owner"), register(site, "friend")
    make_circle(site, owner, "wine")
    site.post("/api/v1/circles/wine/join", headers=friend.auth)
    campaign = start(site, owner, "wine")
    inviter = another_browser(site)
    sign_in(inviter, "friend")
    invite = inviter.get(f"/f/{campaign}/invite").text
    link = re.search(r'value="(http://club.example/f/[a-z2-9]+\?ref=([a-z0-9]+))"', invite)
    assert link, invite
    code = link.group(2)
    guest = another_browser(site)
    page = guest.get(f"/f/{campaign}/join?ref={code}").text
    data = {
        **form_of(page),
        "username": "cousin",
        "email": "cousin@example.com",
        "password": "a long enough secret",
        "consent": "1",
    }
    assert data["ref"] == code
    assert guest.post(f"/f/{campaign}/signup", data=data, follow_redirects=False).status_code == 303
    funnel = site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()
    assert funnel["referrers"] == [{"username": "friend", "signups": 1, "active": 0}]  # not for a mere sign-up
    token = site.post("/api/v1/auth/token", json={"login": "cousin", "password": "a long enough secret"}).json()
    make_thread(site, Member("cousin", token["token"]), "wine", "Hello 大家好", "Glad to be here")
    funnel = site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()
    assert funnel["referrers"] == [{"username": "friend", "signups": 1, "active": 1}] and funnel["first_posts"] == 1


def test_the_owner_builds_the_page_from_blocks(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine")
    editor = another_browser(site)
    csrf = sign_in(editor, "owner")
    page = editor.get(f"/f/{campaign}/edit")
    assert page.status_code == 200
    added = editor.post(
        f"/f/{campaign}/edit/add",
        data={"csrf_token": csrf, "kind": "heading", "text": "4 月 12 日 · 会所"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    blocks = re.findall(r'name="block" value="(\d+)"', editor.get(f"/f/{campaign}/edit").text)
    last = blocks[-1]
    for _ in range(2):  # above the button, then above the form
        editor.post(f"/f/{campaign}/edit/up", data={"csrf_token": csrf, "block": last})
    for elsewhere in ("javascript:alert(1)", "/\\evil.example", "//evil.example"):  # never off the site
        bad = editor.post(
            f"/f/{campaign}/edit/add", data={"csrf_token": csrf, "kind": "button", "label": "Go", "url": elsewhere}
        )
        assert bad.status_code == 400, elsewhere
    public = site.get(f"/f/{campaign}").text
    assert public.index("4 月 12 日 · 会所") < public.index('id="signup"')  # moved up, above the form
    editor.post(f"/f/{campaign}/edit/remove", data={"csrf_token": csrf, "block": last})
    assert "4 月 12 日" not in site.get(f"/f/{campaign}").text
    other = register(site, "nosy")
    for path in (f"/api/v1/flyers/{campaign}/funnel", f"/api/v1/flyers/{campaign}/signups.csv"):
        assert site.get(path, headers=other.auth).status_code == 404
    assert site.get(f"/f/{campaign}/edit", headers=other.auth).status_code == 404


def test_a_bot_is_counted_apart_and_makes_no_account(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine")
    guest = another_browser(site)
    data = {
        **form_of(guest.get(f"/f/{campaign}/join").text),
        "username": "spammer",
        "email": "s@example.com",
        "password": "a long enough secret",
        "consent": "1",
        "qz_homepage": "http://spam.example",
    }
    answer = guest.post(f"/f/{campaign}/signup", data=data)
    assert answer.status_code == 200
    funnel = site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()
    assert (funnel["signups"], funnel["bots"]) == (0, 1)
    assert (
        site.post("/api/v1/auth/token", json={"login": "spammer", "password": "a long enough secret"}).status_code
        == 401
    )


def test_posters_and_the_share_card_check(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine", title="春季品鉴会 · 会所 · 4 月 12 日下午两点整")
    for size, dimensions in (("a4", (1240, 1754)), ("phone", (1080, 1920))):
        poster = site.get(f"/f/{campaign}/poster.png", params={"size": size})
        assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(poster.content)) as image:
            assert image.size == dimensions
            width, height = image.size
            middle = image.convert("L").crop((width // 3, height // 2, 2 * width // 3, 3 * height // 4))
            assert middle.getextrema()[0] < 50  # the QR code's dark modules are drawn
    check = site.get(f"/f/{campaign}/card", headers=owner.auth)
    assert check.status_code == 200
    assert "No picture of its own" in check.text and "14 Chinese characters" in check.text and "https" in check.text
    assert site.get(f"/f/{campaign}/card", headers=register(site, "nosy").auth).status_code == 404
    # no picture and no logo: the shared link still shows one, drawn with its title in the club's colour
    page = another_browser(site).get(f"/f/{campaign}").text
    image = html.unescape(re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1))
    assert image.startswith("http://club.example/share-card.png?")
    drawn = site.get(image.removeprefix("http://club.example"))
    assert drawn.status_code == 200 and drawn.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(drawn.content)) as card:
        assert card.size == (600, 600) and len(card.convert("RGB").getcolors(600 * 600) or []) > 2  # words on it
    forged = image.removeprefix("http://club.example").replace("t=", "t=Free%20money%20", 1)
    assert site.get(forged).status_code == 404  # only the site's own pages make cards


def test_the_campaigns_own_questions_are_asked_and_kept(site):
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine")
    editor = another_browser(site)
    csrf = sign_in(editor, "owner")
    saved = editor.post(
        f"/f/{campaign}/edit/settings",
        data={
            "csrf_token": csrf,
            "title": "Spring tasting",
            "description": "Come along",
            "consent": "I agree.",
            "questions": "Which wine do you like?",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    guest = another_browser(site)
    page = guest.get(f"/f/{campaign}/join").text
    assert "Which wine do you like?" in page and "I agree." in page
    data = {
        **form_of(page),
        "username": "taster",
        "email": "taster@example.com",
        "password": "a long enough secret",
        "consent": "1",
        "a0": "Riesling",
    }
    assert guest.post(f"/f/{campaign}/signup", data=data, follow_redirects=False).status_code == 303
    exported = site.get(f"/api/v1/flyers/{campaign}/signups.csv", headers=owner.auth)
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][-1] == "Which wine do you like?" and rows[1][-1] == "Riesling" and rows[1][-3] == "I agree."


def test_a_newcomers_first_event_registration_counts_as_taking_part(quanzi_site):
    site = quanzi_site(
        plugins=["flyer_campaign", "events"], plugin_settings={"flyer_campaign": {"guest_min_seconds": 0}}
    )
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    campaign = start(site, owner, "wine")
    start_at = datetime.now(UTC) + timedelta(days=5)
    event = site.post(
        "/api/v1/circles/wine/events",
        headers=owner.auth,
        json={
            "title": "Tasting",
            "body": "At the club",
            "starts_at": start_at.isoformat(),
            "ends_at": (start_at + timedelta(hours=2)).isoformat(),
        },
    ).json()
    guest = another_browser(site)
    data = {
        **form_of(guest.get(f"/f/{campaign}/join").text),
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "a long enough secret",
        "consent": "1",
    }
    assert guest.post(f"/f/{campaign}/signup", data=data, follow_redirects=False).status_code == 303
    assert site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()["first_posts"] == 0
    token = site.post("/api/v1/auth/token", json={"login": "newbie", "password": "a long enough secret"}).json()
    registered = site.post(
        f"/api/v1/events/{event['id']}/registrations",
        json={"answers": []},
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert registered.status_code == 200
    assert site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()["first_posts"] == 1


def test_the_page_speaks_the_campaigns_language_whatever_the_browsers(site):
    owner = register(site, "owner")  # signed up on English pages, then chose Chinese
    assert site.patch("/api/v1/me", json={"locale": "zh_CN"}, headers=owner.auth).status_code == 200
    make_circle(site, owner, "wine")
    response = site.post("/api/v1/circles/wine/templates/flyer-campaign", json={}, headers=owner.auth)
    campaign = response.json()["created"][0]["url"].rsplit("/", 1)[1]
    site.post(f"/api/v1/flyers/{campaign}/publish", headers=owner.auth)
    page = another_browser(site).get(f"/f/{campaign}", headers={"accept-language": "en"})
    assert '<html lang="zh-CN">' in page.text and "注册并加入" in page.text and "春季品鉴会" in page.text
    assert "csrf_token" not in page.text  # nothing of one visitor's: the guest cache keeps it


def test_cards_feature_the_circles_events_products_group_buys_and_surveys_as_they_are_today(quanzi_site):
    site = quanzi_site(plugins=["flyer_campaign", "events", "shop", "polls"])
    site.headers["accept-language"] = "en"
    owner = register(site, "owner")
    make_circle(site, owner, "wine")
    make_circle(site, owner, "other")
    campaign = start(site, owner, "wine")
    starts = datetime(2030, 4, 12, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
    event = site.post(
        "/api/v1/circles/wine/events",
        headers=owner.auth,
        json={
            "title": "Spring tasting",
            "body": "At the club",
            "starts_at": starts.isoformat(),
            "timezone": "Asia/Shanghai",
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "location": "The cellar",
        },
    ).json()
    product = site.post(
        "/api/v1/circles/wine/products", headers=owner.auth, json={"name": "Riesling 2024", "price": "88.50"}
    ).json()
    group_buy = site.post(
        "/api/v1/circles/wine/group-buys",
        headers=owner.auth,
        json={
            "product_id": product["id"],
            "price": "70",
            "min_count": 2,
            "max_count": 10,
            "title": "Riesling together",
            "deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
        },
    ).json()
    survey = site.post(
        "/api/v1/circles/wine/surveys",
        headers=owner.auth,
        json={"title": "What shall we taste?", "questions": [{"kind": "short_text", "text": "Which wine?"}]},
    ).json()
    elsewhere = site.post("/api/v1/circles/other/products", headers=owner.auth, json={"name": "Beer", "price": "9"})
    editor = another_browser(site)
    csrf = sign_in(editor, "owner")
    offered = re.findall(r'<option value="([a-z_]+:\d+)"', editor.get(f"/f/{campaign}/edit").text)
    keys = [
        f"event:{event['id']}",
        f"group_buy:{group_buy['id']}",
        f"product:{product['id']}",
        f"survey:{survey['id']}",
    ]
    assert sorted(set(offered)) == sorted(keys)  # the circle's own, not another circle's
    for key in keys:
        added = editor.post(
            f"/f/{campaign}/edit/add", data={"csrf_token": csrf, "kind": "card", "item": key}, follow_redirects=False
        )
        assert added.status_code == 303, added.text
    for bad in ("", f"product:{elsewhere.json()['id']}", "event:999999", "nonsense"):
        refused = editor.post(f"/f/{campaign}/edit/add", data={"csrf_token": csrf, "kind": "card", "item": bad})
        assert refused.status_code == 400 and "Choose one of the circle" in refused.text
    page = another_browser(site).get(f"/f/{campaign}").text
    assert f'href="/events/{event["id"]}"' in page and "Spring tasting" in page and "The cellar" in page
    assert "Apr 12, 2030, 7:00 PM" in page  # in the event's zone, the year in full
    assert f'href="/products/{product["id"]}"' in page and "¥88.50" in page
    assert "Riesling together" in page and "¥70.00" in page and "until" in page
    assert f'href="/surveys/{survey["id"]}"' in page and "What shall we taste?" in page
    # Today's price, always; a product taken off sale drops from the page, and its owner is told in the editor
    site.put(
        f"/api/v1/products/{product['id']}",
        headers=owner.auth,
        json={"name": "Riesling 2024", "price": "80", "on_sale": False},
    )
    page = editor.get(f"/f/{campaign}").text
    assert f'href="/products/{product["id"]}"' not in page and "¥70.00" in page
    assert "no longer offers this" in editor.get(f"/f/{campaign}/edit").text


def test_a_campaign_is_a_draft_until_published_cannot_be_walked_to_and_can_be_closed_and_deleted(site):
    owner, stranger = register(site, "owner"), register(site, "stranger")
    make_circle(site, owner, "inner", visibility="private", join_policy="invite")
    token = start(site, owner, "inner", publish=False)
    guest = another_browser(site)
    assert guest.get(f"/f/{token}").status_code == 404  # a draft: nobody but its owners
    assert site.get(f"/f/{token}", headers=stranger.auth).status_code == 404
    draft = site.get(f"/f/{token}", headers=owner.auth)
    assert draft.status_code == 200 and "A draft" in draft.text
    for number in range(1, 4):  # the old numbered addresses lead nowhere
        assert guest.get(f"/f/{number}").status_code == 404 and guest.get(f"/f/{number}/join").status_code == 404
    assert site.post(f"/api/v1/flyers/{token}/publish", headers=stranger.auth).status_code == 404
    assert site.post(f"/api/v1/flyers/{token}/publish", headers=owner.auth).json()["state"] == "published"
    assert guest.get(f"/f/{token}").status_code == 200
    closed = site.post(f"/api/v1/flyers/{token}/close", headers=owner.auth)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    page = guest.get(f"/f/{token}")
    assert page.status_code == 200 and "This campaign has ended." in page.text and f"/f/{token}/join" not in page.text
    assert guest.get(f"/f/{token}/join", follow_redirects=False).status_code == 303  # back to the page that says so
    data = {"username": "latecomer", "email": "late@example.com", "password": "correct horse battery", "consent": "1"}
    assert guest.post(f"/f/{token}/signup", data=data, follow_redirects=False).status_code in (303, 403)
    assert site.get("/api/v1/users/latecomer").status_code == 404  # no account made
    assert site.delete(f"/api/v1/flyers/{token}", headers=stranger.auth).status_code == 404
    assert site.delete(f"/api/v1/flyers/{token}", headers=owner.auth).status_code == 204
    assert guest.get(f"/f/{token}").status_code == 404
    assert site.get(f"/api/v1/flyers/{token}/funnel", headers=owner.auth).status_code == 404


def test_the_campaigns_pictures_are_public_and_kept(site):
    """Its share picture and a picture block are seen by guests (WeChat's card fetches it as one), and recorded as
    used, so that they are not forgotten after a day."""
    owner = register(site, "owner")
    make_circle(site, owner, "wine", visibility="private", join_policy="invite")
    campaign = start(site, owner, "wine")
    editor = another_browser(site)
    csrf = sign_in(editor, "owner")
    photo = io.BytesIO()
    Image.new("RGB", (800, 800), (120, 20, 60)).save(photo, "JPEG")
    saved = editor.post(
        f"/f/{campaign}/edit/settings",
        data={
            "csrf_token": csrf,
            "title": "Spring tasting",
            "description": "Come along",
            "consent": "I agree.",
            "questions": "",
        },
        files={"image": ("share.jpg", photo.getvalue(), "image/jpeg")},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = another_browser(site).get(f"/f/{campaign}").text
    image = html.unescape(re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1))
    assert "/uploads/" in image
    # a guest sees it: a picture is seen only where a use says so, so the campaign recorded its use, as public
    assert another_browser(site).get(image.removeprefix("http://club.example")).status_code == 200


def test_a_guest_scans_the_flyer_and_signs_up_with_a_phone_number_and_the_texted_code(quanzi_site, text_gateway):
    """Where the site sends text messages, the flyer's form asks for a phone number and a code: no username, no
    password, no e-mail; the new member lands in the circle, and the funnel counts them."""
    site = quanzi_site(
        plugins=PLUGINS, plugin_settings={"flyer_campaign": {"guest_min_seconds": 0}}, sms=text_gateway.sender
    )
    owner = register(site, "owner")
    make_circle(site, owner, "wine", visibility="private", join_policy="approval")
    campaign = start(site, owner, "wine")
    guest = another_browser(site)
    form = guest.get(f"/f/{campaign}/join?utm_source=poster").text
    assert 'name="phone"' in form and 'name="password"' not in form and "/join?with=password" in form
    fields = form_of(form)
    sent = guest.post(f"/f/{campaign}/signup", data={**fields, "phone": "138 0013 8000", "step": "send"})
    assert sent.status_code == 200 and "+8613800138000" in sent.text and 'name="code"' in sent.text
    wait_for_jobs(site)
    code = text_gateway.code_for("+8613800138000")
    data = {**form_of(sent.text), "phone": "+8613800138000", "code": code, "consent": "1"}
    wrong = guest.post(f"/f/{campaign}/signup", data={**data, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and 'id="e-code"' in wrong.text  # one try of five spent, nothing made
    joined = guest.post(f"/f/{campaign}/signup", data=data, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == "/c/wine?welcome=1"
    assert guest.get("/c/wine").status_code == 200  # signed in, a member of the private circle
    funnel = site.get(f"/api/v1/flyers/{campaign}/funnel", headers=owner.auth).json()
    assert (funnel["signups"], funnel["joined"]) == (1, 1)
    assert guest.get(f"/f/{campaign}/join?with=password").text.count('name="password"') == 0  # signed in: no form
