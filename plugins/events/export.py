"""The registrations as a table (the organisers' CSV): in the reader's language, times in the event's zone."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import Message, User, answer_text, reader_locale, site_of, site_timezone
from plugins.events.service import STATUS_NAMES, registrations

COLUMNS = (
    Message("username"),
    Message("name"),
    Message("status"),
    Message("registered_at"),
    Message("code"),
    Message("checked_in_at"),
)


async def export_table(request: Request, viewer: User | None, event_id: int) -> tuple[list[str], list[list[Any]]]:
    view, rows = await registrations(viewer, event_id)
    site = site_of(request)
    gettext = site.catalogues.get(reader_locale(request, viewer, await site.settings.current())).gettext
    zone = site_timezone(view.event.timezone)

    def when(value: Any) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""

    header = [gettext(column.msgid) for column in COLUMNS] + [question.label for question in view.questions]
    table = [
        [
            row.user.username,
            row.user.display_name or row.user.username,
            gettext(STATUS_NAMES[row.status].msgid),
            when(row.created_at),
            row.code,
            when(row.checked_in_at),
            *(answer_text(question, value) for question, value in zip(view.questions, row.answers, strict=False)),
        ]
        for row in rows
    ]
    return header, table
