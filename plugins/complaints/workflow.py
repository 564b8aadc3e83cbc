"""The rules of a case's life in one place: which status may follow which, and promised times in working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from core.plugins import Message
from plugins.complaints.models import Status

# The allowed moves: a case leaves a status only for one of these.
MOVES: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.ACCEPTED, Status.REJECTED),
    Status.ACCEPTED: (Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.REJECTED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),  # reopened when the filer is not satisfied
    Status.REJECTED: (Status.CLOSED, Status.ACCEPTED),  # accepted after all
    Status.CLOSED: (),
}
OPEN = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS)  # not yet resolved: the promise to resolve runs
NAMES = {
    Status.NEW: Message("awaiting acceptance"),
    Status.ACCEPTED: Message("accepted"),
    Status.IN_PROGRESS: Message("in progress"),
    Status.RESOLVED: Message("resolved"),
    Status.CLOSED: Message("closed"),
    Status.REJECTED: Message("rejected"),
}


def may_move(current: Status, target: Status) -> bool:
    return target in MOVES[current]


def working_days_after(start: datetime, days: int, zone: tzinfo) -> datetime:
    """The end of the ``days``-th working day (Monday to Friday) after the day of ``start``, in ``zone``."""
    day: date = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)
