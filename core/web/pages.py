"""Rendering a page: the site's settings, the viewer's language and the plugins' slots are gathered before the
(synchronous) template renders."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.config import LOCALES
from core.contract.kinds import PerPost, Slot, SlotContent
from core.times import site_timezone
from core.web import i18n
from core.web.auth import csrf_token, resolve_viewer
from core.web.pieces import CSRF_HOLE
from core.web.site import site_of

if TYPE_CHECKING:
    from core.accounts.models import User

PAGE_SLOTS = (Slot.HEAD, Slot.NAVIGATION)
EMPTY = Markup("")
log = logging.getLogger(__name__)


def _html(request: Request, plugin: str, content: Any, context: dict[str, Any]) -> Markup:
    """A plugin's SlotContent rendered with autoescape (a shared one once, then kept); anything else is text,
    escaped."""
    if not isinstance(content, SlotContent):
        return escape(str(content))
    templates = site_of(request).templates
    if content.shared:
        key = ("slot", plugin, content.template, tuple(sorted(content.context.items())))
        return templates.pieces.keep(key, context, lambda: _rendered(request, plugin, content, context))
    return _rendered(request, plugin, content, context)


def _rendered(request: Request, plugin: str, content: SlotContent, context: dict[str, Any]) -> Markup:
    template = site_of(request).templates.get_template(content.template)
    return Markup(template.render({**context, **content.context, "request": request, "plugin": plugin}))


async def render_slot(request: Request, slot: Slot, context: dict[str, Any]) -> Markup:
    """What the plugins put into ``slot``: their templates rendered with autoescape, plain strings escaped."""
    answers = await site_of(request).plugins.call("render_slot", slot=slot.value, request=request, context=context)
    if not answers:
        return EMPTY
    return Markup("").join(_html(request, plugin, content, context) for plugin, content in answers)


async def render_per_post(request: Request, slot: Slot, context: dict[str, Any]) -> dict[int, Markup]:
    """What the plugins put under each of the page's ``context["posts"]`` (asked once per page: ``PerPost``). A
    shared content that several posts show (an author's level beside each of their posts) is made once."""
    answers = await site_of(request).plugins.call("render_slot", slot=slot.value, request=request, context=context)
    parts: dict[int, list[str]] = {}
    posts = {post.id: post for post in context["posts"]}
    for plugin, answer in answers:
        if not isinstance(answer, PerPost):
            log.warning("plugin %r answered the %s slot without PerPost; skipped", plugin, slot.value)
            continue
        made: dict[int, Markup] = {}  # by the content's identity: a plugin may give several posts the same one
        for post_id, content in answer.contents.items():
            if post_id not in posts:
                continue
            if isinstance(content, SlotContent) and content.shared:  # kept: it reads no post
                html = made.get(id(content))
                if html is None:
                    html = made[id(content)] = _html(request, plugin, content, context)
            else:
                html = _html(request, plugin, content, {**context, "post": posts[post_id]})
            parts.setdefault(post_id, []).append(html)
    return {post_id: Markup("".join(htmls)) for post_id, htmls in parts.items()}


def browser_locale(request: Request) -> str:
    """The language this browser asks for (its language cookie, else Accept-Language), or "" if neither names one
    the site speaks: what a new account starts with, so that its first mail reads as its sign-up page did."""
    cookie = request.cookies.get("quanzi_locale", "")
    return cookie if cookie in LOCALES else i18n.negotiate(request.headers.get("accept-language")) or ""


def reader_locale(request: Request, viewer: User | None, settings: dict[str, str]) -> str:
    """The language to answer in: the member's setting, else the browser's cookie or Accept-Language, else the
    site's default (``settings``: the site's, ``await site_of(request).settings.current()``)."""
    return i18n.choose_locale(
        viewer.locale if viewer else request.cookies.get("quanzi_locale", ""),
        request.headers.get("accept-language"),
        settings["default_locale"],
    )


async def page_context(request: Request) -> dict[str, Any]:
    """What every page knows: the site's settings, the viewer, and the viewer's language."""
    site = site_of(request)
    settings = await site.settings.current()
    site.templates.use_theme(settings["theme"])
    viewer = await resolve_viewer(request)
    locale = reader_locale(request, viewer, settings)
    context = {
        **i18n.template_context(site.catalogues, locale),
        "timezone": site_timezone(settings["timezone"]),
        "site": settings,
        "viewer": viewer,
    }
    for _, values in await site.plugins.call("page_context", request=request, viewer=viewer):
        context.update(values)
    return context


async def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    slots: tuple[Slot, ...] = (),
    known: dict[str, Any] | None = None,
    locale: str = "",
) -> Response:
    """The page ``template`` with ``context``, plus what every page knows (``known``, when the caller already
    asked ``page_context``) and the slots it shows; in ``locale`` when the page has a language of its own (a
    campaign's), else in the reader's."""
    context = {**(known or await page_context(request)), **context}
    if locale in LOCALES:
        context.update(i18n.template_context(site_of(request).catalogues, locale))
    context["slots"] = {slot.value: await render_slot(request, slot, context) for slot in (*PAGE_SLOTS, *slots)}
    context["request"] = request
    html = site_of(request).templates.get_template(template).render(context)
    if CSRF_HOLE in html:  # a kept piece's form (core/web/pieces.py)
        html = html.replace(CSRF_HOLE, csrf_token(request))
    return HTMLResponse(html, status_code=status, headers={"content-language": context["lang"]})
