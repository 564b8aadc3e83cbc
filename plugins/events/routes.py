"""Pages of events: thin handlers that read the form, call the service and render or redirect. Everything works
without JavaScript: a ticket's QR code opens the check-in page in the organiser's phone camera app."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Conflict,
    Field,
    FieldKind,
    Form,
    Message,
    NotFound,
    ValidationError,
    absolute_url,
    access_by_slug,
    answer_text,
    answers_from_form,
    check_answers,
    guests_join_by_phone,
    join_by_phone,
    mark_personal,
    parse_form_time,
    qr_response,
    read_form,
    reader_locale,
    render,
    require_actor,
    resolve_viewer,
    send_notice,
    site_of,
    site_timezone,
    text_code,
    whole_number,
)
from plugins.events import calendar, service, tickets
from plugins.events.models import Status
from plugins.events.tickets import checkin_path

EVENT_FIELDS = (
    "title",
    "body",
    "starts_at",
    "ends_at",
    "timezone",
    "location",
    "online_url",
    "capacity",
    "waitlist",
    "opens_at",
    "closes_at",
    "cancel_until",
    "ask",
    "more_questions",
)
# The questions an organiser ticks on the form (``ask``), as the shared forms ask them
USUAL_QUESTIONS = {
    "name": (FieldKind.SHORT_TEXT, Message("Full name")),
    "phone": (FieldKind.PHONE, Message("Mobile phone")),
    "organisation": (FieldKind.SHORT_TEXT, Message("Organisation")),
    "dinner": (FieldKind.SINGLE, Message("Will you join the dinner?")),
}
YES_NO = (Message("Yes"), Message("No"))


def usual_question(key: str, gettext: Any, required: bool = True) -> Field:
    kind, label = USUAL_QUESTIONS[key]
    options = [gettext(option.msgid) for option in YES_NO] if kind == FieldKind.SINGLE else []
    return Field(kind, gettext(label.msgid), options, required, key)


async def _gettext(request: Request) -> Any:
    site = site_of(request)
    viewer = await resolve_viewer(request)
    return site.catalogues.get(reader_locale(request, viewer, await site.settings.current())).gettext


async def _site_zone(request: Request) -> str:
    return str((await site_of(request).settings.current())["timezone"])


def _capacity(text: str) -> int | None:
    if not text.strip():
        return None
    number = whole_number(text.strip().lstrip("-"))
    if number is None:
        raise ValidationError({"capacity": Message("Give the number of places as a whole number.")})
    return -number if text.strip().startswith("-") else number


def _draft(values: dict[str, str], data: FormData | None, gettext: Any, keep_questions: bool) -> service.EventDraft:
    zone_name = values["timezone"].strip()
    zone = site_timezone(service.check_zone(zone_name))

    def at(name: str) -> datetime | None:
        return parse_form_time(values[name], zone, name)

    questions: list[Field] = []
    if data is not None and not keep_questions:
        questions = [usual_question(key, gettext) for key in USUAL_QUESTIONS if key in data.getlist("ask")]
        extra = [line.strip() for line in values["more_questions"].splitlines() if line.strip()]
        questions += [Field(FieldKind.SHORT_TEXT, line, [], False, f"q{index + 1}") for index, line in enumerate(extra)]
    return service.EventDraft(
        starts_at=at("starts_at"),
        ends_at=at("ends_at"),
        timezone=zone_name,
        location=values["location"],
        online_url=values["online_url"],
        capacity=_capacity(values["capacity"]),
        waitlist=bool(values["waitlist"]),
        opens_at=at("opens_at"),
        closes_at=at("closes_at"),
        cancel_until=at("cancel_until"),
        questions=questions,
    )


async def _form_page(request: Request, form: Form, status: int = 200, **context: Any) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    if "slug" in request.path_params:
        context["circle"] = (await access_by_slug(viewer, request.path_params["slug"])).circle
    return await render(request, "events/edit.html", {"form": form, "zones": ZONES, **context}, status=status)


UPCOMING = timedelta(days=92)
ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)


async def new_event(request: Request) -> Response:
    tomorrow = (datetime.now(UTC) + timedelta(days=7)).astimezone(site_timezone(await _site_zone(request)))
    start = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
    form = Form(
        {
            "timezone": await _site_zone(request),
            "waitlist": "1",
            "ask": "name,phone",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    return await _form_page(request, form)


async def create_event(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, EVENT_FIELDS)
    form.values["ask"] = ",".join(str(key) for key in data.getlist("ask"))
    try:
        draft = _draft(form.values, data, await _gettext(request), keep_questions=False)
        event = await service.create_event(
            await resolve_viewer(request),
            request.path_params["slug"],
            form.values["title"],
            form.values["body"],
            draft,
            max_length=site_of(request).config.max_post_length,
        )
    except ValidationError as error:
        form.errors = error.fields
        return await _form_page(request, form, status=400)
    return RedirectResponse(f"/t/{event.thread_id}#event", status_code=303)


def _local(value: datetime | None, zone: str) -> str:
    return value.astimezone(site_timezone(zone)).strftime("%Y-%m-%dT%H:%M") if value else ""


async def edit_event(request: Request) -> Response:
    view = await service.manage_event(await resolve_viewer(request), request.path_params["id"])
    event = view.event
    form = Form(
        {
            "timezone": event.timezone,
            "location": event.location,
            "online_url": event.online_url,
            "capacity": "" if event.capacity is None else str(event.capacity),
            "waitlist": "1" if event.waitlist else "",
            **{
                name: _local(getattr(event, name), event.timezone)
                for name in ("starts_at", "ends_at", "opens_at", "closes_at", "cancel_until")
            },
        }
    )
    return await _form_page(request, form, view=view)


async def update_event(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.manage_event(viewer, request.path_params["id"])
    data = await read_form(request)
    form = Form.of(data, EVENT_FIELDS)
    try:
        draft = _draft(form.values, None, None, keep_questions=True)
        await service.update_event(viewer, view.event.id, draft)
    except (ValidationError, Conflict) as error:
        form.errors = error.fields if isinstance(error, ValidationError) else {"capacity": error.message}
        return await _form_page(request, form, status=400 if isinstance(error, ValidationError) else 409, view=view)
    return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)


async def event_page(request: Request) -> Response:
    view = await service.get_event(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)


async def guests_by_phone(request: Request, view: service.EventView) -> bool:
    """Whether a guest may register here with a phone number and a texted code (and join the circle)."""
    return view.registration_open and await guests_join_by_phone(request, view.where.access.circle)


async def _register_page(
    request: Request, view: service.EventView, form: Form, status: int = 200, notice: str = ""
) -> Response:
    mark_personal(request)
    context = {"event": view, "form": form, "notice": notice, "by_phone": form.values.get("by_phone") == "1"}
    return await render(request, "events/register.html", context, status=status)


async def register_page(request: Request) -> Response:
    """The registration form on a page of its own: a guest's, with their phone number, where the site offers it."""
    viewer = await resolve_viewer(request)
    view = await service.get_event(viewer, request.path_params["id"])
    if viewer is None and not await guests_by_phone(request, view):
        return RedirectResponse(f"/login?next=/t/{view.thread.id}%23event", status_code=303)
    if viewer is not None and not view.can_register:
        return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)
    return await _register_page(request, view, Form({"by_phone": "1" if viewer is None else ""}))


async def register(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    view = await service.get_event(viewer, request.path_params["id"])
    answers = answers_from_form(view.questions, data)
    form = Form({f"a{index}": value for index, value in enumerate(answers)})
    try:
        if viewer is None:
            if not await guests_by_phone(request, view):
                return RedirectResponse(f"/login?next=/t/{view.thread.id}%23event", status_code=303)
            form.values.update(Form.of(data, ("phone", "code")).values, by_phone="1")
            if data.get("step") == "send":
                form.values["phone"] = await text_code(request, form.values["phone"])
                notice = Message(
                    "We texted a code to %(phone)s. It is valid for 10 minutes.", phone=form.values["phone"]
                )
                return await _register_page(request, view, form, notice=notice)
            check_answers(view.questions, answers)  # a wrong answer makes no account
            viewer = await join_by_phone(request, view.where.access.circle, form.values["phone"], form.values["code"])
            view = await service.get_event(viewer, view.event.id)
            if view.mine is not None:  # the number opened an account that was registered already
                return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)
        await service.register(viewer, view.event.id, answers)
    except ValidationError as error:
        form.errors = error.fields
        return await _register_page(request, view, form, status=400)
    return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)


async def cancel(request: Request) -> Response:
    await read_form(request)
    view = await service.cancel(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#event", status_code=303)


async def ticket(request: Request) -> Response:
    view, registration = await tickets.ticket_of(await resolve_viewer(request), request.path_params["id"])
    return await render(
        request,
        "events/ticket.html",
        {
            "event": view,
            "registration": registration,
            "checkin_url": absolute_url(request, checkin_path(registration)),
        },
    )


async def ticket_qr(request: Request) -> Response:
    _, registration = await tickets.ticket_by_code(
        await resolve_viewer(request), request.path_params["id"], request.path_params["code"]
    )
    return qr_response(absolute_url(request, checkin_path(registration)), request.url.path.rpartition(".")[2])


async def scanned(request: Request) -> Response:
    """What a ticket's QR code opens: for an organiser, a one-tap check-in (and its result after the tap); for
    anyone else, the ticket."""
    viewer = await resolve_viewer(request)
    view, registration = await tickets.ticket_by_code(viewer, request.path_params["id"], request.path_params["code"])
    result = None
    if request.method == "POST":
        await read_form(request)
        view, result = await tickets.check_in(viewer, view.event.id, registration.code)
        registration = result.registration
    template = "events/checkin_ticket.html" if view.can_manage else "events/ticket.html"
    return await render(
        request,
        template,
        {
            "event": view,
            "registration": registration,
            "result": result,
            "checkin_url": absolute_url(request, checkin_path(registration)),
        },
    )


async def checkin_desk(request: Request) -> Response:
    """The door's page: type a ticket's code (or follow a QR code), see the counts."""
    viewer = await resolve_viewer(request)
    view = await service.manage_event(viewer, request.path_params["id"])
    result, error, status = None, None, 200
    if request.method == "POST":
        data = await read_form(request)
        try:
            view, result = await tickets.check_in(viewer, view.event.id, str(data.get("code", "")))
        except (NotFound, Conflict) as refused:
            error, status = refused.message, refused.status
    return await render(
        request, "events/checkin.html", {"event": view, "result": result, "error": error}, status=status
    )


async def registrations_page(request: Request) -> Response:
    view, rows = await service.registrations(await resolve_viewer(request), request.path_params["id"])
    answers = {
        row.id: [answer_text(question, value) for question, value in zip(view.questions, row.answers, strict=False)]
        for row in rows
    }
    return await render(request, "events/registrations.html", {"event": view, "rows": rows, "answers": answers})


async def door_list(request: Request) -> Response:
    view, rows = await service.registrations(await resolve_viewer(request), request.path_params["id"])
    confirmed = sorted(
        (row for row in rows if row.status == Status.CONFIRMED),
        key=lambda row: (row.user.display_name or row.user.username).casefold(),
    )
    organisation = next((index for index, q in enumerate(view.questions) if q.name == "organisation"), None)
    return await render(request, "events/door.html", {"event": view, "rows": confirmed, "organisation": organisation})


async def remove_registration(request: Request) -> Response:
    await read_form(request)
    view = await service.remove_registration(
        await resolve_viewer(request), request.path_params["id"], request.path_params["registration"]
    )
    return RedirectResponse(f"/events/{view.event.id}/registrations", status_code=303)


async def message(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.manage_event(viewer, request.path_params["id"])
    form = Form({"title": "", "body": ""})
    status = 200
    if request.method == "POST":
        form = Form.of(await read_form(request), ("title", "body"))
        try:
            people = await service.registrants(view.event.id)
            if not people:
                raise ValidationError({"body": Message("Nobody is registered yet.")})
            notice, _ = await send_notice(
                viewer,
                view.where.access.circle.slug,
                form.values["title"],
                form.values["body"],
                recipients=people,
                audience=view.thread.title,
            )
            return RedirectResponse(f"/notices/{notice.id}", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    return await render(request, "events/message.html", {"event": view, "form": form}, status=status)


async def event_ics(request: Request) -> Response:
    view = await service.get_event(await resolve_viewer(request), request.path_params["id"])
    event = view.event
    event.thread, event.circle = view.thread, view.where.access.circle
    text = calendar.calendar_text([event], view.thread.title, absolute_url(request, ""), request.url.hostname or "")
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="event-{event.id}.ics"',
            "cache-control": "private, no-cache",
        },
    )


async def feed_ics(request: Request) -> Response:
    user = await calendar.feed_owner(request.path_params["token"])
    events = await calendar.feed_events(user)
    settings = await site_of(request).settings.current()
    text = calendar.calendar_text(events, settings["site_name"], absolute_url(request, ""), request.url.hostname or "")
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"cache-control": "private, no-cache"})


async def my_calendar(request: Request) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    renew = request.method == "POST"
    if renew:
        await read_form(request)
    token = await calendar.feed_token(viewer, renew=renew)
    return await render(
        request, "events/my_calendar.html", {"feed_url": calendar.feed_url(request, token), "renewed": renew}
    )


def _month(text: str | None, zone: Any) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return datetime.now(zone).date().replace(day=1)


def _weeks(first: date, following: date) -> list[list[date]]:
    """The month's weeks, Monday to Sunday, from the week of its first day to that of its last."""
    day = first - timedelta(days=first.weekday())
    weeks: list[list[date]] = []
    while day < following:
        weeks.append([day + timedelta(days=offset) for offset in range(7)])
        day += timedelta(days=7)
    return weeks


async def _calendar(request: Request, start: datetime, end: datetime, **context: Any) -> Response:
    """The events the viewer may see in ``[start, end)`` (of the circle in the path, if any), listed by day."""
    viewer = await resolve_viewer(request)
    circle = None
    if "slug" in request.path_params:
        circle = (await access_by_slug(viewer, request.path_params["slug"])).circle
    zone = start.tzinfo
    events = await calendar.visible_events(viewer, start, end, circle)
    days: dict[date, list[Any]] = {}
    for event in events:  # an event that began before the span is listed on its first day
        days.setdefault(max(event.starts_at.astimezone(zone).date(), start.date()), []).append(event)
    base = f"/c/{circle.slug}/events" if circle else "/events"
    return await render(
        request, "events/calendar.html", {"circle": circle, "days": sorted(days.items()), "base": base, **context}
    )


async def month_page(request: Request) -> Response:
    """``/events`` and ``/c/{slug}/events``: a month (``?month=2026-12``) as a grid of days, and its events."""
    zone = site_timezone(await _site_zone(request))
    first = _month(request.query_params.get("month"), zone)
    following = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    start = datetime(first.year, first.month, 1, tzinfo=zone)
    weeks = _weeks(first, following)
    return await _calendar(
        request,
        start,
        datetime(following.year, following.month, 1, tzinfo=zone),
        month=first,
        weeks=weeks,
        month_start=start,
        weekdays=[datetime(day.year, day.month, day.day, 12, tzinfo=zone) for day in weeks[0]],
        previous=previous.strftime("%Y-%m"),
        next=following.strftime("%Y-%m"),
    )


async def upcoming_page(request: Request) -> Response:
    """``/events/upcoming`` and ``/c/{slug}/events/upcoming``: what is coming, as a list (the next three months)."""
    zone = site_timezone(await _site_zone(request))
    start = datetime.now(zone)
    return await _calendar(request, start, start + UPCOMING)


routes: list[BaseRoute] = [
    Route("/events", month_page),
    Route("/events/upcoming", upcoming_page),
    Route("/events/calendar", my_calendar, methods=["GET", "POST"]),
    Route("/events/feed/{token}.ics", feed_ics),
    Route("/c/{slug}/events", month_page),
    Route("/c/{slug}/events/upcoming", upcoming_page),
    Route("/c/{slug}/events/new", new_event),
    Route("/c/{slug}/events/new", create_event, methods=["POST"]),
    Route("/events/{id:int}", event_page),
    Route("/events/{id:int}.ics", event_ics),
    Route("/events/{id:int}/edit", edit_event),
    Route("/events/{id:int}/edit", update_event, methods=["POST"]),
    Route("/events/{id:int}/register", register_page),
    Route("/events/{id:int}/register", register, methods=["POST"]),
    Route("/events/{id:int}/cancel", cancel, methods=["POST"]),
    Route("/events/{id:int}/ticket", ticket),
    Route("/events/{id:int}/checkin", checkin_desk, methods=["GET", "POST"]),
    Route("/events/{id:int}/checkin/{code}", scanned, methods=["GET", "POST"]),
    Route("/events/{id:int}/checkin/{code}/qr.svg", ticket_qr),
    Route("/events/{id:int}/checkin/{code}/qr.png", ticket_qr),
    Route("/events/{id:int}/registrations", registrations_page),
    Route("/events/{id:int}/registrations/{registration:int}/remove", remove_registration, methods=["POST"]),
    Route("/events/{id:int}/door", door_list),
    Route("/events/{id:int}/message", message, methods=["GET", "POST"]),
]
