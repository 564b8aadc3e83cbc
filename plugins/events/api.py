"""JSON API of events (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response

from core.plugins import (
    ApiCall,
    ApiRouter,
    Body,
    Field,
    Message,
    ValidationError,
    access_by_slug,
    csv_response,
    now,
    ordered_answers,
    parse_api_time,
    send_notice,
)
from plugins.events import calendar, service, tickets
from plugins.events.export import export_table
from plugins.events.serialize import event_fields, event_json, my_registration, registration_json

router = ApiRouter("events")
DEFAULT_SPAN = timedelta(days=92)


class NewField(Body):
    kind: str  # a FieldKind, checked with the rest of the form so that the error names the question
    label: str
    name: str = ""
    options: list[str] = []
    required: bool = False


class EventBody(Body):
    starts_at: str | None = None
    ends_at: str | None = None
    timezone: str | None = None  # the site's zone when not given
    location: str = ""
    online_url: str = ""
    capacity: int | None = None
    waitlist: bool = True
    registration_opens_at: str | None = None
    registration_closes_at: str | None = None
    cancel_until: str | None = None
    fields: list[NewField] = []


class NewEvent(EventBody):
    title: str
    body: str = ""


class Answers(Body):
    answers: list[Any] | dict[str, Any] = []


class Code(Body):
    code: str


class Message_(Body):
    title: str
    body: str


async def _draft(call: ApiCall[Any], body: EventBody) -> service.EventDraft:
    zone = body.timezone or (await call.site.settings.current())["timezone"]
    return service.EventDraft(
        starts_at=parse_api_time(body.starts_at, "starts_at"),
        ends_at=parse_api_time(body.ends_at, "ends_at"),
        timezone=zone,
        location=body.location,
        online_url=body.online_url,
        capacity=body.capacity,
        waitlist=body.waitlist,
        opens_at=parse_api_time(body.registration_opens_at, "registration_opens_at"),
        closes_at=parse_api_time(body.registration_closes_at, "registration_closes_at"),
        cancel_until=parse_api_time(body.cancel_until, "cancel_until"),
        questions=[Field(f.kind, f.label, f.options, f.required, f.name) for f in body.fields],
    )


@router.route("POST", "/circles/{slug}/events", "Start a thread with an event", body=NewEvent, status=201, auth=True)
async def create_event(call: ApiCall[NewEvent]) -> dict[str, Any]:
    event = await service.create_event(
        call.viewer,
        call.params["slug"],
        call.body.title,
        call.body.body,
        await _draft(call, call.body),
        max_length=call.site.config.max_post_length,
    )
    return event_json(await service.get_event(call.viewer, event.id))


@router.route("GET", "/events/{id:int}", "An event: its times, place, counts and the viewer's own registration")
async def get_event(call: ApiCall[None]) -> dict[str, Any]:
    return event_json(await service.get_event(call.viewer, call.params["id"]))


@router.route(
    "PATCH",
    "/events/{id:int}",
    "Change an event's times, place, capacity or rules (organisers)",
    body=EventBody,
    auth=True,
)
async def update_event(call: ApiCall[EventBody]) -> dict[str, Any]:
    current = event_json(await service.manage_event(call.viewer, call.params["id"]))
    given = call.body.model_dump(exclude_unset=True)
    merged = EventBody(
        **{
            "starts_at": current["starts_at"],
            "ends_at": current["ends_at"],
            "timezone": current["timezone"],
            "location": current["location"],
            "online_url": current["online_url"],
            "capacity": current["capacity"],
            "waitlist": current["waitlist"],
            "registration_opens_at": current["opens_at"],
            "registration_closes_at": current["closes_at"] if current["closes_at"] != current["starts_at"] else None,
            "cancel_until": current["cancel_until"] if current["cancel_until"] != current["starts_at"] else None,
            **given,
        }
    )
    return event_json(await service.update_event(call.viewer, call.params["id"], await _draft(call, merged)))


@router.route(
    "GET",
    "/events",
    "The events the viewer may see between from and to (ISO 8601; the next three months by default)",
    query=("from", "to", "circle"),
)
async def list_events(call: ApiCall[None]) -> dict[str, Any]:
    start = parse_api_time(call.query("from"), "from") or now()
    end = parse_api_time(call.query("to"), "to") or start + DEFAULT_SPAN
    circle = None
    if slug := call.query("circle"):
        circle = (await access_by_slug(call.viewer, slug)).circle
    events = await calendar.visible_events(call.viewer, start, end, circle)
    return {"items": [event_fields(event) for event in events]}


@router.route(
    "POST",
    "/events/{id:int}/registrations",
    "Register: confirmed while there are places, else waitlisted",
    body=Answers,
    auth=True,
)
async def register(call: ApiCall[Answers]) -> dict[str, Any]:
    view = await service.get_event(call.viewer, call.params["id"])
    answers = ordered_answers(view.questions, call.body.answers)
    registration = await service.register(call.viewer, call.params["id"], answers)
    view = await service.get_event(call.viewer, call.params["id"])
    return my_registration(registration, view.waiting_before_me) or {}


@router.route(
    "DELETE",
    "/events/{id:int}/registrations/me",
    "Cancel one's registration; the first waitlisted takes the place",
    auth=True,
)
async def cancel(call: ApiCall[None]) -> dict[str, Any]:
    return event_json(await service.cancel(call.viewer, call.params["id"]))


@router.route(
    "GET", "/events/{id:int}/registrations", "Everyone registered, with their answers (organisers)", auth=True
)
async def registrations(call: ApiCall[None]) -> dict[str, Any]:
    view, rows = await service.registrations(call.viewer, call.params["id"])
    return {**event_json(view), "items": [registration_json(view, row) for row in rows]}


@router.route("GET", "/events/{id:int}/registrations.csv", "Everyone registered, as CSV (organisers)", auth=True)
async def registrations_csv(call: ApiCall[None]) -> Response:
    header, rows = await export_table(call.request, call.viewer, call.params["id"])
    return csv_response(f"event-{call.params['id']}.csv", header, rows)


@router.route(
    "DELETE",
    "/events/{id:int}/registrations/{registration:int}",
    "Remove a registration (organisers); its member is told",
    auth=True,
)
async def remove(call: ApiCall[None]) -> dict[str, Any]:
    return event_json(await service.remove_registration(call.viewer, call.params["id"], call.params["registration"]))


@router.route(
    "POST",
    "/events/{id:int}/checkin",
    "Check in a ticket by its code (organisers); a second check-in counts once",
    body=Code,
    auth=True,
)
async def check_in(call: ApiCall[Code]) -> dict[str, Any]:
    view, done = await tickets.check_in(call.viewer, call.params["id"], call.body.code)
    registration = done.registration
    return {
        "status": "checked_in" if done.first else "already_checked_in",
        "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
        "registration": registration_json(view, registration),
        "counts": {"confirmed": view.confirmed, "checked_in": view.checked_in},
    }


@router.route(
    "POST",
    "/events/{id:int}/messages",
    "Message everyone confirmed (organisers): a notice, in-app and by mail, with read receipts",
    body=Message_,
    status=201,
    auth=True,
)
async def message(call: ApiCall[Message_]) -> dict[str, Any]:
    view = await service.manage_event(call.viewer, call.params["id"])
    people = await service.registrants(view.event.id)
    if not people:
        raise ValidationError({"recipients": Message("Nobody is registered yet.")})
    notice, count = await send_notice(
        call.viewer,
        view.where.access.circle.slug,
        call.body.title,
        call.body.body,
        recipients=people,
        audience=view.thread.title,
    )
    return {"notice_id": notice.id, "url": f"/notices/{notice.id}", "recipients": count}


@router.route("GET", "/events/feed", "The address of the viewer's personal calendar feed (secret)", auth=True)
async def feed(call: ApiCall[None]) -> dict[str, Any]:
    return {"url": calendar.feed_url(call.request, await calendar.feed_token(call.actor))}


@router.route(
    "POST", "/events/feed", "A new address for the personal calendar feed; the old one stops working", auth=True
)
async def renew_feed(call: ApiCall[None]) -> dict[str, Any]:
    return {"url": calendar.feed_url(call.request, await calendar.feed_token(call.actor, renew=True))}
