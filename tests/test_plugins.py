"""The plugin system, proven from outside the core: a plugin installed as a distribution, plugins.toml checks,
isolation of failing plugins, scenario templates, and the scaffold."""

from __future__ import annotations

import importlib
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
from conftest import make_circle, make_thread, register, reply

from core.accounts.models import Role
from core.circles.scenarios import apply_scenario
from core.errors import ConfigError, Conflict
from core.pluginhost import stored
from core.pluginhost.host import InstalledPlugin, PluginHost
from core.plugins import PluginManifest, Setting, Slot, SlotContent, answers_slots, hookimpl
from core.testing import make_config
from core.testing.live import ROOT, live_server, server_env

THROWAWAY = """
from core.plugins import ApiCall, ApiRouter, PerPost, PluginManifest, Scenario, Setting, SlotContent, create_thread, hookimpl
from starlette.responses import PlainTextResponse
from starlette.routing import Route

PLUGIN = PluginManifest(name="throwaway", version="1.2.3", description="Proves the hooks from outside",
                        settings=(Setting("word", str, "bonjour"),))
router = ApiRouter("throwaway")
seen_posts = []
footer_calls = []


@router.route("GET", "/throwaway/word", "The configured word")
async def word(call: ApiCall) -> dict:
    return {"word": call.site.plugin_settings("throwaway")["word"]}


async def page(request):
    return PlainTextResponse("throwaway page")


async def half_then_fail(context):
    await create_thread(context.owner, context.circle.slug, "Half", "written before the failure", max_length=100)
    raise RuntimeError("the template broke half-way")


@hookimpl
def register_routes():
    return [Route("/throwaway", page)]


@hookimpl
def register_api_routes():
    return [router]


@hookimpl
def register_scenarios():
    return [Scenario("half", "Half", "Fails half-way", half_then_fail),
            Scenario("needs-polls", "Needs polls", "Needs a plugin", half_then_fail, requires=("polls",))]


@hookimpl
def render_slot(slot, request, context):
    if slot == "navigation":
        raise RuntimeError("this plugin's slot is broken")
    if slot == "post_footer":
        footer_calls.append(len(context["posts"]))
        return PerPost({post.id: f"footer of {post.number} <b>" for post in context["posts"] if post.number % 2 == 0})


@hookimpl
async def post_created(post, thread, user):
    raise RuntimeError("this plugin's event handler is broken")


@hookimpl
async def thread_created(thread, post, user):
    seen_posts.append(post.body)
"""


@pytest.fixture
def throwaway_distribution(tmp_path, monkeypatch):
    """A plugin installed as a distribution with a ``quanzi.plugins`` entry point (a package and its dist-info)."""
    site_packages = tmp_path / "site-packages"
    (site_packages / "throwaway").mkdir(parents=True)
    (site_packages / "throwaway" / "__init__.py").write_text(THROWAWAY)
    info = site_packages / "quanzi_throwaway-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: quanzi-throwaway\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text("[quanzi.plugins]\nthrowaway = throwaway\n")
    monkeypatch.syspath_prepend(str(site_packages))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("throwaway", None)


def test_a_distribution_plugin_loads_with_its_routes_api_and_settings(throwaway_distribution, quanzi_site):
    client = quanzi_site(plugins=["throwaway"], plugin_settings={"throwaway": {"word": "你好"}})
    assert client.get("/throwaway").text == "throwaway page"
    assert client.get("/api/v1/throwaway/word").json() == {"word": "你好"}
    assert "/api/v1/throwaway/word" in client.get("/api/v1/openapi.json").json()["paths"]


def test_a_disabled_plugin_is_not_loaded(throwaway_distribution, quanzi_site):
    client = quanzi_site()
    assert client.get("/throwaway").status_code == 404


def test_a_plugin_that_raises_is_logged_and_skipped(throwaway_distribution, quanzi_site, caplog):
    client = quanzi_site(plugins=["throwaway"])
    alice = register(client, "alice")
    make_circle(client, alice, "club")
    thread = client.post(
        "/api/v1/circles/club/threads", json={"title": "t", "body": "opening"}, headers=alice.auth
    ).json()
    with caplog.at_level(logging.ERROR, logger="quanzi.plugins"):
        reply = client.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "still works"}, headers=alice.auth)
        page = client.get("/throwaway")
    assert reply.status_code == 201
    assert page.status_code == 200
    failures = [record.getMessage() for record in caplog.records]
    assert "plugin 'throwaway' failed in hook post_created; skipped" in failures
    assert sys.modules["throwaway"].seen_posts == ["opening"]  # the other hooks of the plugin still ran


def test_a_scenario_that_fails_half_way_changes_nothing(throwaway_distribution, quanzi_site):
    client = quanzi_site(plugins=["throwaway"])
    alice = register(client, "alice")
    make_circle(client, alice, "club")
    host = client.app.state.site.plugins
    with pytest.raises(RuntimeError):
        client.portal.call(apply_scenario, host, "half", "club")
    assert client.get("/api/v1/circles/club/threads").json()["items"] == []


def test_a_scenario_needing_a_disabled_plugin_is_refused(throwaway_distribution, quanzi_site):
    client = quanzi_site(plugins=["throwaway"])
    make_circle(client, register(client, "alice"), "club")
    with pytest.raises(Conflict, match="polls"):
        client.portal.call(apply_scenario, client.app.state.site.plugins, "needs-polls", "club")


def test_the_welcome_template_pins_a_welcome_and_the_rules(quanzi_site):
    client = quanzi_site()
    make_circle(client, register(client, "alice"), "club", name="读书会")
    client.portal.call(apply_scenario, client.app.state.site.plugins, "welcome", "club", None)
    threads = client.get("/api/v1/circles/club/threads").json()["items"]
    assert [(t["title"], t["pinned"]) for t in threads] == [
        ("欢迎来到读书会", True),  # the site's language: one club, one language
        ("圈子规则", True),
    ]


def fake_plugin(name: str, requires: tuple[str, ...] = (), settings: tuple[Setting, ...] = ()) -> InstalledPlugin:
    package = type(sys)(f"fake_{name}")
    package.__file__ = f"/nowhere/{name}/__init__.py"
    return InstalledPlugin(
        PluginManifest(name, "1.0", requires=requires, settings=settings), package, f"plugins/{name}"
    )


INSTALLED = {
    "polls": fake_plugin(
        "polls", settings=(Setting("max_options", int, 20), Setting("mode", str, "a", choices=("a", "b")))
    ),
    "meeting": fake_plugin("meeting", requires=("polls",)),
}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[pols]\nenabled = true\n", "[pols]: no such plugin is installed (installed: meeting, polls)"),
        ("[polls]\nenabled = true\nmax_option = 3\n", "[polls] max_option: the plugin has no such setting"),
        ("[polls]\nenabled = true\nmax_options = 'many'\n", "[polls] max_options: expected a whole number, got 'many'"),
        ("[polls]\nenabled = true\nmode = 'c'\n", "[polls] mode: expected one of 'a', 'b', got 'c'"),
        ("[polls]\nenabled = 'yes'\n", "[polls] enabled: expected true or false"),
        ("[meeting]\nenabled = true\n", "[meeting] requires [polls]: enable it too"),
        ("[polls\n", "plugins.toml"),
    ],
)
def test_a_mistake_in_plugins_toml_stops_the_start_naming_file_and_key(tmp_path, toml, message):
    config = make_config(tmp_path)
    config.plugins_file.write_text(toml)
    with pytest.raises(ConfigError) as error:
        PluginHost(config, INSTALLED)
    assert str(config.plugins_file) in str(error.value)
    assert message in str(error.value)


def test_plugin_settings_come_from_plugins_toml_with_defaults(tmp_path):
    config = make_config(tmp_path)
    config.plugins_file.write_text("# my plugins\n[polls]\nenabled = true\nmax_options = 5\n")
    host = PluginHost(config, INSTALLED)
    assert host.enabled == ["polls"]
    assert host.plugin_settings("polls") == {"max_options": 5, "mode": "a"}


def copy_of_the_project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", ".git", "data", "__pycache__", ".pytest_cache", ".ruff_cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.mark.sqlite_only
def test_a_new_plugin_works_at_once(tmp_path):
    project = copy_of_the_project(tmp_path)
    data = tmp_path / "data"
    env = server_env(data)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, timeout=120
        )

    assert run("server.py", "plugins", "new", "hello").returncode == 0
    assert (project / "plugins/hello/models.py").exists()
    enable = run("server.py", "plugins", "enable", "hello")
    assert enable.returncode == 0, enable.stderr
    assert "applied hello.0001_initial" in enable.stdout or "hello" in enable.stdout
    tests = run("-m", "pytest", "plugins/hello", "-p", "no:cacheprovider")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    listing = run("server.py", "plugins", "list")
    assert "hello" in listing.stdout and "yes" in listing.stdout

    with live_server(data, root=project) as server:
        page = httpx2.get(f"{server.base}/hello")
        assert page.status_code == 200
        assert "Hello from hello!" in page.text and '<a href="/hello">hello</a>' in page.text
        chinese = httpx2.get(f"{server.base}/hello", headers={"Accept-Language": "zh-CN"})
        assert "<h2>笔记</h2>" in chinese.text  # the new plugin comes with both catalogues, compiled

    assert run("server.py", "plugins", "disable", "hello").returncode == 0
    assert "enabled = false" in (project / "plugins.toml").read_text()
    assert "# Quanzi plugins" in (project / "plugins.toml").read_text()  # comments survive


@pytest.mark.sqlite_only
def test_enabling_a_plugin_whose_requirement_is_off_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "server.py", "plugins", "enable", "nosuchplugin"],
        cwd=ROOT,
        env=server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no plugin named 'nosuchplugin'" in result.stderr


def _admin_browser(client):
    from conftest import PASSWORD
    from pages import csrf_of

    register(client, "root", Role.ADMIN)
    body = {"login": "root", "password": PASSWORD}
    return client.post("/api/v1/auth/session", json=body, headers={"X-CSRF-Token": csrf_of(client)}).json()[
        "csrf_token"
    ]


def test_a_page_still_renders_when_a_plugin_slot_raises(throwaway_distribution, quanzi_site, caplog):
    client = quanzi_site(plugins=["throwaway"])
    with caplog.at_level(logging.ERROR, logger="quanzi.plugins"):
        page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Latest discussions" in page.text
    assert "plugin 'throwaway' failed in hook render_slot; skipped" in [r.getMessage() for r in caplog.records]


def test_a_plugin_puts_footers_under_posts_asked_once_per_page(throwaway_distribution, quanzi_site):
    client = quanzi_site(plugins=["throwaway"])
    alice = register(client, "alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")
    for n in range(4):
        reply(client, alice, thread["id"], f"reply {n}")
    page = client.get(f"/t/{thread['id']}").text
    assert "footer of 2 &lt;b&gt;" in page and "footer of 4 &lt;b&gt;" in page  # plain text is escaped
    assert "footer of 1" not in page and "footer of 3" not in page and "footer of 5" not in page
    assert sys.modules["throwaway"].footer_calls == [5]  # one call for the page's five posts, not one per post


def test_the_admin_edits_plugin_settings_and_plugins_toml_keeps_its_comments(throwaway_distribution, quanzi_site):
    client = quanzi_site(plugins=["throwaway"])
    plugins_file = client.app.state.site.config.plugins_file
    plugins_file.write_text("# my site's plugins\n" + plugins_file.read_text())
    csrf = _admin_browser(client)
    page = client.get("/admin/plugins", headers={"Accept-Language": "en"})
    assert "throwaway" in page.text and "1.2.3" in page.text and 'value="bonjour"' in page.text
    client.post("/admin/plugins/throwaway/settings", data={"word": "salut", "csrf_token": csrf})
    text = plugins_file.read_text()
    assert 'word = "salut"' in text and "# my site's plugins" in text and "enabled = true" in text
    config = client.app.state.site.config
    assert stored.read_now(config)["throwaway"] == {"enabled": True, "word": "salut"}  # on, as the file had it
    client.post("/admin/plugins/throwaway/disable", data={"csrf_token": csrf})
    assert "enabled = false" in plugins_file.read_text()
    assert stored.read_now(config)["throwaway"] == {"enabled": False, "word": "salut"}


def test_the_admin_plugin_page_refuses_a_bad_setting(quanzi_site):
    client = quanzi_site()
    csrf = _admin_browser(client)
    host = client.app.state.site.plugins
    host.installed["typed"] = fake_plugin("typed", settings=(Setting("max_options", int, 20),))
    page = client.post("/admin/plugins/typed/settings", data={"max_options": "lots", "csrf_token": csrf})
    assert page.status_code == 400 and "expected a whole number" in page.text
    plugins_file = client.app.state.site.config.plugins_file
    assert not plugins_file.exists() or "typed" not in plugins_file.read_text()


def test_plugins_and_templates_read_in_chinese_in_the_admin_area(quanzi_site):
    from pages import browser

    site = quanzi_site(plugins=["polls"])
    browser(site, "root")
    site.portal.call(_promote, "root")
    plugins = site.get("/admin/plugins", headers={"Accept-Language": "zh-CN"}).text
    assert "投票和问卷" in plugins and "选项上限" in plugins and "max_options</label>" not in plugins
    templates = site.get("/admin/templates", headers={"Accept-Language": "zh-CN"}).text
    assert "欢迎套件" in templates and "客户满意度调查" in templates


async def _promote(username):
    from core.accounts.models import Role, User

    await User.filter(username=username).update(role=Role.ADMIN)


def test_a_slot_implementation_that_names_its_slots_is_asked_for_those_alone(quanzi_site):
    client = quanzi_site()
    asked: list[tuple[str, str]] = []

    class HeadOnly:
        @hookimpl
        @answers_slots(Slot.HEAD)
        def render_slot(self, slot, request, context):
            asked.append(("head only", slot))
            return SlotContent("missing.html") if slot != "head" else "<!-- head only -->"

    class Everywhere:
        @hookimpl
        def render_slot(self, slot, request, context):
            asked.append(("everywhere", slot))

    plugins = client.app.state.site.plugins
    plugins.pm.register(HeadOnly(), name="head-only")
    page = client.get("/", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "&lt;!-- head only --&gt;" in page.text  # plain text, escaped
    plugins.pm.register(Everywhere(), name="everywhere")  # registered later: asked from then on
    assert client.get("/search?q=x", headers={"Accept-Language": "en"}).status_code == 200
    assert {slot for who, slot in asked if who == "head only"} == {"head"}
    assert {"head", "navigation"} <= {slot for who, slot in asked if who == "everywhere"}
