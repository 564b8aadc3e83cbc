"""Tickets and check-in at the door: a confirmed member's ticket carries a code, in a QR code that holds the
check-in address. An organiser who opens it (signed in) checks the member in with one tap; a typed code does the
same. A second check-in changes nothing and says when the first was."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugins import Conflict, Message, NotFound, User, announce_act, now, require_actor
from plugins.events.models import Registration, Status
from plugins.events.service import EventView, clean_code, get_event, manage_event


@dataclass
class CheckIn:
    registration: Registration  # with its user
    first: bool  # False when the member had been checked in already (at ``registration.checked_in_at``)


def checkin_path(registration: Registration) -> str:
    return f"/events/{registration.event_id}/checkin/{registration.code}"


async def ticket_of(viewer: User | None, event_id: int) -> tuple[EventView, Registration]:
    """The viewer's own confirmed registration (their ticket)."""
    view = await get_event(require_actor(viewer), event_id)
    if view.mine is None or view.mine.status != Status.CONFIRMED:
        raise NotFound(Message("You have no ticket for this event."))
    return view, await Registration.get(id=view.mine.id).select_related("user")


async def ticket_by_code(viewer: User | None, event_id: int, code: str) -> tuple[EventView, Registration]:
    """The ticket of ``code``, for whoever holds its address and may see the event."""
    view = await get_event(viewer, event_id)
    code = clean_code(code)
    registration = await Registration.get_or_none(event_id=event_id, code=code).select_related("user") if code else None
    if registration is None:
        raise NotFound(Message("No ticket of this event has this code."))
    return view, registration


async def check_in(viewer: User | None, event_id: int, code: str) -> tuple[EventView, CheckIn]:
    """An organiser checks in the ticket of ``code``: counted once, however often it is scanned."""
    await manage_event(viewer, event_id)
    assert viewer is not None
    code = clean_code(code)
    registration = await Registration.get_or_none(event_id=event_id, code=code) if code else None
    if registration is None:
        raise NotFound(Message("No ticket of this event has this code."))
    if registration.status != Status.CONFIRMED:
        raise Conflict(Message("This member is on the waitlist and has no place."), code="waitlisted")
    first = await Registration.filter(id=registration.id, checked_in_at__isnull=True).update(
        checked_in_at=now(), checked_in_by_id=viewer.id
    )
    registration = await Registration.get(id=registration.id).select_related("user")
    view = await manage_event(viewer, event_id)
    organiser = (await get_event(registration.user, event_id)).can_manage
    if first and not organiser:  # a member came: other plugins may count it (a club's points), not one who runs it
        await announce_act(view.event.circle_id, registration.user, "event.checkin", registration.id)
    return view, CheckIn(registration, bool(first))
