"""Meetings: the only code that writes them. A meeting is built on an event (its registration, tickets and
check-in) and is as visible as the event; its organisers are the event's (its author, the circle's owners and
moderators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.plugins import (
    Field,
    Forbidden,
    Message,
    NotFound,
    NoticeSummary,
    User,
    ValidationError,
    cancel_job,
    enqueue_job,
    fetch_row,
    fetch_rows,
    load_model,
    load_models,
    notices_among,
    now,
    send_notice,
    transaction,
)
from plugins.events import for_plugins as events
from plugins.events.for_plugins import Registration
from plugins.meeting_kit.models import AgendaItem, Meeting, MeetingNotice
from plugins.meeting_kit.texts import texts
from plugins.polls import for_plugins as polls
from plugins.polls.for_plugins import Survey

FEEDBACK = "meeting_kit.feedback"  # the job that opens an agenda item's feedback poll when it ends
TITLE_MAX = 200
NAME_MAX = 100
ITEMS_MAX = 100
SURVEY_OPEN_FOR = timedelta(days=14)  # the closing survey takes answers for two weeks after the meeting


@dataclass(frozen=True)
class ItemDraft:
    starts_at: datetime | None
    ends_at: datetime | None
    title: str
    speaker: str = ""
    room: str = ""


@dataclass
class MeetingView:
    meeting: Meeting
    event: events.EventView  # its registration, as the viewer sees it
    items: list[AgendaItem]
    notices: list[NoticeSummary] = field(default_factory=list)
    survey: Survey | None = None

    @property
    def can_manage(self) -> bool:
        return self.event.can_manage

    @property
    def title(self) -> str:
        return self.event.thread.title


def check_item(draft: ItemDraft) -> dict[str, Any]:
    title, speaker, room = draft.title.strip(), draft.speaker.strip(), draft.room.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationError({"title": Message("A title has 1 to %(n)s characters.", n=TITLE_MAX)})
    if len(speaker) > NAME_MAX or len(room) > NAME_MAX:
        field_name = "speaker" if len(speaker) > NAME_MAX else "room"
        raise ValidationError({field_name: Message("At most %(n)s characters.", n=NAME_MAX)})
    if draft.starts_at is None:
        raise ValidationError({"starts_at": Message("Give the time the item starts.")})
    if draft.ends_at is None or draft.ends_at <= draft.starts_at:
        raise ValidationError({"ends_at": Message("An item ends after it starts.")})
    return dict(starts_at=draft.starts_at, ends_at=draft.ends_at, title=title, speaker=speaker, room=room)


async def _schedule_feedback(item: AgendaItem) -> None:
    """The item's feedback poll opens when it ends (moved when the item moves)."""
    key = f"{FEEDBACK}:{item.id}"
    if item.poll_id is None:
        await enqueue_job(FEEDBACK, {"item_id": item.id}, at=max(item.ends_at, now()), key=key)
    else:
        await cancel_job(key)


async def create_meeting(
    owner: User, slug: str, title: str | None, locale: str, *, start: datetime, zone: str, max_length: int
) -> Meeting:
    """Set one meeting up in the circle ``slug``: its registration event (open at once), a first agenda and the
    closing survey, written in ``locale``. The organisers change dates, place and capacity afterwards."""
    text = texts(locale)
    minutes = max(start for start, _, _ in text.agenda) + text.agenda[-1][1]
    draft = events.EventDraft(
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        timezone=zone,
        questions=[Field(kind, label, [], required, name) for name, kind, label, required in text.questions],
    )
    event = await events.create_event(owner, slug, title or text.title, text.intro, draft, max_length=max_length)
    ends = start + timedelta(minutes=minutes)
    closing = polls.SurveyDraft(
        text.survey_title, text.survey_intro, list(text.survey), opens_at=ends, closes_at=ends + SURVEY_OPEN_FOR
    )  # asked once the meeting is over, for two weeks
    survey = await polls.create_survey(owner, slug, closing, max_length=max_length, max_options=20, max_questions=30)
    meeting = await Meeting.create(circle_id=event.circle_id, event=event, survey=survey, locale=locale)
    for offset, length, item_title in text.agenda:
        begins = start + timedelta(minutes=offset)
        item = await AgendaItem.create(
            meeting=meeting, starts_at=begins, ends_at=begins + timedelta(minutes=length), title=item_title
        )
        await _schedule_feedback(item)
    return meeting


async def get_meeting(viewer: User | None, meeting_id: int) -> MeetingView:
    """The meeting, if the viewer may see its event (else NotFound)."""
    meeting = await load_model(Meeting, "id = ?", meeting_id)
    if meeting is None:
        raise NotFound(Message("No such meeting."))
    try:
        event = await events.get_event(viewer, meeting.event_id)
    except NotFound:
        raise NotFound(Message("No such meeting.")) from None
    items = await load_models(AgendaItem, "meeting_id = ?", meeting_id, order="starts_at, id")
    rows = await fetch_rows("SELECT notice_id FROM meeting_kit_notices WHERE meeting_id = ?", meeting_id)
    notices = await notices_among(viewer, [row["notice_id"] for row in rows], staff=event.can_manage)
    survey = await load_model(Survey, "id = ?", meeting.survey_id) if meeting.survey_id else None
    return MeetingView(meeting, event, items, notices, survey)


async def meeting_of_thread(thread_id: int) -> Meeting | None:
    """The meeting whose registration is the event of this thread (which the caller shows: it is visible). Every
    thread page asks, and most threads are no meeting's: that answer is one remembered plain read."""
    found = await fetch_row(
        "SELECT m.id FROM meeting_kit_meetings m JOIN events_events e ON e.id = m.event_id WHERE e.thread_id = ?",
        thread_id,
    )
    return await load_model(Meeting, "id = ?", found["id"]) if found is not None else None


async def manage_meeting(viewer: User | None, meeting_id: int) -> MeetingView:
    view = await get_meeting(viewer, meeting_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the meeting's organisers do this."))
    return view


async def add_item(viewer: User | None, meeting_id: int, draft: ItemDraft) -> AgendaItem:
    view = await manage_meeting(viewer, meeting_id)
    values = check_item(draft)
    if len(view.items) >= ITEMS_MAX:
        raise ValidationError({"title": Message("An agenda has at most %(n)s items.", n=ITEMS_MAX)})
    async with transaction():
        item = await AgendaItem.create(meeting_id=meeting_id, **values)
        await _schedule_feedback(item)
    return item


async def _item(meeting_id: int, item_id: int) -> AgendaItem:
    item = await AgendaItem.get_or_none(id=item_id, meeting_id=meeting_id)
    if item is None:
        raise NotFound(Message("No such agenda item."))
    return item


async def update_item(viewer: User | None, meeting_id: int, item_id: int, draft: ItemDraft) -> AgendaItem:
    await manage_meeting(viewer, meeting_id)
    await _item(meeting_id, item_id)
    values = check_item(draft)
    async with transaction():
        await AgendaItem.filter(id=item_id).update(**values)
        item = await AgendaItem.get(id=item_id)
        await _schedule_feedback(item)
    return item


async def remove_item(viewer: User | None, meeting_id: int, item_id: int) -> None:
    await manage_meeting(viewer, meeting_id)
    await _item(meeting_id, item_id)
    async with transaction():
        await AgendaItem.filter(id=item_id).delete()
        await cancel_job(f"{FEEDBACK}:{item_id}")


async def post_notice(viewer: User | None, meeting_id: int, title: str, body: str) -> tuple[int, int]:
    """A notice on the board, sent to everyone confirmed (in-app and by mail, with read receipts): its id and how
    many it went to."""
    view = await manage_meeting(viewer, meeting_id)
    people = await events.registrants(view.event.event.id)
    if not people:
        raise ValidationError({"body": Message("Nobody is registered yet.")})
    notice, count = await send_notice(
        viewer, view.event.where.access.circle.slug, title, body, recipients=people, audience=view.title
    )
    await MeetingNotice.create(meeting_id=meeting_id, notice_id=notice.id)
    return notice.id, count


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    code: str


async def badges(viewer: User | None, meeting_id: int) -> tuple[MeetingView, list[Badge]]:
    """A name badge for everyone confirmed: the name they gave (else their display name) and organisation, in
    alphabetical order."""
    view = await manage_meeting(viewer, meeting_id)
    event, rows = await events.registrations(viewer, view.event.event.id)
    names = {question.name: index for index, question in enumerate(event.questions)}

    def answer(row: Registration, name: str) -> str:
        index = names.get(name)
        value = row.answers[index] if index is not None and index < len(row.answers) else None
        return str(value) if value else ""

    found = [
        Badge(answer(row, "name") or row.user.display_name or row.user.username, answer(row, "organisation"), row.code)
        for row in rows
        if row.status == events.Status.CONFIRMED
    ]
    return view, sorted(found, key=lambda badge: badge.name.casefold())
