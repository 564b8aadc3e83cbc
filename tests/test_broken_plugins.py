"""A broken plugin is named, skipped and switched off from the CLI or the admin area; the site and every command
keep working."""

from __future__ import annotations

import importlib
import sys

import pytest

from core.pluginhost import settings_file
from core.pluginhost.host import PluginHost
from core.testing import make_config
from core.testing.live import server_command

MANIFEST = (
    'from core.plugins import PluginManifest\nPLUGIN = PluginManifest(name="{name}", version="1.0.0", '
    'description="A plugin")\n'
)


@pytest.fixture
def broken_plugins(tmp_path, monkeypatch):
    """Three plugins installed as distributions: one whose package fails to import, one whose hooks do, and one whose
    routes (registered by its layout, with no hooks module) do."""
    site_packages = tmp_path / "site-packages"
    for name, init, module, code in [
        ("bad_import", "import a_module_nobody_installed\n" + MANIFEST.format(name="bad_import"), None, ""),
        ("bad_hooks", MANIFEST.format(name="bad_hooks"), "hooks.py", "import another_missing_module\n"),
        ("bad_routes", MANIFEST.format(name="bad_routes"), "routes.py", "import a_third_missing_module\nroutes = []\n"),
    ]:
        (site_packages / name).mkdir(parents=True)
        (site_packages / name / "__init__.py").write_text(init)
        if module:
            (site_packages / name / module).write_text(code)
        info = site_packages / f"{name}-1.0.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n")
        (info / "entry_points.txt").write_text(f"[quanzi.plugins]\n{name} = {name}\n")
    monkeypatch.syspath_prepend(str(site_packages))
    importlib.invalidate_caches()
    yield str(site_packages)
    for name in ("bad_import", "bad_hooks", "bad_routes"):
        sys.modules.pop(name, None)


def cli(tmp_path, path, *args):
    site = tmp_path / "site"
    return server_command(site, *args, PYTHONPATH=path, QUANZI_PLUGINS_FILE=str(site / "plugins.toml"))


def test_a_broken_plugin_is_skipped_and_named(tmp_path, broken_plugins, caplog):
    config = make_config(tmp_path / "data")
    for name in ("bad_import", "bad_hooks", "bad_routes", "polls"):
        settings_file.write(config.plugins_file, name, {"enabled": True})
    host = PluginHost(config)
    assert host.enabled == ["polls"]  # the rest of the site runs
    assert (
        "ModuleNotFoundError" in host.broken["bad_import"].error
        and "a_module_nobody_installed" in host.broken["bad_import"].error
    )
    assert "another_missing_module" in host.broken["bad_hooks"].error
    assert "a_third_missing_module" in host.broken["bad_routes"].error  # its layout's modules load with it
    assert "bad_hooks" not in host.models_apps()
    assert "python server.py plugins disable bad_hooks" in caplog.text


@pytest.mark.sqlite_only
def test_the_cli_lists_broken_plugins_and_switches_them_off(tmp_path, broken_plugins):
    assert cli(tmp_path, broken_plugins, "migrate").returncode == 0
    plugins_file = tmp_path / "site" / "plugins.toml"
    for name in ("bad_import", "bad_hooks"):
        settings_file.write(plugins_file, name, {"enabled": True})
    listed = cli(tmp_path, broken_plugins, "plugins", "list")
    assert listed.returncode == 0 and "BROKEN" in listed.stdout and "bad_import" in listed.stdout
    assert cli(tmp_path, broken_plugins, "migrate").returncode == 0  # every command still works
    enabling = cli(tmp_path, broken_plugins, "plugins", "enable", "bad_hooks")
    assert enabling.returncode != 0 and "another_missing_module" in enabling.stderr
    for name in ("bad_import", "bad_hooks"):
        assert cli(tmp_path, broken_plugins, "plugins", "disable", name).returncode == 0
    assert settings_file.enabled_names(settings_file.read(plugins_file)) == []


def test_the_admin_area_shows_a_broken_plugin_and_disables_it(tmp_path, broken_plugins, quanzi_site):
    from pages import browser

    site = quanzi_site(plugins=["bad_hooks"])
    csrf = browser(site, "root")
    site.portal.call(_promote, "root")
    page = site.get("/admin/plugins", headers={"Accept-Language": "en"})
    assert "cannot be loaded" in page.text and "another_missing_module" in page.text
    assert (
        site.post("/admin/plugins/bad_hooks/disable", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    plugins_file = site.app.state.site.config.plugins_file
    assert settings_file.enabled_names(settings_file.read(plugins_file)) == []


async def _promote(username):
    from core.accounts.models import Role, User

    await User.filter(username=username).update(role=Role.ADMIN)
