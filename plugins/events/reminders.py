"""Reminders: a job per event and reminder (a day and an hour before the start) mails every confirmed member,
checking at send time that they are still registered and may still see the event. Each member gets each
reminder once, however often the job runs."""

from __future__ import annotations

from core.plugins import (
    JobContext,
    JobKind,
    NotFound,
    Thread,
    User,
    get_thread,
    notify,
    now,
    queue_mail,
    transaction,
)
from plugins.events.models import Event, Registration, Status

REMIND = "events.remind"
MAIL = "events_reminder"
REMINDED = "events.reminder"  # the notification beside the mail: in the app, and by text message if chosen


async def remind(context: JobContext) -> None:
    event = await Event.get_or_none(id=context.payload["event_id"])
    name = context.payload["reminder"]
    if event is None or name not in ("day", "hour") or event.starts_at <= now():
        return
    flag = f"reminded_{name}"
    thread = await Thread.get(id=event.thread_id).prefetch_related("circle")
    if thread.deleted_at is not None:
        return
    pending = await Registration.filter(event_id=event.id, status=Status.CONFIRMED, **{flag: False})
    for registration in pending:
        user = await User.get(id=registration.user_id)
        if user.suspended:
            continue
        try:
            await get_thread(user, event.thread_id)  # may they still see it (left a private circle, deleted)?
        except NotFound:
            continue
        async with transaction():
            if not await Registration.filter(id=registration.id, status=Status.CONFIRMED, **{flag: False}).update(
                **{flag: True}
            ):
                continue  # cancelled meanwhile, or reminded by another run
            await queue_mail(
                user,
                MAIL,
                {
                    "reminder": name,
                    "title": thread.title,
                    "starts_at": event.starts_at.isoformat(),
                    "ends_at": event.ends_at.isoformat(),
                    "zone": event.timezone,
                    "location": event.location,
                    "online_url": event.online_url,
                    "url": f"/t/{thread.id}",
                    "ticket": f"/events/{event.id}/ticket",
                },
            )
            await notify(REMINDED, [user], None, thread)


JOBS = [JobKind(REMIND, remind)]
