"""``server.py plugins new NAME``: a plugin that works at once, with a model, a page, a slot, a setting and tests."""

from __future__ import annotations

from pathlib import Path

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
    return target
