"""Jinja2, built once per process: synchronous rendering, autoescape on, theme folders first."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from starlette.templating import Jinja2Templates

from core.config import ROOT
from core.web.auth import csrf_token

DEFAULT_THEME = ROOT / "themes" / "default" / "templates"


def make_templates(extra_dirs: list[Path] | None = None) -> Jinja2Templates:
    """Templates are looked up in the default theme, then ``extra_dirs``; ``default:name`` reaches the default
    theme's own copy, so that an override can extend the template it replaces."""
    loader = ChoiceLoader(
        [
            FileSystemLoader([DEFAULT_THEME, *(extra_dirs or [])]),
            PrefixLoader({"default": FileSystemLoader(DEFAULT_THEME)}, delimiter=":"),
        ]
    )
    env = Environment(loader=loader, autoescape=select_autoescape(default=True), auto_reload=False, cache_size=400)
    env.globals["csrf_token"] = csrf_token
    return Jinja2Templates(env=env)
