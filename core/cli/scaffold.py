"""``server.py plugins new NAME``: a plugin that works at once, with a model, a page, a slot, a setting and tests."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from core.errors import ConfigError
from core.pluginhost.host import PLUGINS_DIR

SKELETON = Path(__file__).parent / "skeleton"


def create(name: str, plugins_dir: Path = PLUGINS_DIR) -> Path:
    target = plugins_dir / name
    if target.exists():
        raise ConfigError(f"{target} already exists")
    for source in sorted(SKELETON.rglob("*.tmpl")):
        relative = str(source.relative_to(SKELETON)).removesuffix(".tmpl").replace("__NAME__", name)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(source.read_text(encoding="utf-8").replace("__NAME__", name), encoding="utf-8")
    _compile_catalogues(target)
    return target


def _compile_catalogues(plugin: Path) -> None:
    """Compile the new plugin's catalogues at once, so that it speaks Chinese before the next ``make``."""
    for po in plugin.glob("locale/*/LC_MESSAGES/messages.po"):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as compiled:
            write_mo(compiled, catalog)
