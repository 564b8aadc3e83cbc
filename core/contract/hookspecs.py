"""Every hook a plugin may implement. The plugin guide (docs/plugins.md) documents each one; a test checks it.

Hooks named ``register_*`` and ``prepare_*`` are called once, when the application is built: a plugin that raises in
one stops the start with a message naming it. All other hooks may be ``async def``; each implementation is called
on its own, so a plugin that raises is logged with its name and skipped, and the page and the other plugins go on.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from jinja2 import Environment
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import BaseRoute

    from core.access.actions import Action
    from core.access.audience import Audience
    from core.accounts.models import User
    from core.circles.models import Circle
    from core.contract.kinds import (
        ContentKind,
        JobKind,
        ModelsApp,
        NotificationChannel,
        NotificationKind,
        Offer,
        PerPost,
        Scenario,
        SearchSource,
        SignInMethod,
        SlotContent,
    )
    from core.threads.models import Post, Thread
    from core.web.jsonapi import ApiRouter

hookspec = pluggy.HookspecMarker("quanzi")


# Building the application (called once) ------------------------------------------------------------------------


@hookspec
def register_models() -> ModelsApp | None:
    """The plugin's Tortoise models and migrations, as one Tortoise app named after the plugin."""


@hookspec
def register_routes() -> list[BaseRoute]:
    """HTML routes, under the plugin's own prefix (``/polls/...``)."""


@hookspec
def register_api_routes() -> list[ApiRouter]:
    """JSON API endpoints, mounted under ``/api/v1`` and listed in the OpenAPI document."""


@hookspec
def register_template_dirs() -> list[Path]:
    """Folders of Jinja templates, looked up after the active theme (so a theme can override them)."""


@hookspec
def register_static_dir() -> Path | None:
    """A folder of static files, served at ``/static/plugins/<plugin name>/``."""


@hookspec
def register_content_kinds() -> list[ContentKind]:
    """Kinds of content attached to a thread (a poll, an event): name and the mark shown in thread lists."""


@hookspec
def register_notification_kinds() -> list[NotificationKind]:
    """Kinds of in-app notification the plugin sends (with ``core.notifications.service.notify``)."""


@hookspec
def register_notification_channels() -> list[NotificationChannel]:
    """Ways the plugin reaches members outside the site (a text message, WeChat, a push), which members choose per
    urgent kind of notification."""


@hookspec
def register_sign_in_methods() -> list[SignInMethod]:
    """Ways into an account the plugin offers beside the core's password and phone number (the log-in page lists
    each one that is available on this site)."""


@hookspec
def register_job_kinds() -> list[JobKind]:
    """Kinds of background job the plugin enqueues (``enqueue_job``): run by every server process's job runner,
    once each, retried on failure."""


@hookspec
def register_search_sources() -> list[SearchSource]:
    """Content the plugin adds to search: how to load it and turn it into search documents."""


@hookspec
def register_scenarios() -> list[Scenario]:
    """Scenario templates that set a circle up for a purpose (a meeting, a survey, a campaign)."""


@hookspec
def register_actions() -> list[Action]:
    """Actions of the plugin that other plugins may refuse through ``check_permission`` (``Action(name, ...)``)."""


@hookspec
def register_audiences() -> list[Audience]:
    """Kinds of object seen by named people rather than by a circle's members (``core.plugins.Audience``), so that
    notifications about them are shown only to those people."""


@hookspec
def register_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add subcommands to ``server.py`` (``subparsers.add_parser(...)``, with ``set_defaults(run=...)``)."""


@hookspec
def prepare_jinja_env(env: Environment) -> None:
    """Add filters, tests and globals to the Jinja environment."""


# Life of the process ---------------------------------------------------------------------------------------------


@hookspec
def startup(app: Starlette) -> None:
    """The server has started and the database is open (may be async)."""


@hookspec
def shutdown(app: Starlette) -> None:
    """The server is stopping (may be async)."""


# Each request ----------------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def actor_from_request(request: Request) -> User | None:
    """The member making this request, or None to let the next plugin decide (the core's own sessions and API tokens
    answer last). The first answer that is not None wins."""


@hookspec
def check_permission(action: str, user: User | None, target: Any) -> bool | None:
    """Refuse an action (any registered one: the core's ``thread.create``, ``post.create``, ``post.edit``,
    ``circle.join``, ``circle.create``, and the plugins' own): return False to refuse, None to have no opinion. Any
    False refuses, and so does an implementation that raises; the core's rules apply first."""


@hookspec
def page_context(request: Request, viewer: User | None) -> dict[str, Any] | None:
    """Values every page's template may use (the unread notification count ``unread``): asked once per page."""


@hookspec
def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | str | PerPost | None:
    """HTML for a named place on a core page (see ``core.plugins.Slot``): a SlotContent (a template and its
    variables, rendered with autoescape) or plain text (escaped). ``post_footer`` is asked once per page, with the
    page's ``posts`` in ``context``, and is answered with a PerPost. An implementation names the slots it answers,
    and those it answers alike for every reader, with ``answers_slots`` (docs/plugins.md)."""


@hookspec
def circle_offers(circle: Circle) -> list[Offer]:
    """What ``circle`` offers that a page may feature as a card (see ``core.plugins.Offer``): the plugin's upcoming
    events, products on sale, open group buys, trials or surveys, soonest first. Whoever shows them decides who may see
    them; a campaign's page shows those its owner picked."""


# After the core's writes (called after the transaction commits) ---------------------------------------------------


@hookspec
def thread_created(thread: Thread, post: Post, user: User) -> None:
    """A thread was started, with ``post`` as its opening post."""


@hookspec
def post_created(post: Post, thread: Thread, user: User) -> None:
    """A reply was written."""


@hookspec
def member_acted(circle_id: int, user: User, act: str, ref: int) -> None:
    """A member took part in a circle, once it has committed: ``act`` names how (``thread``, ``post``, a plugin's
    own such as ``event.registration`` or ``shop.order``) and ``ref`` the id of what they made. The core announces
    threads and replies; plugins announce their own acts with ``announce_act``."""


@hookspec
def post_edited(post: Post, previous_body: str, user: User) -> None:
    """A post was edited by ``user``."""


@hookspec
def post_deleted(post: Post, user: User) -> None:
    """A post was deleted by ``user`` (deleting the opening post deletes the thread)."""


@hookspec
def post_liked(post: Post, user: User) -> None:
    """``user`` liked ``post`` (not theirs; once: taking a like back and giving it again calls this again, so count
    by the pair). ``post.thread`` is loaded."""


@hookspec
def thread_featured(thread: Thread, user: User) -> None:
    """A moderator (``user``) marked ``thread`` featured (精华)."""


@hookspec
def member_registered(user: User) -> None:
    """A new account was made (signing up, the site's setup, ``createadmin``)."""


@hookspec
def member_joined(circle: Circle, user: User) -> None:
    """``user`` became an active member of ``circle``."""


@hookspec
def join_requested(circle: Circle, user: User) -> None:
    """``user`` asked to join ``circle``, which takes members on approval."""


@hookspec
def join_answered(circle: Circle, user: User, approved: bool, by: User) -> None:
    """A moderator of ``circle`` (``by``) approved or declined ``user``'s request to join."""


@hookspec
def member_invited(circle: Circle, user: User, by: User) -> None:
    """A moderator of ``circle`` (``by``) invited ``user`` to join it."""


@hookspec
def member_left(circle: Circle, user: User) -> None:
    """``user`` left ``circle`` or was removed from it."""
