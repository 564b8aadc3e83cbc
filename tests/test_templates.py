"""Scenario templates applied by a circle's owners: through the API, their circle's templates page and the CLI;
what each made, shown as links; a second use only on purpose; questions checked; nobody else may."""

from __future__ import annotations

import importlib
import re

import pytest
from conftest import make_circle, register
from pages import browser

from core import sql
from core.testing import another_browser, at_once


@pytest.fixture
def site(quanzi_site, test_plugin):
    test_plugin("chores", "quanzi_chores")
    client = quanzi_site(plugins=["chores"])
    client.headers["accept-language"] = "en"
    return client


def apply(client, who, slug, name, **body):
    return client.post(f"/api/v1/circles/{slug}/templates/{name}", json=body, headers=who.auth)


def test_an_owner_applies_a_template_once_and_again_on_purpose(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club", name="读书会")
    response = apply(site, owner, "club", "welcome")
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["template"] == "welcome"
    assert [(item["kind"], item["title"]) for item in made["created"]] == [
        ("thread", "Welcome to 读书会"),
        ("thread", "House rules"),  # in the language of who applied it
    ]
    for item in made["created"]:
        assert item["title"] in site.get(item["url"]).text

    again = apply(site, owner, "club", "welcome")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_applied"
    assert again.json()["error"]["details"]["created"] == made["created"]  # says what exists
    assert len(site.get("/api/v1/circles/club/threads").json()["items"]) == 2  # nothing doubled
    second = apply(site, owner, "club", "welcome", again=True, title="Welcome back")
    assert second.status_code == 201 and second.json()["created"][0]["title"] == "Welcome back"
    listed = {
        item["name"]: item for item in site.get("/api/v1/circles/club/templates", headers=owner.auth).json()["items"]
    }
    assert len(listed["welcome"]["applied"]) == 2 and listed["chore_day"]["applied"] == []
    assert [question["name"] for question in listed["chore_day"]["questions"]] == ["day", "team"]


def test_a_template_applied_ten_times_at_once_makes_one_set(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    responses = at_once(
        site, 10, lambda http, _: http.post("/api/v1/circles/club/templates/welcome", json={}, headers=owner.auth)
    )
    assert sorted(response.status_code for response in responses) == [201] + [409] * 9, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"already_applied"}
    assert len(site.get("/api/v1/circles/club/threads").json()["items"]) == 2


def test_the_migration_numbers_the_uses_of_an_existing_site(site):
    numbering = importlib.import_module("core.migrations.0015_template_use_numbers")
    owner = register(site, "owner")
    for slug in ("club", "team"):
        make_circle(site, owner, slug)
        for _ in range(2):
            assert apply(site, owner, slug, "welcome", again=True).status_code == 201

    async def renumber() -> list[tuple[int, int]]:
        await sql.fetch("UPDATE template_uses SET number = -id")  # as before the migration: no numbers (no clash)
        await sql.fetch(numbering.NUMBER_USES)
        rows = await sql.fetch("SELECT circle_id, number FROM template_uses ORDER BY circle_id, id")
        return [(row["circle_id"], row["number"]) for row in rows]

    numbered = site.portal.call(renumber)
    assert [number for _, number in numbered] == [1, 2, 1, 2]
    assert apply(site, owner, "club", "welcome", again=True).status_code == 201  # the third: number 3


def test_only_the_circles_owners_apply_templates(site):
    owner, member, outsider = register(site, "owner"), register(site, "member"), register(site, "outsider")
    make_circle(site, owner, "club")
    make_circle(site, owner, "board", visibility="private")
    site.post("/api/v1/circles/club/join", headers=member.auth)
    assert apply(site, member, "club", "welcome").status_code == 403
    assert site.get("/api/v1/circles/club/templates", headers=member.auth).status_code == 403
    assert apply(site, outsider, "board", "welcome").status_code == 404  # a private circle stays unseen
    assert site.get("/api/v1/circles/board/templates", headers=outsider.auth).status_code == 404
    assert site.post("/api/v1/circles/club/templates/welcome", json={}).status_code == 401
    assert apply(site, owner, "club", "nonesuch").status_code == 404
    assert site.get("/api/v1/circles/club/threads").json()["items"] == []


def test_a_templates_questions_are_checked_before_anything_is_made(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    missing = apply(site, owner, "club", "chore_day")
    assert missing.status_code == 400 and set(missing.json()["error"]["fields"]) == {"answers.day"}
    wrong = apply(site, owner, "club", "chore_day", answers={"day": "soon", "team": 5, "colour": "red"})
    assert wrong.status_code == 400 and set(wrong.json()["error"]["fields"]) == {"answers.colour"}
    wrong = apply(site, owner, "club", "chore_day", answers={"day": "soon", "team": 5})
    assert set(wrong.json()["error"]["fields"]) == {"answers.day", "answers.team"}
    assert site.get("/api/v1/circles/club/threads").json()["items"] == []
    made = apply(site, owner, "club", "chore_day", answers={"day": "2027-01-09", "team": 1}).json()
    assert made["created"][0]["title"] == "Chores on 2027-01-09 · Garden 花园"


def test_the_circles_templates_page(site):
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    csrf = browser(site, "owner")
    page = site.get("/c/club/templates")
    assert page.status_code == 200 and "Welcome kit" in page.text and 'name="answers.day"' in page.text
    assert 'href="/c/club/templates"' in site.get("/c/club").text
    bad = site.post("/c/club/templates/chore_day", data={"csrf_token": csrf, "answers.day": "someday"})
    assert bad.status_code == 400 and "Enter a date" in bad.text and 'value="someday"' in bad.text
    done = site.post(
        "/c/club/templates/chore_day", data={"csrf_token": csrf, "answers.day": "2027-01-09", "answers.team": "0"}
    )
    assert done.status_code == 200 and "Done. The template made:" in done.text
    link = re.search(r'<li><a href="(/t/\d+)">Chores on 2027-01-09 · Kitchen 厨房</a>', done.text)
    assert link and site.get(link.group(1)).status_code == 200
    twice = site.post("/c/club/templates/chore_day", data={"csrf_token": csrf, "answers.day": "2027-01-10"})
    assert twice.status_code == 409 and "applied to this circle before" in twice.text
    again = site.post(
        "/c/club/templates/chore_day", data={"csrf_token": csrf, "answers.day": "2027-01-10", "again": "1"}
    )
    assert again.status_code == 200 and "Chores on 2027-01-10" in again.text

    guest = another_browser(site)
    assert guest.get("/c/club/templates", follow_redirects=False).status_code == 404
    member_csrf = browser(guest, "member")
    assert guest.post("/c/club/templates/welcome", data={"csrf_token": member_csrf}).status_code == 404  # as the page
    assert len(site.get("/api/v1/circles/club/threads").json()["items"]) == 2


def test_the_cli_prints_what_it_made(site, capsys, monkeypatch):
    from core import cli

    owner = register(site, "owner")
    make_circle(site, owner, "club")
    config = site.app.state.site.config
    site.__exit__(None, None, None)  # the CLI works on the site's files, the server stopped
    monkeypatch.setenv("QUANZI_DATA_DIR", str(config.data_dir))
    monkeypatch.setenv("QUANZI_PLUGINS_FILE", str(config.plugins_file))
    monkeypatch.setenv("QUANZI_BASE_URL", "https://club.example")
    if not config.is_sqlite:
        monkeypatch.setenv("QUANZI_DATABASE_URL", config.database_url)
    assert cli.main(["template", "apply", "welcome", "--circle", "club", "--title", "Hello"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"thread: Hello  https://club\.example/t/\d+", out), out
    assert cli.main(["template", "apply", "welcome", "--circle", "club"]) == 2
    assert "--again" in capsys.readouterr().err
    args = ["template", "apply", "chore_day", "--circle", "club", "--answer", "day=2027-02-01"]
    assert cli.main(args) == 0 and "Chores on 2027-02-01" in capsys.readouterr().out


def test_plugins_hear_of_every_new_account(site):
    register(site, "newcomer")
    browser(site, "browser_person")
    log = (site.app.state.site.config.data_dir / "members.log").read_text()
    assert log.splitlines() == ["registered newcomer", "registered browser_person"]
