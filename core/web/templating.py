"""Jinja2, built once per process: synchronous rendering, autoescape on; templates are looked up in the active
theme, then the default theme, then each plugin's folders, so that a theme can override any template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from core.access.scope import is_public
from core.access.site import site_admin, site_staff
from core.accounts.names import has_address
from core.config import ROOT
from core.forms.guard import LEAVE_EMPTY, guard_fields
from core.markdown import plain_text_excerpt, render
from core.web import i18n
from core.web.pieces import CSRF_HOLE, Pieces, SharedSlot
from core.web.site import site_of

THEMES = ROOT / "themes"
DEFAULT_THEME = THEMES / "default" / "templates"


def _markdown(text: str) -> Markup:
    """``{{ profile.bio|markdown }}``: a member's short text as sanitised HTML (posts keep theirs rendered)."""
    return Markup(render(text))  # nh3-cleaned, as posts are


@pass_context
def _guest_guard(context: Context) -> Markup:
    """``{{ guest_guard() }}`` in a form guests may send: its hidden protection fields (core.forms.guard)."""
    gettext = context.get("gettext") or str
    return guard_fields(site_of(context["request"]).config.secret_key, gettext(LEAVE_EMPTY))


def _csrf_token(request: Request | None = None) -> str:
    """``{{ csrf_token(request) }}``: where the visitor's CSRF token goes. Templates write ``CSRF_HOLE`` and the page
    puts the token in when it is sent (``core.web.pages.render``), so that any part of a page can be kept and shared
    (core/web/pieces.py) whoever's token it holds."""
    return CSRF_HOLE


def _csrf_field() -> Markup:
    """``{{ csrf_field() }}`` in a form: its hidden CSRF field (the token put in when the page is sent)."""
    return Markup(f'<input type="hidden" name="csrf_token" value="{CSRF_HOLE}">')


class Templates(Jinja2Templates):
    def __init__(self, plugin_dirs: list[Path] | None = None) -> None:
        self.plugin_dirs = plugin_dirs or []
        self.theme = "default"
        self.pieces = Pieces()
        env = Environment(
            loader=self._loader(),
            autoescape=select_autoescape(disabled_extensions=("txt",), default=True),  # .txt: mail's plain text
            auto_reload=False,
            cache_size=800,
        )
        env.globals["csrf_token"] = _csrf_token
        env.globals["csrf_field"] = _csrf_field
        env.globals["kept"] = self.pieces.template_global()
        env.globals["slot_pieces"] = self._slot_pieces
        env.globals["guest_guard"] = _guest_guard
        env.globals.update(site_admin=site_admin, site_staff=site_staff, is_public=is_public)  # core.access asked
        env.globals["has_address"] = has_address  # an account made by phone has no e-mail address
        env.filters["excerpt"] = plain_text_excerpt
        env.filters["markdown"] = _markdown
        i18n.install_filters(env)
        super().__init__(env=env)

    def slot_html(self, piece: SharedSlot, context: dict[str, Any]) -> Markup:
        """A shared slot answer's HTML in the page's language (``context``: the page's, with its ``request``): the
        kept copy, or rendered with its facts and kept."""

        def make() -> Markup:
            template = self.get_template(piece.template)
            return Markup(template.render({**context, **dict(piece.facts), "plugin": piece.plugin}))

        return self.pieces.keep(piece, context, make)

    @pass_context
    def _slot_pieces(self, context: Context, parts: tuple[Markup | SharedSlot, ...]) -> Markup:
        """``{{ slot_pieces(parts) }}``: what the plugins put in one place (a post's footer), shared answers made
        or found by their key, the rest as rendered."""
        page = context.get_all()
        return Markup("").join(self.slot_html(part, page) if isinstance(part, SharedSlot) else part for part in parts)

    def _loader(self) -> ChoiceLoader:
        folders = [DEFAULT_THEME, *self.plugin_dirs]
        if self.theme != "default":
            folders.insert(0, THEMES / self.theme / "templates")
        # "default:name" reaches the default theme's own copy, so that an override can extend what it replaces.
        return ChoiceLoader(
            [FileSystemLoader(folders), PrefixLoader({"default": FileSystemLoader(DEFAULT_THEME)}, delimiter=":")]
        )

    def use_theme(self, theme: str) -> None:
        """Switch the active theme (a site setting) when it has changed."""
        if theme != self.theme and (THEMES / theme / "templates").is_dir():
            self.theme = theme
            self.env.loader = self._loader()
            self.env.cache.clear()  # type: ignore[union-attr]
            self.pieces.clear()
