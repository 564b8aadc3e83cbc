"""The values plugins hand to the core through hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from datetime import datetime

    from core.accounts.models import User
    from core.circles.models import Circle
    from core.config import Config
    from core.forms.fields import Field


class Slot(StrEnum):
    """The named places on core pages that plugins fill (``render_slot``)."""

    HEAD = "head"  # inside <head>: a stylesheet link
    NAVIGATION = "navigation"  # links in the site's top navigation
    THREAD_HEADER = "thread_header"  # under a thread's title
    AFTER_FIRST_POST = "after_first_post"  # between the opening post and the replies (a poll, an event)
    POST_FOOTER = "post_footer"  # under posts: asked once per page, answered with PerPost
    POST_AUTHOR = "post_author"  # beside the author's name on posts (a level, a badge): the same, once per page
    CIRCLE_SIDEBAR = "circle_sidebar"  # beside a circle's thread list
    PROFILE_TABS = "profile_tabs"  # tabs on a member's profile
    ADMIN_MENU = "admin_menu"  # entries of the admin area's menu


SLOTS_ATTRIBUTE = "quanzi_slots"  # where ``answers_slots`` writes the slots a render_slot implementation answers
ALIKE_ATTRIBUTE = "quanzi_alike"  # ... and those it answers alike for every reader
F = TypeVar("F", bound=Callable[..., Any])


def answers_slots(*slots: Slot, alike: Sequence[Slot] = ()) -> Callable[[F], F]:
    """Declares the only slots a ``render_slot`` implementation answers: the core then asks it for those alone
    (every page asks for five or more slots; an implementation that is not declared is asked for each). ``alike``:
    those of them whose answer depends on nothing but the page (its thread and posts, its circle, the profile) and
    what the database holds — never on the reader, nor on the time: the core asks once for each page and keeps the
    answer, rendered, until the database changes (core/remembered.py)::

        @hookimpl
        @answers_slots(Slot.HEAD, Slot.POST_AUTHOR, Slot.POST_FOOTER, alike=(Slot.HEAD, Slot.POST_AUTHOR))
        async def render_slot(slot, request, context): ...
    """

    def declare(function: F) -> F:
        setattr(function, SLOTS_ATTRIBUTE, frozenset(slot.value for slot in slots))
        setattr(function, ALIKE_ATTRIBUTE, frozenset(slot.value for slot in alike))
        return function

    return declare


@dataclass(frozen=True)
class SlotContent:
    """A template and its variables; the core renders it with autoescape into the slot. ``shared``: what it shows
    is the same for every reader in a language (a stylesheet's link, a menu entry, a level beside an author's name),
    so the core renders it once and keeps it (core/web/pieces.py) under the template and ``context``, whose values
    must then be hashable; the template reads nothing of the page but its language (under a post: not ``post``
    either, so put what it needs of the post into ``context``)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    shared: bool = False


@dataclass(frozen=True)
class PerPost:
    """The answer to a slot asked once for a page of posts (``post_footer``): post id → what goes under that post
    (a SlotContent or plain text); posts left out get nothing."""

    contents: dict[int, SlotContent | str]


@dataclass(frozen=True)
class ModelsApp:
    """A plugin's Tortoise app: its model modules and its migrations package."""

    models: Sequence[str]
    migrations: str


@dataclass(frozen=True)
class ContentKind:
    """Something attached to a thread (``Thread.kind``): its name, and the mark thread lists show for it."""

    name: str
    mark: str
    label: str = ""  # a core.errors.Message, so that lists show it translated


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification: its name, and the sentence shown for it, with ``%(actor)s`` and ``%(title)s``
    (a ``core.errors.Message``, so that pages show it translated). With ``email``, members are also mailed it
    unless they turn that off in their settings; ``label`` names the kind there; ``excerpt`` gives the text its
    mail quotes."""

    name: str
    text: str
    email: bool = False
    label: str = ""
    # What a member may want on their phone at once (a reminder, "your order is ready"): they may choose to have it
    # by the phone channels too (a text message, WeChat, a push)
    urgent: bool = False
    # What its mail quotes, for a notification about a plugin's object: given the object's id, its text (plain)
    excerpt: Callable[[int], Awaitable[str]] | None = None
    # The sentence for a notification that gathers several people's acts (``notify_gathered``: "%(count)s people
    # liked your post"), with ``%(count)s`` and ``%(title)s``
    gathered: str = ""

    def sentence(self, count: int) -> str:
        """The sentence for a notification that gathers ``count`` acts."""
        return self.gathered if count > 1 and self.gathered else self.text


@dataclass(frozen=True)
class Reach:
    """What a notification says, for a channel that carries it outside the site: its sentence (translated), the
    subject's title and the address to open. Only what the member may see when it is sent."""

    kind: str
    text: str
    title: str
    url: str
    locale: str


class Unreachable(Exception):
    """Raised by a channel's ``send`` when it cannot reach the member at all, not for now but for good (every push
    subscription gone, a number the vendor refuses, a service account unfollowed): not tried again. After a few
    such failures in a row (or failed last tries) the member's choice of that channel is switched off and they are
    told."""


@dataclass(frozen=True)
class NotificationChannel:
    """A way to reach a member outside the site, beside the app and mail: a text message, WeChat, a push. It is
    offered where ``available(config)`` (its keys are configured) for the members ``reachable`` (a bound phone, a
    followed service account); ``send(site, user, reach)`` runs in a background job and raises to be tried again
    (``Unreachable``: never again). Members choose it per urgent kind of notification in their settings."""

    name: str
    label: str
    available: Callable[[Config], bool]
    reachable: Callable[[User], Awaitable[bool]]
    send: Callable[[Any, User, Reach], Awaitable[None]]


@dataclass(frozen=True)
class SignInMethod:
    """A way into an account: its name (``password``, ``phone``, ``wechat``), what the sign-in page calls it, the
    page that starts it, and whether this site can offer it (``available(config)``: a text-message sender or a
    WeChat app configured). The log-in page offers each available one; a member's settings list the ones their
    account holds, so that they never unbind the last."""

    name: str
    label: str
    path: str
    available: Callable[[Config], bool] = lambda config: True


@dataclass(frozen=True)
class SearchDocument:
    """One thing search can find: as visible as the circle it belongs to, and going with its thread; or, with an
    ``audience`` (``Audience.keys(obj)``), found only by those it names, whatever the circle."""

    kind: str
    id: int
    circle_id: int
    thread_id: int
    title: str  # shown with the hit
    body: str  # plain text
    author_id: int
    created_at: Any  # a datetime
    url: str
    title_searchable: bool = True  # False where the title is the thread's, shown but not searched (replies)
    audience: tuple[str, ...] = ()  # who may find it, when not the members of its circle (core.access.audience)


@dataclass(frozen=True)
class SearchSource:
    """Content a plugin adds to search: ``load(ids)`` gives the documents of those ids that still exist, and
    ``all_ids()`` every id, for a full reindex."""

    kind: str
    load: Callable[[list[int]], Awaitable[list[SearchDocument]]]
    all_ids: Callable[[], Awaitable[list[int]]]


@dataclass(frozen=True)
class Offer:
    """Something a circle offers that another page may feature as a card (a campaign's landing page): an upcoming
    event, a product on sale, an open group buy or trial, an open survey. ``key`` names it for good (``event:12``); the rest is
    read afresh whenever it is shown, so that a card's date and price are always today's."""

    key: str
    label: str  # what it is (a core.errors.Message: "Event", "Product" ...), shown translated
    title: str
    url: str  # its page (a path on the site)
    when: datetime | None = None  # when it happens (an event's start)
    until: datetime | None = None  # open until (a group buy's or a survey's deadline)
    zone: str = ""  # the zone its times are shown in (an event's own; empty: the site's)
    place: str = ""  # where an event happens
    price: str = ""  # as shown, with its currency ("¥88.00")
    picture: str = ""  # an upload's name (a product's photo)


@dataclass(frozen=True)
class ScenarioContext:
    """What a scenario template works on: the circle, its owner (who authors what the scenario writes), an optional
    title given by the person applying it, the answers to the template's own questions (by ``Field.name``, checked
    and cleaned), the language to write in (one club, one language) and the site's time zone (a meeting's times
    are read in it)."""

    circle: Circle
    owner: User
    title: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    locale: str = "zh_CN"  # the language to write in: the applier's, else the site's
    timezone: str = "Asia/Shanghai"  # the site's zone (an IANA name)


@dataclass(frozen=True)
class Created:
    """Something a scenario template made, as the person who applied it is shown it: its kind (``thread``,
    ``survey``, ``event`` ...), its title and its address (a path on the site)."""

    kind: str
    title: str
    url: str


@dataclass(frozen=True)
class Scenario:
    """A scenario template: ``apply`` sets a circle up, inside one transaction, and answers with what it made.
    ``questions`` (shared form fields with a ``name``) are asked before it is applied."""

    name: str
    title: str
    description: str
    apply: Callable[[ScenarioContext], Awaitable[list[Created] | None]]
    requires: tuple[str, ...] = ()
    questions: tuple[Field, ...] = ()


@dataclass(frozen=True)
class JobContext:
    """What a job's handler gets: its payload, the site (configuration, templates, plugins) and which try this is
    (1 for the first)."""

    payload: dict[str, Any]
    site: Any  # core.web.site.Site
    attempt: int


@dataclass(frozen=True)
class JobKind:
    """A kind of background job: ``run`` does it (and may be run again after a failure or a crash: write it so
    that running twice does no harm). A failing job is tried ``attempts`` times in all, waiting longer each time,
    then kept as dead for an administrator to retry; one that runs longer than ``lease_seconds`` is stopped and
    counts as failed. Jobs of one ``lane`` run one after another, beside those of other lanes: a kind that waits on
    another server (mail) takes a lane of its own, so that a slow server delays no other job."""

    name: str
    run: Callable[[JobContext], Awaitable[None]]
    attempts: int = 8
    lease_seconds: int = 300
    lane: str = "main"
