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


REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_timezone(name: str) -> bool:
    """Whether this machine knows the zone ``name`` (any IANA name: ``Etc/GMT-8`` too)."""
    return name in _known_timezones()


@functools.cache
def available_timezones() -> tuple[str, ...]:
    """The zones a person picks from: a region and a place (``Asia/Shanghai``), and UTC; not the aliases and the
    machine's own entries that its zone files also hold (``localtime``, ``Factory``, ``posix/...``, ``Etc/GMT+8``)."""
    zones = (zone for zone in _known_timezones() if "/" in zone and zone.split("/", 1)[0] in REGIONS)
    return (*sorted(zones), "UTC")


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
