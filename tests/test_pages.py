"""Every page, through HTTP, as a member's browser would use it (English pages unless a test says otherwise)."""

from __future__ import annotations

import html
import re

import pytest
from conftest import PASSWORD, make_circle, make_thread, reply
from pages import browser, csrf_of

from core.accounts.models import Role

EN = {"Accept-Language": "en"}


@pytest.fixture
def client(client):
    client.headers.update(EN)
    return client


def test_the_home_page_lists_circles_and_latest_discussions_the_viewer_may_see(client, member):
    alice = member("alice")
    make_circle(client, alice, "walks", name="City walks")
    make_circle(client, alice, "secret", name="Hidden room", visibility="private")
    make_thread(client, alice, "walks", "Saturday walk")
    make_thread(client, alice, "secret", "Secret plan")
    page = client.get("/")
    assert page.status_code == 200
    assert "City walks" in page.text and "Saturday walk" in page.text
    assert "Hidden room" not in page.text and "Secret plan" not in page.text


def test_a_visitor_signs_up_and_is_logged_in(client):
    csrf = csrf_of(client)
    response = client.post(
        "/register",
        data={"username": "新人", "email": "new@example.com", "password": PASSWORD, "csrf_token": csrf, "next": "/c/x"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/c/x"
    assert client.get("/api/v1/me").json()["username"] == "新人"


def test_a_failed_sign_up_keeps_what_was_typed_and_shows_each_error_by_its_field(client, member):
    member("taken")
    csrf = csrf_of(client)
    page = client.post(
        "/register", data={"username": "taken", "email": "fresh@example.com", "password": "short", "csrf_token": csrf}
    )
    assert page.status_code == 400
    assert 'value="taken"' in page.text and 'value="fresh@example.com"' in page.text
    assert 'id="e-password"' in page.text and 'aria-invalid="true"' in page.text
    assert "short" not in re.findall(r'<input[^>]+type="password"[^>]*>', page.text)[0]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x",
    ],
)
def test_login_never_redirects_off_the_site(client, member, target):
    member("bob")
    csrf = csrf_of(client)
    response = client.post(
        "/login",
        data={"login": "bob", "password": PASSWORD, "next": target, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/" or (
        location.startswith("/") and not location.startswith(("//", "/\\")) and "\n" not in location
    )


def test_login_goes_on_to_a_same_site_next_page(client, member):
    member("bob")
    csrf = csrf_of(client)
    response = client.post(
        "/login",
        data={"login": "BOB", "password": PASSWORD, "next": "/u/bob", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/u/bob"


def test_a_wrong_password_shows_the_login_form_again(client, member):
    member("bob")
    page = client.post("/login", data={"login": "bob", "password": "wrong one", "csrf_token": csrf_of(client)})
    assert page.status_code == 401
    assert "The login or the password is wrong." in page.text and 'value="bob"' in page.text


POST_FORMS = [
    "/register", "/login", "/logout", "/language", "/circles/new", "/c/club/join", "/c/club/leave", "/c/club/new",
    "/c/club/settings", "/c/club/invite", "/t/1/reply", "/t/1/moderate", "/p/1/edit", "/p/1/delete", "/settings/profile",
    "/settings/password", "/settings/tokens", "/admin/settings", "/admin/users/alice", "/admin/plugins/x/settings",
    "/admin/templates/welcome", "/setup",
]  # fmt: skip


@pytest.mark.parametrize("path", POST_FORMS)
def test_every_form_refuses_a_post_without_its_csrf_token(client, member, path):
    alice = member("alice", Role.ADMIN)
    make_circle(client, alice, "club")
    make_thread(client, alice, "club", "Untouched")
    browser(client, "bob")
    response = client.post(
        path,
        data={"title": "forged", "body": "forged", "name": "forged", "site_name": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "forged" not in client.get("/api/v1/threads").text


def test_a_member_joins_starts_a_discussion_and_a_reply_lands_on_the_thread(client, member):
    alice = member("alice")
    make_circle(client, alice, "club", name="Chess club")
    csrf = browser(client, "bob")
    circle_page = client.get("/c/club")
    assert "Join circle" in circle_page.text
    client.post("/c/club/join", data={"csrf_token": csrf})
    assert "Leave circle" in client.get("/c/club").text
    assert client.get("/c/club/new").status_code == 200
    created = client.post(
        "/c/club/new",
        data={"title": "Openings", "body": "Which **opening**?", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert created.status_code == 303
    thread_url = created.headers["location"]
    replied = client.post(
        f"{thread_url}/reply", data={"body": "The Italian game", "csrf_token": csrf}, follow_redirects=False
    )
    assert replied.status_code == 303
    page = client.get(replied.headers["location"])
    assert "<strong>opening</strong>" in page.text and "The Italian game" in page.text


def test_an_empty_reply_shows_the_error_and_keeps_the_thread_page(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Hello there")
    csrf = browser(client, "bob")
    page = client.post(f"/t/{thread['id']}/reply", data={"body": "   ", "csrf_token": csrf})
    assert page.status_code == 400 and "Write something first." in page.text and "Hello there" in page.text


def test_an_approval_circle_shows_ask_to_join_then_a_waiting_notice(client, member):
    alice = member("alice")
    make_circle(client, alice, "club", join_policy="approval")
    csrf = browser(client, "bob")
    assert "Ask to join" in client.get("/c/club").text
    client.post("/c/club/join", data={"csrf_token": csrf})
    assert "waiting for a moderator" in client.get("/c/club").text


def test_a_moderator_approves_a_request_on_the_members_page(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club", join_policy="approval")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    csrf = browser(client, "alice")
    page = client.get("/c/club/members")
    assert "Requests to join" in page.text and "/c/club/members/bob" in page.text
    client.post("/c/club/members/bob", data={"role": "member", "csrf_token": csrf})
    assert "No requests waiting." in client.get("/c/club/members").text
    assert client.get("/api/v1/circles/club").json()["member_count"] == 2


def test_the_thread_page_pages_long_discussions(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    for index in range(25):
        reply(client, alice, thread["id"], f"reply number {index}")
    first = client.get(f"/t/{thread['id']}")
    second = client.get(f"/t/{thread['id']}?page=2")
    assert "reply number 18" in first.text and "reply number 19" not in first.text
    assert "reply number 19" in second.text and 'aria-current="page">2<' in second.text
    assert client.get(f"/t/{thread['id']}?page=99").status_code == 200  # past the end: the last page


def test_quote_fills_the_reply_with_the_quoted_post(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", body="line one\nline two")
    browser(client, "bob")
    page = client.get(f"/t/{thread['id']}?quote={thread['first_post']['id']}")
    assert "@alice:\n&gt; line one\n&gt; line two" in page.text


def test_quoting_a_post_of_a_private_circle_through_another_thread_shows_nothing(client, member):
    alice = member("alice")
    make_circle(client, alice, "open")
    make_circle(client, alice, "secret", visibility="private")
    public = make_thread(client, alice, "open")
    secret = make_thread(client, alice, "secret", body="the hidden words")
    browser(client, "mallory")
    page = client.get(f"/t/{public['id']}?quote={secret['first_post']['id']}")
    assert page.status_code == 200 and "hidden words" not in page.text


def test_an_author_edits_their_post_and_retitles_the_thread(client, member):
    browser_csrf = browser(client, "alice")
    client.post(
        "/circles/new",
        data={
            "name": "Club",
            "slug": "club",
            "visibility": "public",
            "join_policy": "open",
            "csrf_token": browser_csrf,
        },
    )
    created = client.post(
        "/c/club/new", data={"title": "Typo", "body": "frist", "csrf_token": browser_csrf}, follow_redirects=False
    )
    thread_id = int(created.headers["location"].rsplit("/", 1)[1])
    post_id = client.get(f"/api/v1/threads/{thread_id}").json()["first_post"]["id"]
    assert 'value="Typo"' in client.get(f"/p/{post_id}/edit").text
    client.post(f"/p/{post_id}/edit", data={"title": "Fixed title", "body": "first", "csrf_token": browser_csrf})
    page = client.get(f"/t/{thread_id}")
    assert "Fixed title" in page.text and "first" in page.text and "edited" in page.text


def test_another_member_cannot_open_the_edit_page(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    browser(client, "bob")
    assert client.get(f"/p/{thread['first_post']['id']}/edit").status_code == 404


def test_deleting_asks_first_then_deletes(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    post = reply(client, alice, thread["id"], "regrettable")
    csrf = browser(client, "alice")
    assert "Delete this post?" in client.get(f"/p/{post['id']}/delete").text
    client.post(f"/p/{post['id']}/delete", data={"csrf_token": csrf})
    assert "regrettable" not in client.get(f"/t/{thread['id']}").text


def test_a_moderator_pins_and_locks_from_the_thread_page(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    csrf = browser(client, "alice")
    client.post(f"/t/{thread['id']}/moderate", data={"action": "pin", "csrf_token": csrf})
    client.post(f"/t/{thread['id']}/moderate", data={"action": "lock", "csrf_token": csrf})
    page = client.get(f"/t/{thread['id']}")
    assert "Unpin" in page.text and "Unlock" in page.text and "Locked" in page.text


def test_a_private_thread_page_is_a_404_that_reveals_nothing(client, member):
    alice = member("alice")
    make_circle(client, alice, "secret", visibility="private", name="Hidden room")
    thread = make_thread(client, alice, "secret", "Secret plan", "classified words")
    for path in (
        f"/t/{thread['id']}",
        "/c/secret",
        "/c/secret/members",
        "/c/secret/feed.atom",
        f"/p/{thread['first_post']['id']}/edit",
    ):
        page = client.get(path, follow_redirects=False)
        assert page.status_code == (303 if path.endswith("/edit") else 404), path  # a guest is sent to log in first
        assert "Secret plan" not in page.text and "Hidden room" not in page.text and "classified" not in page.text


def test_the_profile_shows_stats_avatar_and_only_visible_activity(client, member):
    alice = member("alice")
    make_circle(client, alice, "open")
    make_circle(client, alice, "secret", visibility="private")
    make_thread(client, alice, "open", "Public musing")
    make_thread(client, alice, "secret", "Private musing")
    page = client.get("/u/alice")
    assert page.status_code == 200
    assert "Public musing" in page.text and "Private musing" not in page.text
    assert "/u/alice/avatar.svg" in page.text
    avatar = client.get("/u/alice/avatar.svg")
    assert avatar.headers["content-type"].startswith("image/svg+xml") and ">A</text>" in avatar.text


def test_a_bio_reads_as_markdown_and_runs_nothing(client, member):
    alice = member("alice")
    bio = "I **love** hiking. <script>alert(1)</script> [site](javascript:alert(1))"
    assert client.patch("/api/v1/me", json={"bio": bio}, headers=alice.auth).status_code == 200
    page = client.get("/u/alice").text
    assert "<strong>love</strong>" in page and "**" not in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page


def test_a_favicon_is_served(client):
    assert 'rel="icon"' in client.get("/").text
    icon = client.get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_settings_change_the_profile_password_and_tokens(client, member):
    csrf = browser(client, "alice")
    assert client.get("/settings").status_code == 200
    client.post(
        "/settings/profile",
        data={
            "display_name": "Alice A.",
            "bio": "Hi",
            "location": "",
            "website": "",
            "locale": "en",
            "csrf_token": csrf,
        },
    )
    assert client.get("/api/v1/me").json()["display_name"] == "Alice A."
    bad = client.post("/settings/profile", data={"display_name": "Alice", "website": "ftp://x", "csrf_token": csrf})
    assert bad.status_code == 400 and 'value="ftp://x"' in bad.text
    page = client.post("/settings/tokens", data={"name": "my script", "csrf_token": csrf})
    token = re.search(r'class="token">(qz_[\w-]+)<', page.text).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    changed = client.post(
        "/settings/password",
        data={"current_password": PASSWORD, "new_password": "a brand new secret", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/api/v1/me").status_code == 200  # this browser stays signed in


def test_settings_send_a_guest_to_log_in_first(client):
    response = client.get("/settings", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/settings"


def test_the_atom_feed_of_a_public_circle(client, member):
    alice = member("alice")
    make_circle(client, alice, "club", name="Chess & Go")
    make_thread(client, alice, "club", "Openings <b>", "Which **opening**?")
    feed = client.get("/c/club/feed.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert "<title>Openings &lt;b&gt;</title>" in feed.text
    assert "&lt;strong&gt;opening&lt;/strong&gt;" in feed.text
    assert "Chess &amp; Go" in feed.text


def test_pages_speak_the_language_the_browser_asks_for(client, member):
    assert "Latest discussions" in client.get("/").text
    assert "最新讨论" in client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert client.get("/", headers={"Accept-Language": "zh-TW"}).headers["content-language"] == "zh-CN"


def test_a_members_own_language_setting_wins(client, member):
    csrf = browser(client, "alice")
    client.post("/settings/profile", data={"locale": "zh_CN", "csrf_token": csrf})
    assert "最新讨论" in client.get("/").text  # even though the browser asks for English


def test_a_guest_switches_the_language_with_the_footer_form(client):
    client.post("/language", data={"locale": "zh_CN", "next": "/", "csrf_token": csrf_of(client)})
    assert "最新讨论" in client.get("/").text


def test_switching_the_language_comes_back_to_the_same_page_with_its_query(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    make_thread(client, alice, "club", "山行", "爬山")
    page = client.get("/search?q=%E5%B1%B1&page=1")
    next_path = re.search(r'name="next" value="([^"]+)"', page.text).group(1)
    assert html.unescape(next_path) == "/search?q=%E5%B1%B1&page=1"
    switched = client.get(
        "/language", params={"locale": "en", "next": html.unescape(next_path)}, follow_redirects=False
    )
    assert switched.headers["location"] == "/search?q=%E5%B1%B1&page=1"
    setup = client.get("/setup?token=abc")
    assert 'value="/setup?token=abc"' in setup.text


def test_dates_and_numbers_are_localised(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    make_thread(client, alice, "club")
    assert "just now" in client.get("/c/club").text or "second" in client.get("/c/club").text
    assert (
        "秒" in client.get("/c/club", headers={"Accept-Language": "zh-CN"}).text
        or "刚刚" in client.get("/c/club", headers={"Accept-Language": "zh-CN"}).text
    )


def test_pages_carry_the_security_headers_and_no_inline_script(client):
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page.text, re.S)
    assert scripts == [""] and '<script src="/static/quanzi.js" defer></script>' in page.text  # the one, a file
    assert " onclick=" not in page.text


def test_a_new_circle_from_the_page(client):
    csrf = browser(client, "alice")
    bad = client.post("/circles/new", data={"name": "", "slug": "Bad Slug", "csrf_token": csrf})
    assert bad.status_code == 400 and 'value="Bad Slug"' in bad.text
    good = client.post(
        "/circles/new",
        data={"name": "摄影", "slug": "photo", "visibility": "private", "join_policy": "invite", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert good.headers["location"] == "/c/photo"
    circle = client.get("/api/v1/circles/photo").json()
    assert circle["visibility"] == "private" and circle["join_policy"] == "invite"
    assert 'value="摄影"' in client.get("/c/photo/settings").text


@pytest.fixture
def admin(client, member):
    """``admin()`` logs this browser in as an administrator (after the test has made its members through the API)."""

    def log_in():
        member("root", Role.ADMIN)
        return client.post(
            "/api/v1/auth/session",
            json={"login": "root", "password": PASSWORD},
            headers={"X-CSRF-Token": csrf_of(client)},
        ).json()["csrf_token"]

    return log_in


def test_only_administrators_reach_the_admin_area(client, member):
    assert client.get("/admin", follow_redirects=False).status_code == 303  # a guest logs in first
    browser(client, "bob")
    for path in ("/admin", "/admin/settings", "/admin/users", "/admin/circles", "/admin/plugins", "/admin/templates"):
        assert client.get(path).status_code == 403, path


def test_every_admin_page_opens_for_an_administrator(client, admin):
    admin()
    for path in ("/admin", "/admin/settings", "/admin/users", "/admin/circles", "/admin/plugins", "/admin/templates"):
        assert client.get(path).status_code == 200, path


def test_the_club_sets_its_own_colour(client, admin):
    csrf = admin()
    assert "/site.css" not in client.get("/").text  # the theme's own, until the club chooses
    refused = client.post("/admin/settings", data={"accent_color": "red", "csrf_token": csrf})
    assert refused.status_code == 400 and "#rrggbb" in refused.text
    client.post("/admin/settings", data={"accent_color": "#B4470A", "csrf_token": csrf})
    client.app.state.site.settings.forget()
    assert 'href="/site.css?c=B4470A"' in client.get("/").text
    css = client.get("/site.css?c=B4470A")
    assert css.headers["content-type"].startswith("text/css") and "--accent: #B4470A" in css.text


def test_the_admin_renames_the_site_and_sets_its_default_language(client, admin):
    csrf = admin()
    response = client.post(
        "/admin/settings",
        data={
            "site_name": "Chess Club",
            "site_description": "All things chess",
            "default_locale": "en",
            "theme": "default",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 200 and "settings are saved" in response.text
    client.cookies.clear()
    page = client.get("/", headers={"Accept-Language": ""})
    assert "Chess Club" in page.text and "All things chess" in page.text and "Latest discussions" in page.text


def test_a_bad_site_setting_is_shown_by_its_field(client, admin):
    csrf = admin()
    page = client.post(
        "/admin/settings", data={"site_name": "", "default_locale": "fr", "theme": "nope", "csrf_token": csrf}
    )
    assert page.status_code == 400
    assert 'id="e-site_name"' in page.text


def test_the_time_zones_offered_are_places_and_a_zone_set_by_hand_stays_chosen(client, admin):
    csrf = admin()
    offered = re.findall(r'<option value="([^"]+)"', client.get("/admin/settings").text.split('id="f-timezone"')[1])
    assert "Asia/Shanghai" in offered and "America/Argentina/Buenos_Aires" in offered and "UTC" in offered
    assert not {"localtime", "Factory", "Etc/GMT-8", "posix/Asia/Shanghai"} & set(offered)  # the machine's own
    saved = client.post("/admin/settings", data={"site_name": "Quanzi", "timezone": "Etc/GMT-8", "csrf_token": csrf})
    assert saved.status_code == 200, saved.text
    client.app.state.site.settings.forget()
    assert '<option value="Etc/GMT-8" selected>' in client.get("/admin/settings").text
    refused = client.post(
        "/admin/settings", data={"site_name": "Quanzi", "timezone": "Mars/Olympus", "csrf_token": csrf}
    )
    assert refused.status_code == 400 and "Mars/Olympus" not in refused.text.split('id="f-timezone"')[1]


def test_the_admin_finds_a_member_and_changes_role_and_suspension(client, admin, member):
    member("carol")
    csrf = admin()
    page = client.get("/admin/users?q=car")
    assert "carol" in page.text and "root@" not in page.text
    client.post("/admin/users/carol", data={"role": "moderator", "csrf_token": csrf})
    client.post("/admin/users/carol", data={"suspended": "yes", "csrf_token": csrf})
    profile = client.get("/api/v1/users/carol").json()
    assert profile["role"] == "moderator" and profile["suspended"] is True


def test_the_admin_circle_list_shows_private_circles_and_owners(client, admin, member):
    alice = member("alice")
    make_circle(client, alice, "secret", name="Hidden room", visibility="private")
    admin()
    page = client.get("/admin/circles")
    assert "Hidden room" in page.text and "alice" in page.text


def test_the_admin_applies_a_scenario_template_to_a_circle(client, admin, member):
    make_circle(client, member("alice"), "club")
    csrf = admin()
    response = client.post(
        "/admin/templates/welcome", data={"circle": "club", "title": "", "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert len(client.get("/api/v1/circles/club/threads").json()["items"]) == 2


def test_a_theme_overrides_a_template_and_extends_the_default_one(client, admin, tmp_path, monkeypatch):
    import shutil

    from core.site import service as site_service
    from core.web import templating

    themes = tmp_path / "themes"
    shutil.copytree(templating.THEMES / "default", themes / "default")
    (themes / "harbour" / "templates").mkdir(parents=True)
    (themes / "harbour" / "templates" / "home.html").write_text(
        '{% extends "default:home.html" %}{% block title %}Harbour theme{% endblock %}'
    )
    monkeypatch.setattr(templating, "THEMES", themes)
    monkeypatch.setattr(site_service, "THEMES_DIR", themes)
    csrf = admin()
    assert "harbour" in client.get("/admin/settings").text
    client.post(
        "/admin/settings", data={"site_name": "Quanzi", "default_locale": "en", "theme": "harbour", "csrf_token": csrf}
    )
    page = client.get("/")
    assert "<title>Harbour theme · Quanzi</title>" in page.text and "Latest discussions" in page.text
    assert "/static/themes/harbour/theme.css" in page.text


def test_no_template_has_inline_styles_that_the_csp_would_block():
    """The site's Content-Security-Policy allows stylesheets only (style-src 'self'): a style attribute is ignored.
    Mail is not served under it (``templates/mail/``: mail programs keep only inline styles)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    templates = [*root.glob("themes/*/templates/**/*.html"), *root.glob("plugins/*/templates/**/*.html")]
    assert templates
    pages = [path for path in templates if "mail" not in path.relative_to(root).parts]
    styled = [str(path.relative_to(root)) for path in pages if re.search(r"\sstyle\s*=", path.read_text())]
    assert styled == []


def test_public_circles_and_threads_have_share_cards_and_qr_codes_private_ones_none(client, member):
    alice = member("alice")
    make_circle(client, alice, "walks", name="City walks 城市徒步", description="Every Saturday we walk.")
    make_circle(client, alice, "board", visibility="private")
    public = make_thread(client, alice, "walks", "Saturday: the old town", "Meet at **9** by the gate.")
    private = make_thread(client, alice, "board", "Budget", "Secret numbers")
    circle = client.get("/c/walks").text
    assert '<meta property="og:title" content="City walks 城市徒步">' in circle
    assert '<meta property="og:url" content="http://testserver/c/walks">' in circle
    thread = client.get(f"/t/{public['id']}").text
    assert 'content="Saturday: the old town"' in thread and 'content="Meet at 9 by the gate."' in thread
    for path in ("/c/walks/qr.png", f"/t/{public['id']}/qr.png"):
        qr = client.get(path)
        assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG") and "public" in qr.headers["cache-control"]
    assert "Invite people" in client.get("/c/walks/share").text
    member_view = client.get(f"/t/{private['id']}", headers=alice.auth).text
    assert "og:title" not in member_view  # a private thread's link tells a chat app nothing
    for path in ("/c/board/qr.svg", "/c/board/share", f"/t/{private['id']}/qr.png"):
        assert client.get(path).status_code == 404, path


def test_a_guest_home_says_what_the_club_is_and_how_to_join(client, member):
    make_circle(client, member("alice"), "walks")
    page = client.get("/").text
    assert 'href="/register"' in page and "sign up to join a circle" in page
