"""Events and registrations as the JSON API gives them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.plugins import answer_text, user_ref
from plugins.events.models import Event, Registration, Status
from plugins.events.service import EventView


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def event_fields(event: Event) -> dict[str, Any]:
    """What every listing shows of an event (with its ``thread`` and ``circle``)."""
    return {
        "id": event.id,
        "thread_id": event.thread_id,
        "title": event.thread.title,
        "circle": event.circle.slug,
        "starts_at": _time(event.starts_at),
        "ends_at": _time(event.ends_at),
        "timezone": event.timezone,
        "location": event.location,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "url": f"/t/{event.thread_id}",
    }


def my_registration(registration: Registration | None, waiting_before_me: int) -> dict[str, Any] | None:
    if registration is None:
        return None
    confirmed = registration.status == Status.CONFIRMED
    return {
        "status": registration.status.value,
        "registered_at": _time(registration.created_at),
        "waitlist_position": None if confirmed else waiting_before_me + 1,
        "code": registration.code if confirmed else None,
        "ticket_url": f"/events/{registration.event_id}/ticket" if confirmed else None,
        "checked_in_at": _time(registration.checked_in_at),
    }


def event_json(view: EventView) -> dict[str, Any]:
    event = view.event
    event.thread, event.circle = view.thread, view.where.access.circle
    return {
        **event_fields(event),
        "waitlist": event.waitlist,
        "opens_at": _time(event.opens_at),
        "closes_at": _time(event.closes_at or event.starts_at),
        "cancel_until": _time(event.cancel_until or event.starts_at),
        "fields": [question.as_json() for question in view.questions],
        "counts": {"confirmed": view.confirmed, "waitlisted": view.waitlisted, "checked_in": view.checked_in},
        "places_left": view.places_left,
        "registration_open": view.registration_open,
        "my_status": view.mine.status.value if view.mine else None,
        "my_registration": my_registration(view.mine, view.waiting_before_me),
        "can_manage": view.can_manage,
    }


def registration_json(view: EventView, registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.id,
        "user": user_ref(registration.user),
        "status": registration.status.value,
        "registered_at": _time(registration.created_at),
        "code": registration.code,
        "checked_in_at": _time(registration.checked_in_at),
        "answers": {
            question.name or str(index): answer_text(question, value)
            for index, (question, value) in enumerate(zip(view.questions, registration.answers, strict=False))
        },
    }
