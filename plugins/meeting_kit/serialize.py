"""Meetings as the JSON API gives them."""

from __future__ import annotations

from typing import Any

from plugins.events.for_plugins import event_json
from plugins.meeting_kit.models import AgendaItem
from plugins.meeting_kit.service import MeetingView


def item_json(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "title": item.title,
        "speaker": item.speaker,
        "room": item.room,
        "poll_id": item.poll_id,
    }


def meeting_json(view: MeetingView) -> dict[str, Any]:
    return {
        "id": view.meeting.id,
        "title": view.title,
        "url": f"/meetings/{view.meeting.id}",
        "event": event_json(view.event),
        "agenda": [item_json(item) for item in view.items],
        "notices": [
            {
                "id": summary.notice.id,
                "title": summary.notice.title,
                "url": f"/notices/{summary.notice.id}",
                "sent_at": summary.notice.created_at.isoformat(),
                **(
                    {"read": summary.read, "recipients": summary.total}
                    if view.can_manage
                    else {"read_at": summary.read_at.isoformat() if summary.read_at else None}
                ),
            }
            for summary in view.notices
        ],
        "survey_id": view.meeting.survey_id,
        "can_manage": view.can_manage,
    }
