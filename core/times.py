"""Points in time as people type them: ISO 8601 with an offset in the API, the site's wall-clock time in forms.

The database keeps UTC; pages show the site's time zone (an administrator's setting, ``Asia/Shanghai`` by default).
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime, tzinfo

from core.errors import Message, ValidationError


def now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def available_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def site_timezone(name: str) -> tzinfo:
    """The zone called ``name``, or UTC when the setting names none this machine knows."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_api_time(value: str | None, field: str) -> datetime | None:
    """An ISO 8601 time with an offset (``2026-12-01T18:00:00+08:00``), as UTC; None stays None."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: Message("Give a time as ISO 8601, e.g. 2026-12-01T18:00:00+08:00.")}) from None
    if parsed.tzinfo is None:
        raise ValidationError({field: Message("Give the time with its offset, e.g. +08:00 or Z.")})
    return parsed.astimezone(UTC)


def parse_form_time(value: str, zone: tzinfo, field: str) -> datetime | None:
    """A form's ``datetime-local`` value (``2026-12-01T18:00``), read in the site's zone, as UTC; empty is None."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: Message("Give a date and a time.")}) from None
    return parsed.replace(tzinfo=zone).astimezone(UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def form_time(value: datetime | None, zone: tzinfo) -> str:
    """``value`` as a ``datetime-local`` form value in the site's zone."""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""
