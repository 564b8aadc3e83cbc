"""Cases as the JSON API gives them: to the filer without the internal notes, to the staff with everything."""

from __future__ import annotations

from typing import Any

from core.plugins import Field, answer_text
from plugins.complaints.models import Complaint, Entry
from plugins.complaints.service import CaseView, tracking_path


def entry_json(entry: Entry, staff: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "at": entry.at.isoformat(),
        "kind": entry.kind.value,
        "status": entry.status or None,
        "message": entry.body,
    }
    if staff:
        found["internal"] = entry.internal
        found["author"] = entry.author.username if entry.author else None
    return found


def summary_json(complaint: Complaint) -> dict[str, Any]:
    return {
        "number": complaint.number,
        "subject": complaint.subject,
        "status": complaint.status.value,
        "category": complaint.category,
        "created_at": complaint.created_at.isoformat(),
        "accept_by": complaint.accept_due_at.isoformat(),
        "resolve_by": complaint.resolve_due_at.isoformat(),
        "url": f"/complaints/{complaint.number}",
    }


def case_json(view: CaseView) -> dict[str, Any]:
    complaint = view.complaint
    questions = [Field.of(question) for question in complaint.questions]
    found = {
        **summary_json(complaint),
        "body": complaint.body,
        "answers": [
            {"question": question.label, "answer": answer_text(question, value)}
            for question, value in zip(questions, complaint.answers, strict=False)
        ],
        "rating": complaint.rating,
        "timeline": [entry_json(entry, view.staff) for entry in view.entries],
    }
    if view.staff:
        found.update(
            {
                "contact_name": complaint.contact_name,
                "contact_email": complaint.contact_email,
                "assignee": view.assignee.username if view.assignee else None,
                "overdue": view.overdue,
                "moves": [status.value for status in view.moves],
                "rating_comment": complaint.rating_comment,
                "tracking_url": tracking_path(complaint),
            }
        )
    return found


def tracked_json(view: CaseView) -> dict[str, Any]:
    """What a tracking link shows (CONTRACT: number, subject, status, created_at, timeline of public entries)."""
    complaint = view.complaint
    return {
        "number": complaint.number,
        "subject": complaint.subject,
        "status": complaint.status.value,
        "created_at": complaint.created_at.isoformat(),
        "timeline": [entry_json(entry, staff=False) for entry in view.entries],
        "rating": complaint.rating,
        "may_rate": view.may_rate,
        "open": view.open_for_replies,
    }
