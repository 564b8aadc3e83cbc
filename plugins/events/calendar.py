"""What the calendar shows: the events a viewer may see in a span of time, as pages, as JSON and as iCalendar
(one event's ``.ics``, and a member's personal feed, which a phone's calendar fetches with the secret in its
address and which shows what that member may see when it is fetched)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from starlette.requests import Request

from core.plugins import Circle, Message, NotFound, User, ValidationError, absolute_url, now, scope_of, token_shaped
from plugins.events.models import CalendarFeed, Event, Registration

LISTED = 500  # events in one span, at most
SPAN_MAX = timedelta(days=400)
FEED_PAST = timedelta(days=60)  # a feed keeps the last two months and everything to come


async def visible_events(
    viewer: User | None,
    start: datetime,
    end: datetime,
    circle: Circle | None = None,
) -> list[Event]:
    """The events overlapping ``[start, end)`` whose circle the viewer sees and whose thread is not deleted, by
    start (with ``thread`` and ``circle``)."""
    if end <= start:
        raise ValidationError({"to": Message("The end of the span must come after its start.")})
    if end - start > SPAN_MAX:
        raise ValidationError({"to": Message("Ask for at most %(n)s days at a time.", n=SPAN_MAX.days)})
    scope = await scope_of(viewer)
    query = Event.filter(
        scope.circles_q("circle__"), starts_at__lt=end, ends_at__gt=start, thread__deleted_at__isnull=True
    )
    if circle is not None:
        query = query.filter(circle_id=circle.id)
    return list(await query.select_related("thread", "circle").order_by("starts_at", "id").limit(LISTED))


async def feed_events(user: User) -> list[Event]:
    """A member's feed: the events of their circles and those they registered for, as far as they may see them
    now."""
    scope = await scope_of(user)
    registered = set(cast(list[int], await Registration.filter(user_id=user.id).values_list("event_id", flat=True)))
    since = now() - FEED_PAST
    events = (
        await Event.filter(scope.circles_q("circle__"), ends_at__gt=since, thread__deleted_at__isnull=True)
        .select_related("thread", "circle")
        .order_by("starts_at", "id")
    )
    return [e for e in events if e.circle_id in scope.member_of or e.id in registered][:LISTED]


def calendar_text(events: Sequence[Event], name: str, base_url: str, host: str) -> bytes:
    """``events`` as an iCalendar file (times in UTC, which every calendar shows in its own zone)."""
    from icalendar import Calendar  # loaded when a calendar is asked for, not by every command
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Quanzi//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = now()
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("summary", event.thread.title)
        if event.location or event.online_url:
            entry.add("location", event.location or event.online_url)
        url = f"{base_url}/t/{event.thread_id}"
        entry.add("url", url)
        entry.add("description", "\n".join(filter(None, [event.online_url, url])))
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


async def feed_token(user: User, *, renew: bool = False) -> str:
    """The member's feed secret, made the first time it is asked for; ``renew`` replaces it (the old address
    stops working)."""
    feed = await CalendarFeed.get_or_none(user_id=user.id)
    token = secrets.token_urlsafe(24)
    if feed is None:
        await CalendarFeed.get_or_create(user_id=user.id, defaults={"token": token})
    elif renew:
        await CalendarFeed.filter(id=feed.id).update(token=token)
    return str((await CalendarFeed.get(user_id=user.id)).token)


async def feed_owner(token: str) -> User:
    feed = await CalendarFeed.get_or_none(token=token).select_related("user") if token_shaped(token) else None
    if feed is None or feed.user.suspended:
        raise NotFound(Message("No such calendar."))
    return feed.user


def feed_url(request: Request, token: str) -> str:
    return absolute_url(request, f"/events/feed/{token}.ics")
