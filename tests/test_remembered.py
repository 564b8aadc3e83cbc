"""What a member's pages read again on every request is remembered between them (core/remembered.py) only while
the database has not changed: whatever changes it — the site itself, or a command in a shell writing to the same
file — shows on the member's very next page, and a private circle is gone for them the moment they are removed.
What is due to be read again is read once for the requests that ask at the same time, not once by each."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import asyncpg
import httpx2
import pytest
from conftest import make_circle, make_thread
from jinja2 import DictLoader

from core import remembered
from core.db import transaction
from core.plugins import PerPost, Slot, SlotContent, answers_slots, hookimpl
from core.testing import run, wait_until
from core.testing.databases import POSTGRES
from core.testing.live import live_server

EN = {"Accept-Language": "en"}


def _private_thread(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "inner", visibility="private", join_policy="invite")
    client.put("/api/v1/circles/inner/members/bob", json={"role": "member"}, headers=alice.auth)
    assert client.post("/api/v1/circles/inner/join", headers=bob.auth).status_code == 200
    thread = make_thread(client, alice, "inner", "Secret plans", "The cellar key is under the mat")
    for _ in range(3):  # read, then remembered
        assert client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth}).status_code == 200
    return alice, bob, thread


def _in_a_shell(config, statement):
    """``statement`` run on another connection to the site's database, as a command in a shell would."""
    if POSTGRES:

        async def run_it():
            connection = await asyncpg.connect(config.database_url)
            try:
                await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run_it())
        return
    with sqlite3.connect(config.database_url.removeprefix("sqlite://").split("?")[0]) as shell:
        shell.execute(statement)


def _listening(client):
    """On PostgreSQL a worker remembers once it hears the others' changes (its listening connection is up)."""
    if POSTGRES:
        wait_until(client.app.state.listener.connected.is_set)


def test_a_member_removed_through_the_site_loses_the_private_circle_at_once(client, member):
    alice, bob, thread = _private_thread(client, member)
    assert client.delete("/api/v1/circles/inner/members/bob", headers=alice.auth).status_code == 204
    answer = client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth})
    assert answer.status_code == 404 and "cellar" not in answer.text
    assert "Secret plans" not in client.get("/", headers={**EN, **bob.auth}).text


def _soon(check):
    """``check()`` holds at once on SQLite (each commit is seen by the next read), and within a moment on
    PostgreSQL (once the other process's commit is heard)."""
    if POSTGRES:
        wait_until(check, timeout=2)
    assert check()


def test_a_member_removed_by_a_command_in_a_shell_loses_the_private_circle(client, config, member):
    _listening(client)
    _, bob, thread = _private_thread(client, member)
    _in_a_shell(config, "DELETE FROM memberships WHERE user_id = (SELECT id FROM users WHERE username = 'bob')")
    _soon(lambda: client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth}).status_code == 404)
    assert "cellar" not in client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth}).text


def test_a_token_ended_by_another_connection_stops_working(client, config, member):
    _listening(client)
    bob = member("bob")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=bob.auth).status_code == 200
    _in_a_shell(config, "DELETE FROM sessions")
    _soon(lambda: client.get("/api/v1/me", headers=bob.auth).status_code == 401)


@pytest.mark.skipif(not POSTGRES, reason="several workers share one database on PostgreSQL")
def test_a_reply_through_another_worker_shows_on_a_member_page_kept_here(client, config, member):
    _listening(client)
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    thread = make_thread(client, alice, "club", "Saturday walk", "Meet at the gate")
    page = f"/t/{thread['id']}"
    for _ in range(3):  # made, then kept
        assert "Bring a torch" not in client.get(page, headers={**EN, **bob.auth}).text
    with live_server(config.data_dir, QUANZI_DATABASE_URL=config.database_url) as other:
        reply = {"body": "Bring a torch"}
        answer = httpx2.post(f"{other.base}/api/v1/threads/{thread['id']}/posts", json=reply, headers=alice.auth)
        assert answer.status_code == 201, answer.text
    wait_until(lambda: "Bring a torch" in client.get(page, headers={**EN, **bob.auth}).text, timeout=2)


def _unread_messages(client, who):
    header = client.get("/", headers={**EN, **who.auth}).text
    found = re.search(r'href="/messages">Messages(?: <span class="badge">(\d+)</span>)?', header)
    assert found, "the header has no Messages link"
    return int(found.group(1) or 0)


def test_the_unread_count_and_a_new_reply_show_on_the_next_page(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "club")
    client.post("/api/v1/circles/club/join", headers=bob.auth)
    thread = make_thread(client, alice, "club", "Saturday walk", "Meet at the gate")
    assert _unread_messages(client, bob) == 0
    assert _unread_messages(client, bob) == 0
    sent = client.post("/api/v1/conversations", json={"to": ["bob"], "body": "Are you coming?"}, headers=alice.auth)
    assert sent.status_code == 201, sent.text
    assert _unread_messages(client, bob) == 1
    assert "Bring a torch" not in client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth}).text
    client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "Bring a torch"}, headers=alice.auth)
    assert "Bring a torch" in client.get(f"/t/{thread['id']}", headers={**EN, **bob.auth}).text


def _counting_read():
    """A read whose answer is how many times it has been made: remembered, it answers the same again."""
    reads = []

    async def read():
        reads.append(1)
        return len(reads)

    return read


def test_only_a_request_outside_a_transaction_remembers(client):
    read = _counting_read()

    async def in_a_request(inside_a_transaction: bool):
        with remembered.request():  # what core.remembered.Remembering does for each request
            if inside_a_transaction:
                async with transaction():
                    return [await remembered.recall("test", 1, read) for _ in range(3)]
            return [await remembered.recall("test", 1, read) for _ in range(3)]

    async def after_the_request():
        with remembered.request():
            later = asyncio.Event()
            follow = asyncio.get_running_loop().create_task(_after(later))  # a task the request starts
        later.set()
        return await follow

    async def _after(later):
        await later.wait()  # runs on after its request was answered: reads afresh
        return [await remembered.recall("test", 3, read) for _ in range(2)]

    async def outside():
        return [await remembered.recall("test", 2, read) for _ in range(3)]

    _listening(client)
    assert run(client, outside()) == [1, 2, 3]  # a job reads afresh every time
    assert run(client, in_a_request(True)) == [4, 5, 6]
    assert run(client, in_a_request(False)) == [7, 7, 7]
    assert run(client, after_the_request()) == [8, 9]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's listening connection")
def test_nothing_is_remembered_while_the_changes_of_others_go_unheard(client):
    _listening(client)
    read = _counting_read()

    async def in_a_request():
        with remembered.request():
            return [await remembered.recall("test", "unheard", read) for _ in range(2)]

    assert run(client, in_a_request()) == [1, 1]
    remembered.listening(False)  # the listening connection broke: another's commit may go by unheard
    assert run(client, in_a_request()) == [2, 3]
    remembered.listening(True)  # listening again: what was remembered before the break is not trusted
    assert run(client, in_a_request()) == [4, 4]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's own count of its writes")
def test_a_transaction_that_only_reads_changes_nothing_remembered_and_one_that_writes_does_at_its_commit(client):
    _listening(client)
    read = _counting_read()

    async def in_a_request():
        with remembered.request():
            return await remembered.recall("test", "transactions", read)

    async def a_transaction(statement):
        async with transaction() as connection:
            await connection.execute_query(statement)
            return await in_a_request()  # inside it, nothing is remembered or recalled

    assert [run(client, in_a_request()) for _ in range(2)] == [1, 1]
    assert run(client, a_transaction("SELECT id FROM users FOR UPDATE")) == 2
    assert run(client, in_a_request()) == 1  # it only read: what was remembered stands
    assert run(client, a_transaction("UPDATE users SET locale = locale")) == 3
    assert run(client, in_a_request()) == 4  # it wrote: read afresh once it committed


def test_requests_that_ask_what_another_is_reading_wait_for_its_answer(client):
    _listening(client)
    reads, answer = [], asyncio.Event()

    async def slow_read():
        reads.append(1)
        await answer.wait()  # the database takes its time
        return "rows"

    async def failing_read():
        reads.append(1)
        await answer.wait()
        raise RuntimeError("the database went away")

    async def requests(read, count):
        async def one():
            with remembered.request():
                return await remembered.recall("test", ("herd", read.__name__), read)

        asked = [asyncio.ensure_future(one()) for _ in range(count)]
        await asyncio.sleep(0)  # each has asked, one of them is reading
        answer.set()
        return await asyncio.gather(*asked, return_exceptions=True)

    assert run(client, requests(slow_read, 20)) == ["rows"] * 20
    assert len(reads) == 1  # one read for twenty requests
    reads.clear()
    answer.clear()
    failed = run(client, requests(failing_read, 3))
    assert all(isinstance(error, RuntimeError) for error in failed)  # each read for itself once that one failed
    assert len(reads) == 3


def test_the_sites_settings_are_read_once_for_the_requests_that_find_them_due(client, monkeypatch):
    from core.site import service

    reads, read = [], service.Setting.filter
    monkeypatch.setattr(service.Setting, "filter", lambda *args, **kwargs: reads.append(1) or read(*args, **kwargs))
    settings = client.app.state.site.settings

    async def twenty_requests():
        settings.forget()  # due, as every few seconds
        return await asyncio.gather(*(settings.current() for _ in range(20)))

    answers = run(client, twenty_requests())
    assert len(reads) == 1 and all(answer["site_name"] == answers[0]["site_name"] for answer in answers)


def _found(client, who, words):
    answer = client.get("/api/v1/search", params={"q": words}, headers=who.auth)
    assert answer.status_code == 200, answer.text
    return sorted(item["title"] for item in answer.json()["items"])


def test_a_remembered_search_finds_what_is_indexed_next_and_keeps_each_reader_to_their_circles(client, member):
    alice, bob = member("alice"), member("bob")
    make_circle(client, alice, "inner", visibility="private", join_policy="invite")
    make_circle(client, alice, "club")
    make_thread(client, alice, "inner", "Cellar key", "Under the mat")
    make_thread(client, alice, "club", "Cellar party", "Saturday night")
    client.portal.call(client.app.state.search.flush)
    for _ in range(2):  # asked twice: the second answer is remembered
        assert _found(client, bob, "cellar") == ["Cellar party"]
        assert _found(client, alice, "cellar") == ["Cellar key", "Cellar party"]
    make_thread(client, alice, "club", "Cellar tour", "Bring a torch")
    client.portal.call(client.app.state.search.flush)
    assert _found(client, bob, "cellar") == ["Cellar party", "Cellar tour"]


def test_a_slot_answered_alike_is_asked_once_a_page_until_the_database_changes(client, member):
    _listening(client)
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Tasting notes", "First pour")
    asked: list[str] = []
    version = {"label": "first"}

    class Levels:
        @hookimpl
        @answers_slots(Slot.POST_AUTHOR, Slot.POST_FOOTER, alike=(Slot.POST_AUTHOR,))
        def render_slot(self, slot, request, context):
            asked.append(slot)
            label = version["label"] if slot == "post_author" else f"footer for {context['viewer'].username}"
            return PerPost(
                {post.id: SlotContent("label.html", {"label": label}, shared=True) for post in context["posts"]}
            )

    client.app.state.site.plugins.pm.register(Levels(), name="levels")
    client.app.state.site.templates.env.loader.loaders.insert(0, DictLoader({"label.html": "<i>{{ label }}</i>"}))
    page = f"/t/{thread['id']}"

    def read() -> tuple[str, int, int]:
        authors, footers = asked.count("post_author"), asked.count("post_footer")
        text = client.get(page, headers={**EN, **alice.auth}).text
        return text, asked.count("post_author") - authors, asked.count("post_footer") - footers

    wait_until(lambda: read()[1] == 0)  # once what the new thread set going (its jobs, the index) has written
    for _ in range(3):
        text, authors, footers = read()
        assert "<i>first</i>" in text and "<i>footer for alice</i>" in text
        assert (authors, footers) == (0, 1)  # remembered; the footer is not declared alike: asked by every page
    version["label"] = "second"
    client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "Second pour"}, headers=alice.auth)
    text, authors, _ = read()
    assert authors == 1 and text.count("<i>second</i>") == 2  # the database changed: asked again, for both posts
