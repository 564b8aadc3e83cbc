"""Which plugins are enabled, and their settings, live in the site's database, which every machine reads:
plugins.toml seeds it, and a change made on one machine reaches the others' workers within seconds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx2

from core.pluginhost import stored
from core.pluginhost.host import PluginHost
from core.testing import enable_plugin, make_config
from core.testing.live import server_command


def _machine(data_dir: Path, database_url: str, secret: str = "") -> dict[str, str]:
    """The settings of one machine of a site: its own data dir and plugins.toml, the site's database (and secret)."""
    settings = {"QUANZI_DATABASE_URL": database_url, "QUANZI_PLUGINS_FILE": str(data_dir / "plugins.toml")}
    return {**settings, "QUANZI_SECRET_KEY": secret} if secret else settings


def _cli(data_dir: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return server_command(data_dir, *args, **_machine(data_dir, database_url))


def _polls_answer(base: str) -> bool:
    return "/polls/" in httpx2.get(f"{base}/api/v1/openapi.json", timeout=5).text


def test_plugins_toml_seeds_the_database_which_then_wins_and_says_so(config):
    enable_plugin(config.plugins_file, "polls", max_options=5)
    seeded = _cli(config.data_dir, config.database_url, "migrate")
    assert seeded.returncode == 0, seeded.stderr
    assert stored.read_now(config)["polls"] == {"enabled": True, "max_options": 5}

    # a machine whose plugins.toml says nothing of polls follows the database
    elsewhere = make_config(config.data_dir.parent / "elsewhere", database_url=config.database_url)
    host = PluginHost(elsewhere)
    assert "polls" in host.enabled and host.plugin_settings("polls")["max_options"] == 5

    # editing the file by hand changes nothing the site has already taken, and the next start says so
    enable_plugin(config.plugins_file, "polls", False, max_options=5)
    assert "polls" in PluginHost(config).enabled
    again = _cli(config.data_dir, config.database_url, "migrate")
    assert "plugins.toml says [polls] enabled = False, but the site's database has True" in again.stderr

    # the command changes the database (and this machine's file)
    disabled = _cli(config.data_dir, config.database_url, "plugins", "disable", "polls")
    assert disabled.returncode == 0, disabled.stderr
    assert "servers elsewhere within seconds" in disabled.stdout
    assert stored.read_now(config)["polls"] == {"enabled": False, "max_options": 5}
    assert "polls" not in PluginHost(elsewhere).enabled
    listing = _cli(elsewhere.data_dir, config.database_url, "plugins", "list")
    assert re.search(r"│ polls +│ [\d.]+ +│ no ", listing.stdout), listing.stdout
