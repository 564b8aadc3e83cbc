"""The documentation tells the truth: every API endpoint is listed in docs/api.md, every hook in docs/plugins.md,
every UI string translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.pluginhost.host import discover

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_api_endpoint_is_documented(quanzi_site):
    """The core's and those of the plugins that come with Quanzi."""
    client = quanzi_site(plugins=sorted(discover()))
    text = (DOCS / "api.md").read_text()
    for endpoint in client.app.state.site.endpoints:
        path = re.sub(r"{(\w+):\w+}", r"{\1}", endpoint.path)
        assert f"`{endpoint.method} {path}`" in text, f"{endpoint.method} {path} is missing from docs/api.md"


def test_every_hook_is_documented_with_its_signature():
    import pluggy

    from core.contract import hookspecs

    manager = pluggy.PluginManager("quanzi")
    manager.add_hookspecs(hookspecs)
    text = (DOCS / "plugins.md").read_text()
    for name, caller in vars(manager.hook).items():
        if name.startswith("_"):
            continue
        signature = f"#### `{name}({', '.join(caller.spec.argnames)})`"
        assert signature in text, f"docs/plugins.md lacks the heading {signature}"
        assert caller.spec.function.__doc__, f"hookspec {name} has no docstring"


def test_the_public_plugin_api_is_sorted_and_complete():
    import core.plugins

    assert core.plugins.__all__ == sorted(core.plugins.__all__)
    assert all(hasattr(core.plugins, name) for name in core.plugins.__all__)


@pytest.mark.parametrize(
    "folder",
    [DOCS.parent / "locale", *sorted(DOCS.parent.glob("plugins/*/locale"))],
    ids=lambda path: str(path.parent.name),
)
def test_the_chinese_catalogues_translate_every_string_of_the_ui(folder):
    """The core's catalogue and every plugin's own."""
    from babel.messages.pofile import read_po

    with (folder / "messages.pot").open("rb") as pot, (folder / "zh_CN/LC_MESSAGES/messages.po").open("rb") as po:
        template = {message.id for message in read_po(pot) if message.id}
        catalog = read_po(po)
    translated = {
        message.id
        for message in catalog
        if message.id
        and "fuzzy" not in message.flags
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    assert template - translated == set(), f"run `make messages` and translate {folder}/zh_CN/LC_MESSAGES/messages.po"


def test_every_name_of_the_plugin_api_is_documented():
    import core.plugins

    text = (DOCS / "plugins.md").read_text()
    section = text[text.index("## The core API for plugins") : text.index("## Every hook")]
    missing = [name for name in core.plugins.__all__ if f"`{name}" not in section]
    assert missing == [], f"docs/plugins.md, 'The core API for plugins', does not name {missing}"


def test_the_bundled_plugins_use_only_the_plugin_api():
    """Their code imports ``core.plugins`` alone; their tests may import ``core.testing`` too."""
    import ast

    root = DOCS.parent
    for path in sorted((root / "plugins").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        allowed = ("core.plugins", "core.testing") if "tests" in path.parts else ("core.plugins",)
        for node in ast.walk(ast.parse(path.read_text())):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for module in modules:
                if module == "core" or module.startswith("core."):
                    assert module == allowed[0] or any(
                        module == name or module.startswith(f"{name}.") for name in allowed[1:]
                    ), f"{path.relative_to(root)} imports {module}"


def test_a_plugin_imports_another_only_through_what_it_offers_and_only_if_it_requires_it():
    """A plugin reaches another through hooks and declared actions; where it builds on one (a scenario that makes an
    event), it imports that plugin's ``for_plugins`` module alone, and only a plugin its manifest ``requires``."""
    import ast
    import importlib

    root = DOCS.parent
    for path in sorted((root / "plugins").glob("*/**/*.py")):
        mine = path.relative_to(root / "plugins").parts[0]
        requires = importlib.import_module(f"plugins.{mine}").PLUGIN.requires
        for node in ast.walk(ast.parse(path.read_text())):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if (
                isinstance(node, ast.ImportFrom) and node.module and node.module.count(".") == 1
            ):  # from plugins.x import y
                modules = [f"{node.module}.{alias.name}" for alias in node.names]
            for module in modules:
                parts = module.split(".")
                if parts[0] != "plugins" or len(parts) < 2 or parts[1] == mine:
                    continue
                where = f"{path.relative_to(root)} imports {module}"
                assert parts[1] in requires, f"{where}, a plugin its manifest does not require"
                assert parts[2:3] == ["for_plugins"], f"{where}: import plugins.{parts[1]}.for_plugins instead"


def test_every_hook_is_called_by_the_core():
    """Every hookspec is called somewhere: by the plugin host, a service's event, or a page."""
    import pluggy

    from core.contract import hookspecs

    manager = pluggy.PluginManager("quanzi")
    manager.add_hookspecs(hookspecs)
    source = "\n".join(path.read_text() for path in (DOCS.parent / "core").rglob("*.py"))
    for name in vars(manager.hook):
        if not name.startswith("_"):
            assert re.search(rf"""(call_startup|call|first|emit)\(\s*"{name}\"""", source), f"nothing calls {name}"


def test_every_schema_the_openapi_document_refers_to_is_defined(quanzi_site):
    """The bundled plugins' too (a survey's body refers to its questions' schema)."""
    document = quanzi_site(plugins=sorted(discover())).get("/api/v1/openapi.json").json()
    referred = set(re.findall(r'"#/components/schemas/(\w+)"', str(document).replace("'", '"')))
    assert "NewQuestion" in referred
    assert referred - document["components"]["schemas"].keys() == set()
