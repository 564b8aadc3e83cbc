"""First run: the setup page, createadmin, migrate, the OpenAPI document."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from PIL import Image
from starlette.routing import Mount

from core.site.service import issue_setup_token
from core.testing.live import ROOT, seed_database, server_command, server_env


def test_the_setup_page_creates_the_admin_and_logs_them_in(client):
    token = client.portal.call(issue_setup_token)
    page = client.get(f"/setup?token={token}")
    assert page.status_code == 200 and "csrf_token" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"token": token, "username": "管理员", "email": "admin@example.com", "password": "long enough pw"}
    assert client.post("/setup", data=form, follow_redirects=False).status_code == 403  # no CSRF token
    response = client.post("/setup", data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/v1/me").json()["role"] == "admin"
    assert client.get(f"/setup?token={token}").status_code == 404


def test_the_setup_form_keeps_what_was_typed_and_shows_the_error(client):
    token = client.portal.call(issue_setup_token)
    page = client.get(f"/setup?token={token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"token": token, "username": "ok_name", "email": "broken", "password": "long enough pw", "csrf_token": csrf}
    response = client.post("/setup", data=form)  # the site's default language is Chinese
    assert response.status_code == 400
    assert 'value="ok_name"' in response.text and "请填写有效的邮箱地址" in response.text
    response = client.post("/setup", data=form, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "Enter a valid e-mail address." in response.text
    assert client.get(f"/setup?token={token}").status_code == 200  # the link still works


def test_a_wrong_setup_token_is_not_found(client):
    client.portal.call(issue_setup_token)
    assert client.get("/setup?token=guess").status_code == 404


def run_cli(tmp_path, *args, stdin="", **env):
    return server_command(tmp_path, *args, stdin=stdin, **env)


@pytest.mark.sqlite_only
def test_createadmin_reads_the_password_from_stdin(tmp_path):
    seed_database(tmp_path)
    result = run_cli(
        tmp_path,
        "createadmin",
        "--username",
        "root",
        "--email",
        "root@example.com",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert result.returncode == 0, result.stderr
    again = run_cli(
        tmp_path,
        "createadmin",
        "--username",
        "ROOT",
        "--email",
        "x@example.com",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert again.returncode == 1 and "username: This username is taken." in again.stderr


@pytest.mark.sqlite_only
def test_migrate_is_idempotent(tmp_path):
    first = run_cli(tmp_path, "migrate")
    assert first.returncode == 0 and "core.0001_initial" in first.stdout
    second = run_cli(tmp_path, "migrate")
    assert second.returncode == 0 and "applied" not in second.stdout


@pytest.mark.sqlite_only
def test_a_bad_setting_stops_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "server.py", "migrate"],
        cwd=ROOT,
        env={**server_env(tmp_path), "QUANZI_RATE_LIMIT_SCALE": "lots"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "QUANZI_RATE_LIMIT_SCALE" in result.stderr


def test_the_openapi_document_lists_every_api_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    api = next(route for route in client.app.routes if isinstance(route, Mount) and route.path == "/api/v1")
    for route in api.routes:
        if route.path == "/openapi.json":
            continue
        path = "/api/v1" + re.sub(r"{(\w+):\w+}", r"{\1}", route.path)
        for method in route.methods - {"HEAD"}:
            assert method.lower() in document["paths"][path], (method, path)
    create = document["paths"]["/api/v1/circles/{slug}/threads"]["post"]
    schema = document["components"]["schemas"][
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    ]
    assert set(schema["required"]) == {"title", "body"}
    assert schema["additionalProperties"] is False


@pytest.mark.sqlite_only
def test_a_backup_taken_while_serving_restores_into_a_new_site(tmp_path):
    import sqlite3

    import httpx2

    from core.testing.live import live_server

    live_dir, restored_dir = tmp_path / "live", tmp_path / "restored"
    plugins = {"QUANZI_PLUGINS_FILE": str(tmp_path / "plugins.toml")}  # the backup's copy goes back here
    (tmp_path / "plugins.toml").write_text((ROOT / "plugins.toml").read_text())
    with live_server(live_dir, **plugins) as server:
        body = {"username": "keeper", "email": "keeper@example.com", "password": "long enough pw"}
        assert httpx2.post(f"{server.base}/api/v1/auth/register", json=body).status_code == 201
        login = {"login": "keeper", "password": body["password"]}
        token = httpx2.post(f"{server.base}/api/v1/auth/token", json=login).json()["token"]
        photo = io.BytesIO()
        Image.new("RGB", (900, 600), (10, 90, 30)).save(photo, "JPEG")
        sent = httpx2.post(
            f"{server.base}/api/v1/uploads",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("p.jpg", photo.getvalue(), "image/jpeg")},
        )
        assert sent.status_code == 201, sent.text
        result = run_cli(live_dir, "backup", str(tmp_path / "site.backup"), **plugins)
        assert result.returncode == 0, result.stderr
    result = run_cli(restored_dir, "restore", str(tmp_path / "site.backup"), **plugins)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(restored_dir / "quanzi.sqlite3") as db:
        assert db.execute("SELECT username FROM users").fetchall() == [("keeper",)]
    name = sent.json()["url"].removeprefix("/uploads/")
    assert (restored_dir / "uploads" / name[:2] / name[2:4] / name).is_file()  # the pictures came back too


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    (tmp_path / "junk").write_text("not a database")
    result = run_cli(tmp_path, "restore", str(tmp_path / "junk"))
    assert result.returncode == 2 and "not a" in result.stderr


@pytest.mark.sqlite_only
def test_restore_refuses_a_running_server_and_rebuilds_the_search_index(tmp_path):
    """Restoring under a running server would pull its database away; afterwards, the index must not hold what the
    replaced database had (nor miss what the restored one has), and plugins.toml is the backup's."""
    import shutil

    import httpx2

    from core.testing import enable_plugin
    from core.testing.live import live_server

    site, plugins = tmp_path / "site", tmp_path / "plugins.toml"
    shutil.copyfile(ROOT / "plugins.toml", plugins)
    with (
        live_server(site, QUANZI_PLUGINS_FILE=str(plugins)) as server,
        httpx2.Client(base_url=f"{server.base}/api/v1") as api,
    ):
        body = {"username": "keeper", "email": "keeper@example.com", "password": "long enough pw"}
        api.post("/auth/register", json=body)
        token = api.post("/auth/token", json={"login": "keeper", "password": body["password"]}).json()["token"]
        api.headers["authorization"] = f"Bearer {token}"
        api.post("/circles", json={"slug": "club", "name": "Club"})
        api.post("/circles/club/threads", json={"title": "Kept", "body": "mulberry"})
        assert run_cli(site, "backup", str(tmp_path / "site.backup"), QUANZI_PLUGINS_FILE=str(plugins)).returncode == 0
        api.post("/circles/club/threads", json={"title": "Later", "body": "mulberry later"})
        refused = run_cli(site, "restore", str(tmp_path / "site.backup"), QUANZI_PLUGINS_FILE=str(plugins))
        assert refused.returncode == 2 and "server is running" in refused.stderr
    kept = plugins.read_text()
    enable_plugin(plugins, "meeting_kit", False)  # they need polls
    enable_plugin(plugins, "customer_club", False)
    enable_plugin(plugins, "polls", False)
    restored = run_cli(site, "restore", str(tmp_path / "site.backup"), QUANZI_PLUGINS_FILE=str(plugins))
    assert restored.returncode == 0, restored.stderr
    assert plugins.read_text() == kept
    with live_server(site, QUANZI_PLUGINS_FILE=str(plugins)) as server:
        found = httpx2.get(f"{server.base}/api/v1/search", params={"q": "mulberry"}).json()["items"]
    assert [item["title"] for item in found] == ["Kept"]


@pytest.mark.sqlite_only
def test_a_command_meeting_a_busy_database_says_so_and_changes_nothing(tmp_path, monkeypatch, capsys):
    """SQLite waits 10 s for another writer (busy_timeout); past that, a clear message instead of a traceback."""
    from tortoise.exceptions import OperationalError

    from core import cli
    from core.cli import plugins as commands

    async def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    seed_database(tmp_path)
    monkeypatch.setenv("QUANZI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QUANZI_DATABASE_URL", raising=False)
    monkeypatch.setattr(commands, "apply_scenario", busy)
    assert cli.main(["template", "apply", "welcome", "--circle", "club"]) == 2
    assert "database stayed busy" in capsys.readouterr().err


@pytest.mark.sqlite_only
def test_the_demo_names_its_accounts_refuses_a_live_club_and_runs_twice_harmlessly(tmp_path):
    seed_database(tmp_path / "fresh")
    seed_database(tmp_path / "club")
    first = run_cli(tmp_path / "fresh", "demo")
    assert first.returncode == 0, first.stderr
    assert "小林" in first.stdout and "emma" in first.stdout and "demo-password" in first.stdout
    again = run_cli(tmp_path / "fresh", "demo")
    assert again.returncode == 0 and "already holds the demo" in again.stdout

    live = tmp_path / "club"
    assert (
        run_cli(
            live,
            "createadmin",
            "--username",
            "owner",
            "--email",
            "o@example.com",
            "--password-stdin",
            stdin="a long password\n",
        ).returncode
        == 0
    )
    _make_circle(live)
    refused = run_cli(live, "demo")
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = run_cli(live, "demo", "--force")
    assert forced.returncode == 0 and "小林" in forced.stdout


def _make_circle(data_dir):
    import asyncio

    from core.circles.models import Circle
    from core.config import load_config
    from core.db import database

    async def make():
        async with database(load_config({"QUANZI_DATA_DIR": str(data_dir)})):
            await Circle.create(slug="real-club", name="A real club")

    asyncio.run(make())


def test_the_setup_page_names_the_club_and_its_welcome(client):
    token = client.portal.call(issue_setup_token)
    page = client.get(f"/setup?token={token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {
        "token": token,
        "username": "owner",
        "email": "owner@example.com",
        "password": "long enough pw",
        "site_name": "鹰山徒步会",
        "site_description": "每周六一起爬山，欢迎加入！",
        "csrf_token": csrf,
    }
    too_long = client.post("/setup", data={**form, "site_name": "x" * 61})
    assert too_long.status_code == 400 and client.get(f"/setup?token={token}").status_code == 200  # nothing used up
    assert client.post("/setup", data=form, follow_redirects=False).status_code == 303
    client.cookies.clear()
    home = client.get("/").text
    assert "<title>" in home and "鹰山徒步会" in home and "每周六一起爬山，欢迎加入！" in home


def test_the_setup_page_takes_the_clubs_logo_and_a_refused_one_leaves_setup_undone(client):
    token = client.portal.call(issue_setup_token)
    page = client.get(f"/setup?token={token}")
    assert 'enctype="multipart/form-data"' in page.text and 'name="logo"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {
        "token": token,
        "username": "owner",
        "email": "owner@example.com",
        "password": "long enough pw",
        "site_name": "鹰山徒步会",
        "csrf_token": csrf,
    }
    svg = client.post("/setup", data=form, files={"logo": ("logo.svg", b"<svg><script/></svg>", "image/svg+xml")})
    assert svg.status_code == 400 and 'aria-describedby="e-logo"' in svg.text
    assert client.get(f"/setup?token={token}").status_code == 200  # nothing used up
    logo = io.BytesIO()
    Image.new("RGB", (700, 500), (200, 30, 30)).save(logo, "PNG")
    done = client.post(
        "/setup", data=form, files={"logo": ("logo.png", logo.getvalue(), "image/png")}, follow_redirects=False
    )
    assert done.status_code == 303
    client.app.state.site.settings.forget()
    client.cookies.clear()
    shown = re.search(r'<img class="logo" src="(/uploads/[0-9a-f]{64}\.png)"', client.get("/").text)
    assert shown and client.get(shown.group(1)).status_code == 200  # a guest sees the club's logo


@pytest.mark.sqlite_only
def test_template_list_prints_each_name_whole_in_a_pipe(tmp_path):
    (tmp_path / "plugins.toml").write_text(
        "".join(f"[{name}]\nenabled = true\n" for name in ("polls", "events", "flyer_campaign", "meeting_kit"))
    )
    seed_database(tmp_path, QUANZI_PLUGINS_FILE=str(tmp_path / "plugins.toml"))
    result = run_cli(tmp_path, "template", "list", QUANZI_PLUGINS_FILE=str(tmp_path / "plugins.toml"), COLUMNS="60")
    assert result.returncode == 0, result.stderr
    names = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│ ")]
    assert {"flyer-campaign", "meeting-kit", "welcome"} <= {name for name in names if name}, result.stdout
