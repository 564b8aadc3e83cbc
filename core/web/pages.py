"""Rendering a page: the site's settings, the viewer's language and the plugins' slots are gathered before the
(synchronous) template renders."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.access.site import site_admin
from core.accounts.names import has_address
from core.config import LOCALES
from core.contract.kinds import PerPost, Slot, SlotContent
from core.remembered import recall
from core.times import site_timezone
from core.web import i18n
from core.web.auth import form_token, resolve_viewer
from core.web.pagecache import QUERY_PARAMETERS
from core.web.pieces import CSRF_HOLE, HEADER_HOLE, SharedSlot
from core.web.site import site_of

if TYPE_CHECKING:
    from core.accounts.models import User
    from core.web.templating import Templates

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
        return templates.slot_html(_shared(plugin, content), {**context, "request": request})
    template = templates.get_template(content.template)
    return Markup(template.render({**context, **content.context, "request": request, "plugin": plugin}))


def _shared(plugin: str, content: SlotContent) -> SharedSlot:
    return SharedSlot(plugin, content.template, tuple(sorted(content.context.items())))


def _page_of(slot: Slot, context: dict[str, Any]) -> Hashable:
    """What a slot's answer may depend on besides the database when it is every reader's alike: the page's posts,
    its thread, its circle or the profile, or nothing (the head, the menus)."""
    if slot in (Slot.POST_FOOTER, Slot.POST_AUTHOR):
        return tuple(post.id for post in context["posts"])
    if slot in (Slot.THREAD_HEADER, Slot.AFTER_FIRST_POST):
        return int(context["thread"].id)
    if slot == Slot.CIRCLE_SIDEBAR:
        return int(context["circle"].id)
    if slot == Slot.PROFILE_TABS:
        return int(context["profile"].id)
    return None


async def _alike_then_others(
    request: Request, slot: Slot, context: dict[str, Any], made: Callable[[str, Any], Any]
) -> list[tuple[str, Any]]:
    """Each plugin's answer to ``slot`` as ``made(plugin, answer)`` makes it, in the plugins' order: the answers
    every reader shares (``answers_slots(alike=...)``) made once per page, language and zone, and remembered while
    the database is unchanged (core/remembered.py); the others asked now."""
    plugins = site_of(request).plugins

    async def ask(alike: bool) -> list[tuple[str, Any]]:
        answers = await plugins.call("render_slot", alike=alike, slot=slot.value, request=request, context=context)
        return [(plugin, made(plugin, answer)) for plugin, answer in answers]

    page = (id(plugins), slot.value, _page_of(slot, context), context["lang"], context["timezone"])
    alike = await recall("alike slot", page, lambda: ask(True))
    others = await ask(False)
    if not alike or not others:
        return alike or others
    order = plugins.slot_order(slot.value)
    return sorted([*alike, *others], key=lambda answer: order[answer[0]])


async def render_slot(request: Request, slot: Slot, context: dict[str, Any]) -> Markup:
    """What the plugins put into ``slot``: their templates rendered with autoescape, plain strings escaped."""
    answers = await _alike_then_others(
        request, slot, context, lambda plugin, content: _html(request, plugin, content, context)
    )
    if not answers:
        return EMPTY
    return Markup("").join(html for _, html in answers)


async def render_per_post(
    request: Request, slot: Slot, context: dict[str, Any]
) -> dict[int, tuple[Markup | SharedSlot, ...]]:
    """What the plugins put under each of the page's ``context["posts"]`` (asked once per page: ``PerPost``). A
    shared answer is given by its key (``SharedSlot``): the page's kept posts hold it, and look its HTML up only
    when they are made (``slot_pieces`` in thread_posts.html); the others are rendered now, with ``post`` set."""
    posts = {post.id: post for post in context["posts"]}

    def made(plugin: str, answer: Any) -> dict[int, tuple[Markup | SharedSlot, ...]]:
        if not isinstance(answer, PerPost):
            log.warning("plugin %r answered the %s slot without PerPost; skipped", plugin, slot.value)
            return {}
        shared: dict[int, tuple[SharedSlot]] = {}  # by the content's identity: several posts may show the same one
        parts: dict[int, tuple[Markup | SharedSlot, ...]] = {}
        for post_id, content in answer.contents.items():
            if post_id not in posts:
                continue
            if isinstance(content, SlotContent) and content.shared:  # kept: it reads no post
                parts[post_id] = shared.get(id(content)) or shared.setdefault(id(content), (_shared(plugin, content),))
            else:
                parts[post_id] = (_html(request, plugin, content, {**context, "post": posts[post_id]}),)
        return parts

    answers = await _alike_then_others(request, slot, context, made)
    if len(answers) == 1:  # most pages: one plugin's answer (remembered, shared: never changed)
        return answers[0][1]  # type: ignore[no-any-return]
    per_post: dict[int, tuple[Markup | SharedSlot, ...]] = {}
    for _, parts in answers:
        for post_id, found in parts.items():
            per_post[post_id] = (*per_post.get(post_id, ()), *found)
    return per_post


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
    keep: Hashable = None,
) -> Response:
    """The page ``template`` with ``context``, plus what every page knows (``known``, when the caller already
    asked ``page_context``) and the slots it shows; in ``locale`` when the page has a language of its own (a
    campaign's), else in the reader's.

    ``keep``: the page is kept whole (core/web/pieces.py) and shared by every reader for whom it is made of the same:
    ``keep`` holds everything ``template``'s own blocks show (the caller's promise), ``_frame`` what the site's
    frame around them shows; the reader's header and CSRF token are put in as the page is sent. A page asked for with
    a query parameter that no page reads (``?v=1``, ``?v=2``, ...) is made and not kept: its copies would crowd out
    the pages readers share."""
    context = {**(known or await page_context(request)), **context}
    if locale in LOCALES:
        context.update(i18n.template_context(site_of(request).catalogues, locale))
    context["slots"] = {slot.value: await render_slot(request, slot, context) for slot in (*PAGE_SLOTS, *slots)}
    context["request"] = request
    templates = site_of(request).templates
    if keep is None or not request.query_params.keys() <= QUERY_PARAMETERS:  # a parameter no page reads: not kept
        html = templates.get_template(template).render(context)
    else:
        whole = (template, keep, _frame(request, context))
        html = templates.pieces.keep(whole, context, lambda: _with_header_hole(templates, template, context))
        html = html.replace(HEADER_HOLE, _header(templates, request, context), 1)
    if CSRF_HOLE in html:  # a kept piece's form (core/web/pieces.py)
        html = html.replace(CSRF_HOLE, form_token(request))
    return HTMLResponse(html, status_code=status, headers={"content-language": context["lang"]})


def _with_header_hole(templates: Templates, template: str, context: dict[str, Any]) -> Markup:
    return Markup(templates.get_template(template).render({**context, "header": Markup(HEADER_HOLE)}))


def _frame(request: Request, context: dict[str, Any]) -> Hashable:
    """What base.html shows around a page's own blocks, but for the header (a hole, ``_header``): the minute, the
    language and zone, the site's settings, the slots, whether the reader is signed in (and the address to confirm,
    when the page asks them to), the page's address (the language form returns to it)."""
    viewer, site = context["viewer"], context["site"]
    confirm = (
        viewer.email
        if viewer is not None
        and not viewer.email_verified
        and site_of(request).templates.env.globals["mail_enabled"]
        and site["verified_email_to_post"] == "1"
        and has_address(viewer.email)
        else None
    )
    return (
        int(time.time() // 60),  # "3 minutes ago" and an event's "open until": at most a minute old
        context["timezone"],
        tuple(site.items()),
        tuple(context["slots"].values()),
        viewer is not None,
        confirm,
        request.url.path,
        request.url.query,
        context.get("query", ""),
    )


def _header(templates: Templates, request: Request, context: dict[str, Any]) -> Markup:
    """The site's header for this reader (their name, their unread counts), kept per reader and counts."""
    viewer, site = context["viewer"], context["site"]
    arguments = (
        site["site_name"],
        site["logo"],
        context["slots"]["navigation"],
        viewer.username if viewer else "",
        viewer.display_name if viewer else "",
        bool(viewer and site_admin(viewer)),
        context.get("unread_messages", 0),
        context.get("unread", 0),
        "" if viewer else request.url.path,
        context.get("query", ""),
    )
    return templates.pieces.render(templates.get_template("base.html"), "site_header", context, arguments)
