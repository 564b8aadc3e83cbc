"""A thread page's posts are kept between readers (core/web/pieces.py): each reader still sees their own page — their
likes, their own posts' controls, their form token, their language — every change shows at once, and a private
circle's posts never reach someone outside it, however the readers take turns."""

from __future__ import annotations

import re

from conftest import make_circle, make_thread, reply

from core.testing import another_browser, sign_in

EN = {"Accept-Language": "en"}


def _page(client, thread_id, who=None, **params):
    headers = {**EN, **(who.auth if who else {})}
    return client.get(f"/t/{thread_id}", headers=headers, params=params)


def _actions(html, post_id):
    """The actions under post ``post_id``."""
    found = re.search(rf'id="p{post_id}".*?<div class="post-actions">(.*?)</div>', html, re.S)
    assert found, f"post {post_id} is not on the page"
    return found.group(1)


def _club(client, owner, *members):
    """The circle ``club`` of ``owner``, with ``members`` in it."""
    make_circle(client, owner, "club")
    for who in members:
        client.post("/api/v1/circles/club/join", headers=who.auth)


def _header(text):
    """The site's header of a page."""
    return text[text.index('<header class="site-header">') : text.index("</header>")]


def test_a_member_and_an_outsider_take_turns_on_a_private_circles_pages(client, member):
    alice, bob, eve = member("alice"), member("bob"), member("eve")
    make_circle(client, alice, "inner", visibility="private", join_policy="invite")
    client.put("/api/v1/circles/inner/members/bob", json={"role": "member"}, headers=alice.auth)
    client.post("/api/v1/circles/inner/join", headers=bob.auth)
    thread = make_thread(client, alice, "inner", "Secret plans", "The cellar key is under the mat")
    for number in range(25):  # two pages
        reply(client, alice, thread["id"], f"whisper number {number}")
    for _ in range(3):
        for page in (1, 2):
            for who in (bob, eve, None, alice):
                answer = _page(client, thread["id"], who, page=page)
                if who in (bob, alice):
                    assert answer.status_code == 200
                    assert ("The cellar key" in answer.text) == (page == 1)
                    assert "whisper number 24" in answer.text or page == 1
                else:
                    assert answer.status_code == 404
                    assert "cellar" not in answer.text and "whisper" not in answer.text
    said = client.post("/api/v1/circles/inner/chat", json={"body": "the password is swordfish"}, headers=bob.auth)
    assert said.status_code == 201
    for _ in range(3):  # the chat's lines and the home page's circles are kept pieces too
        for who in (bob, eve, alice):
            chat, home = (client.get(path, headers={**EN, **who.auth}) for path in ("/c/inner/chat", "/"))
            assert (chat.status_code, "swordfish" in chat.text) == ((404, False) if who is eve else (200, True))
            assert ('href="/c/inner"' in home.text) == (who is not eve)
    for path in ("/", "/c/inner", "/search?q=cellar", "/search?q=whisper", f"/t/{thread['id']}?page=2"):
        text = client.get(path, headers={**EN, **eve.auth}).text
        assert "under the mat" not in text and "whisper number" not in text and "Secret plans" not in text


def test_each_reader_sees_their_own_likes_and_controls_on_a_shared_page(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    _club(client, alice, bob, carol)
    thread = make_thread(client, alice, "club", "Saturday walk", "Meet at the gate")
    opening = thread["first_post"]["id"]
    bobs = reply(client, bob, thread["id"], "I will bring tea")["id"]
    _page(client, thread["id"], carol)  # the page is made and kept before anyone liked anything
    assert client.put(f"/api/v1/posts/{opening}/like", headers=bob.auth).status_code == 200

    as_bob, as_carol, as_alice = (_page(client, thread["id"], who).text for who in (bob, carol, alice))
    assert 'value="unlike" aria-pressed="true"' in _actions(as_bob, opening)
    assert 'value="like" aria-pressed="false"' in _actions(as_carol, opening)
    assert "♥ 1" in _actions(as_carol, opening)  # the count is everyone's
    # bob's own reply: his controls, no like or flag of his own post; carol may like and flag it, not edit it
    assert f"/p/{bobs}/edit" in _actions(as_bob, bobs) and "/like" not in _actions(as_bob, bobs)
    assert f"/p/{bobs}/flag" not in _actions(as_bob, bobs)
    assert f"/p/{bobs}/edit" not in _actions(as_carol, bobs) and f"/p/{bobs}/flag" in _actions(as_carol, bobs)
    assert f"/p/{bobs}/edit" in _actions(as_alice, bobs)  # the circle's owner moderates it
    guest = _page(client, thread["id"]).text
    assert '/like"' not in guest and "/flag" not in guest and "/edit" not in guest


def test_an_edit_a_new_name_and_a_like_show_at_once_on_a_kept_page(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    thread = make_thread(client, alice, "club", "Saturday walk", "Meet at the gate")
    opening = thread["first_post"]["id"]
    assert "Meet at the gate" in _page(client, thread["id"], bob).text
    client.patch(f"/api/v1/posts/{opening}", json={"body": "Meet at the bridge"}, headers=alice.auth)
    client.patch("/api/v1/me", json={"display_name": "Alice Wong"}, headers=alice.auth)
    client.put(f"/api/v1/posts/{opening}/like", headers=bob.auth)
    page = _page(client, thread["id"], bob).text
    assert "Meet at the bridge" in page and "Meet at the gate" not in page
    assert "Alice Wong" in page and ">edited<" in page
    assert "♥ 1" in _actions(page, opening)
    chinese = client.get(f"/t/{thread['id']}", headers={"Accept-Language": "zh-CN", **bob.auth}).text
    assert "已编辑" in chinese or "编辑" in chinese
    assert 'lang="zh-CN"' in chinese and ">edited<" not in chinese


def test_the_forms_of_a_kept_page_carry_each_browsers_own_token(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Saturday walk", "Meet at the gate")
    opening = thread["first_post"]["id"]
    tokens = []
    for name in ("mei", "lei"):
        browser = another_browser(client)
        csrf = sign_in(browser, name)
        browser.post("/c/club/join", data={"csrf_token": csrf})
        page = browser.get(f"/t/{thread['id']}", headers=EN).text
        like_form = _actions(page, opening)
        assert f'name="csrf_token" value="{csrf}"' in like_form
        assert "csrf-" not in page.replace(csrf, "")  # no stand-in left anywhere
        liked = browser.post(f"/p/{opening}/like", data={"csrf_token": csrf, "action": "like"})
        assert liked.status_code in (200, 303)
        tokens.append(csrf)
    assert tokens[0] != tokens[1]
    assert client.get(f"/api/v1/posts/{opening}").json()["likes"] == 2


def _whole_pages(client, template="thread.html"):
    """The pages of ``template`` kept whole (core/web/pages.py: ``render(..., keep=...)``) in the latest minute they
    were made in (a page is made anew each minute: its "3 minutes ago"; a test may cross into the next one)."""
    kept = client.app.state.site.templates.pieces._kept
    pages = [key for key in kept if isinstance(key[0], tuple) and key[0][0] == template]
    latest = max((key[0][2][0] for key in pages), default=None)  # the frame's first part: the minute
    return [key for key in pages if key[0][2][0] == latest]


def test_a_thread_page_is_kept_whole_for_readers_alike_each_with_their_own_header(client, member):
    alice, bob, carol = member("alice"), member("bob"), member("carol")
    _club(client, alice, bob, carol)
    thread = make_thread(client, alice, "club", "Tasting notes", "Bring a glass")
    client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "@carol bring two"}, headers=alice.auth)
    for who in (bob, carol, bob, carol):
        text = _page(client, thread["id"], who).text
        header = _header(text)
        assert f'href="/u/{who.username}"' in header and "Tasting notes" in text and "bring two" in text
        assert f'href="/u/{(carol if who is bob else bob).username}"' not in header  # nothing of the other reader's
        assert ('<span class="badge">1</span>' in header) == (who is carol)  # her unread mention, not his
    assert len(_whole_pages(client)) == 1  # both read the page made once: alike, the same members of the circle
    glasses = reply(client, bob, thread["id"], "I have glasses")
    text = _page(client, thread["id"], carol).text
    assert "I have glasses" in text and len(_whole_pages(client)) == 2  # the reply made the page anew
    form = _page(client, thread["id"], carol, quote=glasses["id"]).text  # a quote fills the reply box
    assert "&gt; I have glasses" in form.split('id="reply"')[1] and len(_whole_pages(client)) == 2  # not kept


def test_a_circle_page_kept_whole_shows_each_reader_what_is_theirs(client, member):
    alice, bob, carol, dave = member("alice"), member("bob"), member("carol"), member("dave")
    _club(client, alice, bob, carol)
    make_thread(client, alice, "club", "Tasting notes", "Bring a glass")
    for _ in range(2):
        for who in (bob, carol, alice, dave):
            text = client.get("/c/club", headers={**EN, **who.auth}).text
            header = _header(text)
            assert f'href="/u/{who.username}"' in header and "Tasting notes" in text
            assert ("Review queue" in text) == (who is alice)  # the owner's links
            assert ("Leave circle" in text) == (who is not dave)  # a member's button
            assert ("Join circle" in text) == (who is dave)
    assert len(_whole_pages(client, "circle.html")) == 3  # the members share one; the owner and the outsider their own
    client.post("/api/v1/circles/club/join", headers=dave.auth)
    text = client.get("/c/club", headers={**EN, **dave.auth}).text
    assert "Leave circle" in text and "<strong>4</strong>" in text  # joined: his button, and the count, at once
