"""Bad input gets a clear error and changes nothing."""

from __future__ import annotations

import pytest
from conftest import make_circle, make_thread


@pytest.fixture
def thread(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    return alice, make_thread(client, alice, "club")


def posts_of(client, thread):
    return client.get(f"/api/v1/threads/{thread['id']}/posts").json()["items"]


def test_a_body_over_the_limit_is_413_before_it_is_read(client, thread):
    alice, thread = thread
    big = b'{"body": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", content=big, headers=alice.auth)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert len(posts_of(client, thread)) == 1


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(client, thread):
    alice, thread = thread

    def chunks():
        yield b'{"body": "'
        for _ in range(300):
            yield b"x" * 4096
        yield b'"}'

    response = client.post(f"/api/v1/threads/{thread['id']}/posts", content=chunks(), headers=alice.auth)
    assert response.status_code == 413
    assert len(posts_of(client, thread)) == 1


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"body": "unterminated', "invalid_json"),
        (b"[1, 2]", "invalid_json"),
        (b"", "invalid_json"),
        (b'{"body": "\xff\xfe broken"}', "invalid_utf8"),
        (b'{"body": "lone \\ud800 surrogate"}', "invalid_json"),
        (b'{"body": "nul \\u0000 byte"}', "invalid_text"),
    ],
)
def test_unreadable_bodies_are_400(client, thread, raw, code):
    alice, thread = thread
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", content=raw, headers=alice.auth)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert len(posts_of(client, thread)) == 1


def test_wrong_types_and_unknown_fields_are_field_errors(client, thread):
    alice, thread = thread
    response = client.post(
        f"/api/v1/threads/{thread['id']}/posts", json={"body": 42, "author": "bob"}, headers=alice.auth
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"body", "author"}
    response = client.post(
        "/api/v1/circles/club/threads", json={"title": "x", "body": "y", "pinned": True}, headers=alice.auth
    )
    assert response.json()["error"]["fields"] == {"pinned": "Unknown or read-only field."}
    response = client.post("/api/v1/circles", json={"name": "No slug"}, headers=alice.auth)
    assert response.json()["error"]["fields"] == {"slug": "This field is required."}
    assert len(client.get("/api/v1/circles/club/threads").json()["items"]) == 1


def test_unknown_api_routes_are_json_404(client):
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/api/v1/no/such/thing")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_a_wrong_method_is_405_in_json(client):
    response = client.put("/api/v1/circles")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_malformed_authorization_header_is_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401


def session(client, login="alice"):
    from conftest import PASSWORD

    csrf = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    response = client.post(
        "/api/v1/auth/session", json={"login": login, "password": PASSWORD}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    return response.json()["csrf_token"]


def test_a_cookie_session_needs_the_csrf_token_for_unsafe_methods(client, thread):
    _, thread = thread
    csrf = session(client)
    url = f"/api/v1/threads/{thread['id']}/posts"
    missing = client.post(url, json={"body": "forged"})
    wrong = client.post(url, json={"body": "forged"}, headers={"X-CSRF-Token": "guess"})
    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["error"]["code"] == "csrf"
    assert len(posts_of(client, thread)) == 1
    assert client.post(url, json={"body": "real"}, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_a_session_login_needs_the_csrf_token_too(client, member):
    from conftest import PASSWORD

    member("bob")
    response = client.post("/api/v1/auth/session", json={"login": "bob", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_a_bearer_token_needs_no_csrf_token(client, thread):
    alice, thread = thread
    response = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "via token"}, headers=alice.auth)
    assert response.status_code == 201


def test_a_page_asked_for_with_a_bearer_token_makes_no_session_and_its_forms_need_no_csrf_token(client, thread):
    alice, thread = thread
    page = client.get(f"/t/{thread['id']}", headers=alice.auth)
    assert page.status_code == 200 and 'name="csrf_token" value=""' in page.text
    assert "set-cookie" not in page.headers
    sent = client.post(
        f"/t/{thread['id']}/reply",
        data={"body": "by a form, with the token"},
        headers=alice.auth,
        follow_redirects=False,
    )
    assert sent.status_code == 303
    basic = {"Authorization": "Basic YWxpY2U6c2VjcmV0"}  # what a browser sends by itself to a site behind a password
    forged = client.post(f"/t/{thread['id']}/reply", data={"body": "forged"}, headers=basic, follow_redirects=False)
    assert forged.status_code in (401, 403)
    assert [post["body"] for post in posts_of(client, thread)][1:] == ["by a form, with the token"]


def test_the_logout_form_needs_the_csrf_token(client, thread):
    csrf = session(client)
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/api/v1/me").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf, "next": "//evil.example"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert client.get("/api/v1/me").status_code == 401


def test_every_response_carries_security_headers(client):
    for url in ("/healthz", "/api/v1/circles", "/api/v1/nowhere"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def _cursor(values):
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


TOO_BIG = str(2**63)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/threads/{TOO_BIG}", f"/api/v1/threads/{TOO_BIG}/posts", f"/api/v1/posts/{TOO_BIG}",
        f"/api/v1/posts/{TOO_BIG}/revisions", f"/t/{TOO_BIG}", f"/p/{TOO_BIG}", f"/p/{TOO_BIG}/edit",
        "/api/v1/threads?limit=²", "/api/v1/threads?limit=٣", "/api/v1/circles?limit=99999999999999999999999",
        "/api/v1/threads?cursor=" + _cursor(["2026-01-01T00:00:00+00:00", 2**64]),
        "/api/v1/circles?cursor=" + _cursor([-(2**70)]), "/api/v1/search?q=x&cursor=²", "/t/1?quote=²",
        f"/t/1?quote={TOO_BIG}",
    ],
)  # fmt: skip
def test_numbers_no_database_holds_are_a_clear_answer(client, thread, path):
    """Ids of 2^63 or more, and digits that are not ASCII (``²``), are a 404 or a 400 naming the field, never a 500."""
    alice, _ = thread
    response = client.get(path, headers=alice.auth)
    assert 200 <= response.status_code < 500, (path, response.status_code)
    if response.status_code == 400:
        assert response.json()["error"]["fields"]


@pytest.mark.parametrize("field", ["username", "email"])
def test_names_longer_than_their_column_are_refused_at_sign_up_and_login(client, field):
    account = {"username": "walker", "email": "walker@example.com", "password": "a long password 1"}
    account[field] = "w" * 300 + ("@example.com" if field == "email" else "")
    response = client.post("/api/v1/auth/register", json=account)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    login = client.post("/api/v1/auth/token", json={"login": account[field], "password": account["password"]})
    assert login.status_code == 401


@pytest.mark.parametrize(
    ("character", "code"),
    [("\x00", "invalid_text"), ("\x01", "invalid_text"), ("\x1b", "invalid_text"), ("\uffff", "invalid_text"),
     ("\ud800", "invalid_json")],  # a lone surrogate is not JSON to begin with
)  # fmt: skip
def test_control_characters_are_refused_by_the_api_and_the_feed_stays_valid(client, thread, character, code):
    alice, _ = thread
    import json

    body = json.dumps({"title": f"Hi{character}", "body": "text"})  # ASCII, with \\u escapes
    headers = {**alice.auth, "content-type": "application/json"}
    response = client.post("/api/v1/circles/club/threads", content=body, headers=headers)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    import xml.etree.ElementTree as ElementTree

    feed = ElementTree.fromstring(client.get("/c/club/feed.atom").content)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1


def test_html_forms_refuse_nul_and_files_in_text_fields(client):
    from core.testing import sign_in

    csrf = sign_in(client, "writer")
    client.post("/api/v1/circles", json={"slug": "club", "name": "Club"}, headers={"X-CSRF-Token": csrf})
    nul = client.post("/c/club/new", data={"title": "Hi\x00", "body": "text", "csrf_token": csrf})
    upload = client.post(
        "/c/club/new", data={"title": "Hi", "csrf_token": csrf}, files={"body": ("notes.txt", b"text", "text/plain")}
    )
    assert (nul.status_code, upload.status_code) == (400, 400)
    assert client.get("/api/v1/circles/club/threads").json()["items"] == []
    assert client.post("/c/club/new", data={"title": "Hi", "body": "tab\tand\nlines", "csrf_token": csrf}).is_success


def test_names_far_too_long_are_not_found_not_a_server_error(client, thread):
    alice, _ = thread
    long_name = "x" * 200
    assert client.get(f"/api/v1/users/{long_name}").status_code == 404
    assert client.get(f"/u/{long_name}").status_code == 404
    ban = client.post("/api/v1/circles/club/bans", json={"username": "y" * 40, "reason": "Spam"}, headers=alice.auth)
    assert ban.status_code == 404
    assert client.delete(f"/api/v1/circles/club/bans/{'y' * 40}", headers=alice.auth).status_code == 404
    assert client.post(f"/api/v1/users/{'y' * 40}/silence", json={"reason": "x"}, headers=alice.auth).status_code in (
        403,
        404,
    )


def test_a_title_is_one_line(client, thread):
    alice, _ = thread
    made = client.post(
        "/api/v1/circles/club/threads", json={"title": "Picnic\r\nBring\ttea ", "body": "Sunday"}, headers=alice.auth
    )
    assert made.status_code == 201 and made.json()["title"] == "Picnic Bring tea"
