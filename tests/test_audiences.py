"""A plugin's object with an audience of its own: a letter, seen by its writer and its reader alone, whatever the
circle it was written in. Lists, single reads, search and notifications keep it between those two (and the site's
administrators), members of the same circle included."""

from __future__ import annotations

import importlib
import sys

import pytest
from conftest import make_circle, register

from core.accounts.models import Role

SECRET = "Elderflower"


@pytest.fixture
def letters_plugin(tmp_path, monkeypatch):
    """The letters plugin (tests/letters) installed as a distribution, with its ``quanzi.plugins`` entry point."""
    info = tmp_path / "site-packages" / "quanzi_letters-1.0.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: quanzi-letters\nVersion: 1.0.0\n")
    (info / "entry_points.txt").write_text("[quanzi.plugins]\nletters = quanzi_letters\n")
    monkeypatch.syspath_prepend(str(info.parent))
    importlib.invalidate_caches()
    yield
    for name in [name for name in sys.modules if name.startswith("quanzi_letters")]:
        sys.modules.pop(name)


@pytest.fixture
def town(letters_plugin, quanzi_site):
    """Alice writes to Bob in the public circle "town", of which Carol is a member too; Dave is not."""
    client = quanzi_site(plugins=["letters"])
    people = {name: register(client, name) for name in ("alice", "bob", "carol", "dave")}
    people["root"] = register(client, "root", Role.ADMIN)
    make_circle(client, people["alice"], "town")
    client.post("/api/v1/circles/town/join", headers=people["carol"].auth)
    body = {
        "circle": "town",
        "to": "bob",
        "subject": "Tea",
        "body": f"The {SECRET} cordial is ready",
        "tell": ["carol"],
    }
    response = client.post("/api/v1/letters", json=body, headers=people["alice"].auth)
    assert response.status_code == 201, response.text
    client.portal.call(client.app.state.search.flush)
    return client, people, response.json()["id"]


def headers(people, who):
    return people[who].auth if who != "guest" else {}


@pytest.mark.parametrize(("who", "sees"), [
    ("alice", True), ("bob", True), ("root", True), ("carol", False), ("dave", False), ("guest", False),
])  # fmt: skip
def test_a_letter_is_listed_read_and_found_by_its_two_people_only(town, who, sees):
    client, people, letter = town
    listed = client.get("/api/v1/letters", headers=headers(people, who)).json()["items"]
    assert [item["id"] for item in listed] == ([letter] if sees else [])
    assert client.get(f"/api/v1/letters/{letter}", headers=headers(people, who)).status_code == (200 if sees else 404)
    found = client.get("/api/v1/search", params={"q": SECRET}, headers=headers(people, who)).json()["items"]
    assert [item["title"] for item in found] == (["Tea"] if sees else [])
    html = client.get("/search", params={"q": SECRET}, headers=headers(people, who)).text
    assert (f"/api/v1/letters/{letter}" in html) == sees  # the hit links to the letter


def test_only_its_reader_is_told_of_a_letter(town):
    """Alice asked to tell Carol too; the letter's audience does not let Carol see it, so she is not told."""
    client, people, letter = town
    for who, told in (("bob", True), ("carol", False), ("dave", False)):
        items = client.get("/api/v1/notifications", headers=people[who].auth).json()["items"]
        assert [item["url"] for item in items] == ([f"/api/v1/letters/{letter}"] if told else [])
    page = client.get("/notifications", headers=people["bob"].auth).text
    assert "wrote to you: “Tea”" in page


def test_a_letter_is_not_found_in_its_circle_by_a_members_search(town):
    client, people, _ = town
    found = client.get("/api/v1/search", params={"q": SECRET, "circle": "town"}, headers=people["carol"].auth)
    assert found.json()["items"] == []
