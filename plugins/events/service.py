"""Events: the only code that writes them. Other plugins (the meeting kit) call these functions.

An event is the content of a thread of kind "event". Its places are counted in ``Event.confirmed``: a registration
takes one by a conditional update (``confirmed < capacity``) made by the database, never by reading the count
first, so that a rush of parallel registrations confirms exactly as many as there are places and waitlists the
rest. Every change of places locks the event's row first (the update, or ``select_for_update``), so cancelling and
promoting the first on the waitlist happen one at a time, each exactly once.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from core.plugins import (
    Action,
    Circle,
    Conflict,
    Field,
    Forbidden,
    Message,
    NotFound,
    Offer,
    Thread,
    ThreadAccess,
    User,
    ValidationError,
    allowed,
    announce_act,
    attached_content,
    cancel_job,
    check_answers,
    clean_fields,
    create_thread,
    enqueue_job,
    fetch_row,
    fetch_rows,
    load_model,
    notify,
    now,
    require_actor,
    transaction,
)
from plugins.events.models import Event, Registration, Status
from plugins.events.reminders import REMIND

KIND = "event"
REGISTER = Action("event.register", "register for an event (target: the event)")
PROMOTED = "events.promoted"  # notification kinds
REMOVED = "events.removed"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out and typed at the door
CODE_LENGTH = 8
LOCATION_MAX = 200
URL_MAX = 500
MAX_QUESTIONS = 20
MAX_OPTIONS = 20
NAME_MAX = 40
STATUS_NAMES = {Status.CONFIRMED: Message("confirmed"), Status.WAITLISTED: Message("waitlisted")}
REMINDERS = (("day", 24 * 3600), ("hour", 3600))  # each reminder: its name and how long before the start


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(typed: str) -> str:
    """A ticket code as typed at the door: spaces and dashes dropped, in capitals; "" for what cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    return code if len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code) else ""


def check_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"timezone": Message("Choose a time zone such as Asia/Shanghai.")}) from None
    return name


@dataclass(frozen=True)
class EventDraft:
    """An event as its organiser writes it (times in UTC; ``timezone`` is the zone it takes place in)."""

    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str
    location: str = ""
    online_url: str = ""
    capacity: int | None = None
    waitlist: bool = True
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    cancel_until: datetime | None = None
    questions: Sequence[Field] = ()


def _named(questions: list[Field]) -> list[Field]:
    """Every question with a name of its own (the API's answers and the export use it): ``q1``, ``q2``, ... where
    the organiser gave none."""
    named = [
        Field(q.kind, q.label, q.options, q.required, q.name.strip()[:NAME_MAX] or f"q{index + 1}")
        for index, q in enumerate(questions)
    ]
    if len({question.name for question in named}) != len(named):
        raise ValidationError({"fields": Message("Give each question a name of its own.")})
    return named


def check_draft(draft: EventDraft, *, is_new: bool = True) -> dict[str, Any]:
    """The event's columns from ``draft``, every rule checked before anything is written."""
    if draft.starts_at is None:
        raise ValidationError({"starts_at": Message("Give the time the event starts.")})
    if draft.ends_at is None:
        raise ValidationError({"ends_at": Message("Give the time the event ends.")})
    if draft.ends_at <= draft.starts_at:
        raise ValidationError({"ends_at": Message("The event must end after it starts.")})
    if is_new and draft.starts_at <= now():
        raise ValidationError({"starts_at": Message("The event must start in the future.")})
    if draft.capacity is not None and draft.capacity < 1:
        raise ValidationError({"capacity": Message("Give at least one place, or leave it empty for no limit.")})
    if draft.opens_at and draft.closes_at and draft.closes_at <= draft.opens_at:
        raise ValidationError({"closes_at": Message("Registration must close after it opens.")})
    if draft.closes_at and draft.closes_at > draft.starts_at:
        raise ValidationError({"closes_at": Message("Registration closes at the latest when the event starts.")})
    if draft.cancel_until and draft.cancel_until > draft.starts_at:
        raise ValidationError({"cancel_until": Message("Cancelling ends at the latest when the event starts.")})
    location, online_url = draft.location.strip(), draft.online_url.strip()
    if len(location) > LOCATION_MAX:
        raise ValidationError({"location": Message("A place has at most %(n)s characters.", n=LOCATION_MAX)})
    if online_url and (len(online_url) > URL_MAX or not online_url.startswith(("https://", "http://"))):
        raise ValidationError({"online_url": Message("Give the online link as an address starting with https://.")})
    questions = _named(
        clean_fields(draft.questions, max_fields=MAX_QUESTIONS, max_options=MAX_OPTIONS) if draft.questions else []
    )
    return dict(
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        timezone=check_zone(draft.timezone),
        location=location,
        online_url=online_url,
        capacity=draft.capacity,
        waitlist=draft.waitlist,
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        cancel_until=draft.cancel_until,
        questions=[question.as_json() for question in questions],
    )


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What an event's card shows every reader alike (its time and place, the counts, whether it takes
    registrations): the key of the card's kept piece (core/web/pieces.py), so nothing it shows may be left out."""

    id: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    online_url: str
    capacity: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    confirmed: int
    waitlisted: int
    checked_in: int
    not_yet_open: bool
    registration_open: bool
    full: bool
    questions: tuple[tuple[str, str, tuple[str, ...], bool], ...]  # (label, kind, options, required)


@dataclass
class EventView:
    """An event as one viewer sees it: the counts, their own registration, and what they may do."""

    event: Event
    where: ThreadAccess  # the event's thread, and what the viewer may do in it
    mine: Registration | None
    confirmed: int = 0
    waitlisted: int = 0
    checked_in: int = 0
    waiting_before_me: int = 0  # for a waitlisted viewer: how many came before them
    questions: list[Field] = field(default_factory=list)

    @property
    def thread(self) -> Thread:
        return self.where.thread

    @property
    def facts(self) -> EventFacts:
        e = self.event
        return EventFacts(
            e.id,
            e.starts_at,
            e.ends_at,
            e.timezone,
            e.location,
            e.online_url,
            e.capacity,
            e.opens_at,
            e.closes_at,
            self.confirmed,
            self.waitlisted,
            self.checked_in,
            self.not_yet_open,
            self.registration_open,
            self.full,
            tuple((q.label, q.kind, tuple(q.options), q.required) for q in self.questions),
        )

    @property
    def started(self) -> bool:
        return self.event.starts_at <= now()

    @property
    def ended(self) -> bool:
        return self.event.ends_at <= now()

    @property
    def not_yet_open(self) -> bool:
        return self.event.opens_at is not None and now() < self.event.opens_at

    @property
    def registration_open(self) -> bool:
        """Registration takes new members now."""
        closes = self.event.closes_at or self.event.starts_at
        return not self.not_yet_open and now() < closes and self.thread.deleted_at is None

    @property
    def full(self) -> bool:
        return self.event.capacity is not None and self.confirmed >= self.event.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.event.capacity is None else max(0, self.event.capacity - self.confirmed)

    @property
    def can_register(self) -> bool:
        return (
            self.mine is None
            and self.registration_open
            and self.where.can_take_part
            and (not self.full or self.event.waitlist)
        )

    @property
    def can_cancel(self) -> bool:
        until = self.event.cancel_until or self.event.starts_at
        return self.mine is not None and now() < until

    @property
    def can_manage(self) -> bool:
        """The organisers: the event's author and the circle's owners and moderators."""
        return self.where.can_manage


async def create_event(
    viewer: User | None, slug: str, title: str, body: str, draft: EventDraft, *, max_length: int
) -> Event:
    """Start a thread with an event; everything is checked before anything is written."""
    values = check_draft(draft)
    created: list[Event] = []

    async def attach(thread: Thread) -> None:
        event = await Event.create(thread=thread, circle_id=thread.circle_id, **values)
        await schedule_reminders(event)
        created.append(event)

    await create_thread(viewer, slug, title, body, max_length=max_length, kind=KIND, attach=attach)
    return created[0]


async def update_event(viewer: User | None, event_id: int, draft: EventDraft) -> EventView:
    """Change an event's times, place, capacity and registration rules (its organisers). A capacity below the
    confirmed count is refused; a larger one promotes from the waitlist at once."""
    view = await get_event(viewer, event_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the event's organisers change it."))
    values = check_draft(draft, is_new=False)
    if values["questions"] == [] and not draft.questions:
        values["questions"] = view.event.questions  # a form that does not name the questions keeps them
    async with transaction():
        event = await Event.select_for_update().get(id=event_id)
        if values["capacity"] is not None and values["capacity"] < event.confirmed:
            raise Conflict(
                Message(
                    "%(n)s members are confirmed already: remove registrations before lowering the "
                    "capacity below that.",
                    n=event.confirmed,
                ),
                code="below_confirmed",
            )
        moved = values["starts_at"] != event.starts_at
        await Event.filter(id=event_id).update(**values)
        if moved:  # the reminders follow the start, and are sent again for the new time
            await Registration.filter(event_id=event_id).update(reminded_day=False, reminded_hour=False)
        event = await Event.get(id=event_id)
        await schedule_reminders(event)
        await _promote(event, view.where.thread)
    return await get_event(viewer, event_id)


async def schedule_reminders(event: Event) -> None:
    """The reminder jobs of ``event``, moved to follow its start (one per reminder and event, by key)."""
    for name, seconds in REMINDERS:
        key = f"{REMIND}:{event.id}:{name}"
        at = event.starts_at.timestamp() - seconds
        if at > now().timestamp():
            await enqueue_job(
                REMIND,
                {"event_id": event.id, "reminder": name},
                at=datetime.fromtimestamp(at, tz=event.starts_at.tzinfo),
                key=key,
            )
        else:
            await cancel_job(key)


async def _counts(event_id: int) -> dict[str, int]:
    """Registrations by status, and how many are checked in: one query."""
    rows = await fetch_rows(
        "SELECT status, COUNT(id) AS n, COUNT(checked_in_at) AS arrived FROM events_registrations "
        "WHERE event_id = ? GROUP BY status",
        event_id,
    )
    counts = {str(row["status"]): row["n"] for row in rows}
    counts["checked_in"] = sum(row["arrived"] for row in rows)
    return counts


async def _view(event: Event, where: ThreadAccess) -> EventView:
    viewer = where.viewer
    mine = await load_model(Registration, "event_id = ? AND user_id = ?", event.id, viewer.id) if viewer else None
    counts = await _counts(event.id)
    view = EventView(
        event,
        where,
        mine,
        confirmed=counts.get(Status.CONFIRMED, 0),
        waitlisted=counts.get(Status.WAITLISTED, 0),
        checked_in=counts["checked_in"],
        questions=[Field.of(question) for question in event.questions],
    )
    if mine is not None and mine.status == Status.WAITLISTED:
        view.waiting_before_me = await Registration.filter(
            event_id=event.id, status=Status.WAITLISTED, id__lt=mine.id
        ).count()
    return view


async def get_event(viewer: User | None, event_id: int) -> EventView:
    """The event, if the viewer may see its thread (else NotFound, as for the thread)."""
    return await _view(*await attached_content(viewer, Event, event_id, Message("No such event.")))


async def event_of_thread(where: ThreadAccess) -> EventView | None:
    """The event of a thread the viewer already reads (for the thread page: most threads have none, which is one
    remembered plain read)."""
    if await fetch_row("SELECT id FROM events_events WHERE thread_id = ?", where.thread.id) is None:
        return None
    event = await load_model(Event, "thread_id = ?", where.thread.id)
    return await _view(event, where) if event is not None else None


async def manage_event(viewer: User | None, event_id: int) -> EventView:
    """The event, for its organisers only."""
    view = await get_event(viewer, event_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the event's organisers see this."))
    return view


async def register(viewer: User | None, event_id: int, answers: Sequence[Any]) -> Registration:
    """Register the viewer: confirmed while there is a place, else on the waitlist (if the event has one)."""
    user = require_actor(viewer)
    view = await get_event(user, event_id)
    view.where.check_take_part(Message("Join this circle to register."))
    if view.mine is not None:
        raise Conflict(Message("You are registered already."), code="already_registered")
    if view.not_yet_open:
        raise Conflict(Message("Registration has not opened yet."), code="not_open")
    if not view.registration_open:
        raise Conflict(Message("Registration is closed."), code="closed")
    if len(answers) != len(view.questions):
        raise ValidationError({"answers": Message("Answer the %(n)s questions, in order.", n=len(view.questions))})
    cleaned = check_answers(view.questions, answers)
    if not await allowed(REGISTER, user, view.event):
        raise Forbidden(Message("You may not register for this event."), code="refused")
    try:
        async with transaction():
            place = Q(capacity__isnull=True) | Q(confirmed__lt=F("capacity"))
            taken = await Event.filter(place, id=event_id).update(confirmed=F("confirmed") + 1)
            if not taken and not view.event.waitlist:
                raise Conflict(Message("This event is full."), code="full")
            status = Status.CONFIRMED if taken else Status.WAITLISTED
            registration = await Registration.create(
                event_id=event_id,
                user_id=user.id,
                status=status,
                answers=cleaned,
                code=new_code(),
                confirmed_at=now() if taken else None,
            )
    except IntegrityError:  # the same member, registering twice at the same moment: the place taken is given back
        raise Conflict(Message("You are registered already."), code="already_registered") from None
    await announce_act(view.event.circle_id, user, "event.registration", registration.id)
    return registration


async def _free_place(event: Event, thread: Thread, registration: Registration) -> None:
    """In the caller's transaction, with the event's row locked: ``registration`` is gone; give its place to the
    first on the waitlist."""
    if registration.status == Status.CONFIRMED:
        await Event.filter(id=event.id).update(confirmed=F("confirmed") - 1)
        await _promote(event, thread)


async def _promote(event: Event, thread: Thread) -> int:
    """In the caller's transaction, with the event's row locked: move the first on the waitlist up while there are
    places, and tell them (the notification and its mail leave once the transaction commits). None after
    registration has closed or once the event has started."""
    closes = min(event.closes_at or event.starts_at, event.starts_at)
    if now() >= closes:
        return 0
    promoted = 0
    while True:
        first = await Registration.filter(event_id=event.id, status=Status.WAITLISTED).order_by("id").first()
        if first is None:
            return promoted
        place = Q(capacity__isnull=True) | Q(confirmed__lt=F("capacity"))
        if not await Event.filter(place, id=event.id).update(confirmed=F("confirmed") + 1):
            return promoted
        await Registration.filter(id=first.id).update(status=Status.CONFIRMED, confirmed_at=now())
        organiser = await User.get(id=thread.author_id)
        await notify(PROMOTED, [await User.get(id=first.user_id)], organiser, thread)
        promoted += 1


async def cancel(viewer: User | None, event_id: int) -> EventView:
    """The viewer cancels their registration (until the event's cancellation deadline); the first on the
    waitlist takes the place."""
    user = require_actor(viewer)
    view = await get_event(user, event_id)
    if view.mine is None:
        raise NotFound(Message("You are not registered for this event."))
    if not view.can_cancel:
        raise Conflict(Message("Registrations can no longer be cancelled."), code="too_late")
    await _remove(view, view.mine.id)
    return await get_event(user, event_id)


async def remove_registration(viewer: User | None, event_id: int, registration_id: int) -> EventView:
    """An organiser removes a registration; its member is told, and the waitlist moves up."""
    view = await manage_event(viewer, event_id)
    registration = await Registration.get_or_none(id=registration_id, event_id=event_id)
    if registration is None:
        raise NotFound(Message("No such registration."))
    if await _remove(view, registration_id):
        assert viewer is not None
        await notify(REMOVED, [await User.get(id=registration.user_id)], viewer, view.thread)
    return await get_event(viewer, event_id)


async def _remove(view: EventView, registration_id: int) -> bool:
    """Delete a registration and free its place, exactly once; whether this call removed it."""
    async with transaction():
        event = await Event.select_for_update().get(id=view.event.id)  # places change one at a time
        registration = await Registration.get_or_none(id=registration_id)
        if registration is None or not await Registration.filter(id=registration_id).delete():
            return False  # removed meanwhile by another request
        await _free_place(event, view.thread, registration)
    return True


async def registrations(viewer: User | None, event_id: int) -> tuple[EventView, list[Registration]]:
    """Everyone registered, confirmed first then the waitlist, each in the order they came (the organisers)."""
    view = await manage_event(viewer, event_id)
    rows = await Registration.filter(event_id=event_id).select_related("user").order_by("id")
    confirmed = [row for row in rows if row.status == Status.CONFIRMED]
    return view, confirmed + [row for row in rows if row.status == Status.WAITLISTED]


async def registrants(event_id: int) -> list[User]:
    """The confirmed members of an event, for messages to them."""
    rows = await Registration.filter(event_id=event_id, status=Status.CONFIRMED).select_related("user")
    return [row.user for row in rows]


async def offers(circle: Circle) -> list[Offer]:
    """The circle's coming events, soonest first, as cards another page may feature (``circle_offers``)."""
    events = await (
        Event.filter(circle_id=circle.id, starts_at__gt=now(), thread__deleted_at__isnull=True)
        .select_related("thread")
        .order_by("starts_at")
        .limit(50)
    )
    return [
        Offer(
            f"event:{event.id}",
            Message("Event"),
            event.thread.title,
            f"/events/{event.id}",
            when=event.starts_at,
            zone=event.timezone,
            place=event.location,
        )
        for event in events
    ]
