"""Feedback per agenda item: when an item ends, a job opens a short poll about it in the meeting's circle (once,
however often the job runs), in the meeting's language; the meeting's page links it."""

from __future__ import annotations

from datetime import timedelta

from core.plugins import Circle, Forbidden, JobContext, JobKind, Thread, User, now, transaction
from plugins.events.for_plugins import Event
from plugins.meeting_kit.models import AgendaItem, Meeting
from plugins.meeting_kit.service import FEEDBACK
from plugins.meeting_kit.texts import texts
from plugins.polls import for_plugins as polls

OPEN_FOR = timedelta(days=7)


async def open_feedback(context: JobContext) -> None:
    item = await AgendaItem.get_or_none(id=context.payload["item_id"])
    if item is None or item.poll_id is not None:
        return
    meeting = await Meeting.get(id=item.meeting_id)
    thread = await Thread.get(id=(await Event.get(id=meeting.event_id)).thread_id)
    if thread.deleted_at is not None:
        return
    organiser = await User.get(id=thread.author_id)
    circle = await Circle.get(id=meeting.circle_id)
    text = texts(meeting.locale)
    draft = polls.PollDraft(
        title=text.feedback_title % item.title,
        body="",
        options=list(text.feedback_options),
        anonymous=True,
        closes_at=now() + OPEN_FOR,
    )  # feedback names nobody
    async with transaction():
        locked = await AgendaItem.select_for_update().get_or_none(id=item.id)  # one run at a time
        if locked is None or locked.poll_id is not None:
            return
        try:
            poll = await polls.create_poll(organiser, circle.slug, draft, max_length=32_000, max_options=20)
        except Forbidden:
            return  # the organiser may no longer write in the circle: no poll in their name
        await AgendaItem.filter(id=item.id).update(poll_id=poll.id)


JOBS = [JobKind(FEEDBACK, open_feedback)]
