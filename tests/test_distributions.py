"""The bundled plugins also install as distributions of their own: each folder with a pyproject.toml builds a wheel
that holds the package (as ``plugins.NAME``, with its templates, static files, catalogues and migrations, not its
tests) and a ``quanzi.plugins`` entry point; a site without the folder loads the installed plugin and serves its
pages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTIONS = sorted(path.parent.name for path in (ROOT / "plugins").glob("*/pyproject.toml"))

pytestmark = pytest.mark.sqlite_only  # builds and runs in a process of its own, on SQLite


def build_wheel(name: str, tmp_path: Path) -> Path:
    source = tmp_path / "src" / name
    shutil.copytree(ROOT / "plugins" / name, source, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob(f"*{name}*.whl")
    return wheel


def test_every_plugin_with_bundled_code_but_the_folder_is_a_distribution_too():
    assert {"polls", "events", "meeting_kit"} <= set(DISTRIBUTIONS)


@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_a_plugins_wheel_holds_its_package_and_entry_point(name, tmp_path):
    with zipfile.ZipFile(build_wheel(name, tmp_path)) as wheel:
        files = set(wheel.namelist())
        (entry_points,) = [file for file in files if file.endswith(".dist-info/entry_points.txt")]
        assert wheel.read(entry_points).decode().split() == ["[quanzi.plugins]", name, "=", f"plugins.{name}"]
    package = f"plugins/{name}"
    assert {
        f"{package}/__init__.py",
        f"{package}/hooks.py",
        f"{package}/migrations/0001_initial.py",
        f"{package}/locale/zh_CN/LC_MESSAGES/messages.po",
    } <= files
    assert any(file.startswith(f"{package}/templates/") for file in files)
    assert not any("/tests/" in file for file in files) and f"{package}/pyproject.toml" not in files


# A plugin installed from its wheel on a copy of Quanzi without its folder, the plugins it needs beside it: the
# template to apply, and a word its page must show in Chinese.
SCENARIOS = [
    ("meeting_kit", "quanzi-meeting-kit", ("polls", "events"), "meeting-kit", "议程"),
    ("flyer_campaign", "quanzi-flyer-campaign", (), "flyer-campaign", "进入圈子"),
]


@pytest.mark.parametrize(("name", "distribution", "needs", "template", "word"), SCENARIOS)
def test_a_site_without_the_folder_serves_the_installed_scenario(name, distribution, needs, template, word, tmp_path):
    """``pip install`` of the scenario's wheel on a copy of Quanzi whose plugins/ lacks it: the plugin comes from the
    distribution (its entry point), migrates, and its template, pages and Chinese catalogue work."""
    site_packages = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site_packages),
            str(build_wheel(name, tmp_path)),
        ],
        check=True,
        capture_output=True,
    )
    quanzi = tmp_path / "quanzi"
    shutil.copytree(ROOT / "core", quanzi / "core", ignore=shutil.ignore_patterns("__pycache__"))
    for shared in ("themes", "locale"):
        (quanzi / shared).symlink_to(ROOT / shared)
    (quanzi / "plugins").mkdir()
    shutil.copyfile(ROOT / "plugins" / "__init__.py", quanzi / "plugins" / "__init__.py")
    for needed in needs:
        shutil.copytree(ROOT / "plugins" / needed, quanzi / "plugins" / needed, ignore=shutil.ignore_patterns("tests"))
    script = """
import json, sys
from pathlib import Path
from core.pluginhost.host import discover
from core.testing import apply_template, make_circle, register, running_site

name, template, plugins = sys.argv[2], sys.argv[3], sys.argv[4:]
found = discover()
with running_site(Path(sys.argv[1]), plugins=plugins) as client:
    owner = register(client, "chair")
    make_circle(client, owner, "wine")
    applied = apply_template(client, template, "wine", "2027 年会")
    page = client.get(applied.created[0].url, headers=owner.auth)
print(json.dumps({"origin": found[name].origin, "folder": str(found[name].folder), "status": page.status_code,
                  "page": page.text}))
"""
    (tmp_path / "data").mkdir()
    env = {**os.environ, "PYTHONPATH": f"{quanzi}{os.pathsep}{site_packages}"}
    ran = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data"), name, template, *needs, name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["origin"] == distribution and result["folder"].startswith(str(site_packages))
    assert result["status"] == 200 and word in result["page"] and "2027 年会" in result["page"]
