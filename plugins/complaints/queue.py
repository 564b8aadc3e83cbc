"""The staff's view of a desk: the queue with its filters, the desk's figures, and the CSV export."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from tortoise.expressions import Q

from core.plugins import CircleAccess, Field, Message, User, ValidationError, answer_text, now
from plugins.complaints.models import Complaint, Entry, Status
from plugins.complaints.service import overdue, staff_access
from plugins.complaints.workflow import OPEN

LISTED = 200


@dataclass(frozen=True)
class Filters:
    status: str = ""
    assignee: str = ""  # a username, or "none" for the unassigned
    category: str = ""
    overdue: bool = False


async def queue(viewer: User | None, slug: str, filters: Filters) -> tuple[CircleAccess, list[Complaint]]:
    """The desk's cases, newest first, as the filters choose (the desk's staff only)."""
    access, desk = await staff_access(viewer, slug)
    query = Complaint.filter(desk_id=desk.id)
    if filters.status:
        if filters.status not in set(Status):
            raise ValidationError({"status": Message("One of: ") + ", ".join(Status) + "."})
        query = query.filter(status=filters.status)
    if filters.assignee == "none":
        query = query.filter(assignee_id__isnull=True)
    elif filters.assignee:
        query = query.filter(assignee__username=filters.assignee)
    if filters.category:
        query = query.filter(category=filters.category)
    if filters.overdue:
        moment = now()
        query = query.filter(
            Q(status=Status.NEW, accept_due_at__lt=moment) | Q(status__in=list(OPEN), resolve_due_at__lt=moment)
        )
    return access, list(await query.select_related("assignee").order_by("-id").limit(LISTED))


def _hours(values: list[float]) -> float | None:
    return round(median(values) / 3600, 1) if values else None


@dataclass
class Figures:
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    median_hours_to_accept: float | None = None
    median_hours_to_resolve: float | None = None
    ratings: dict[int, int] = field(default_factory=dict)
    average_rating: float | None = None
    comments: list[tuple[int, str]] = field(default_factory=list)  # the latest rating comments


async def figures(viewer: User | None, slug: str) -> Figures:
    """Counts by status, how many are overdue, the median times to accept and to resolve, and the ratings."""
    _, desk = await staff_access(viewer, slug)
    cases = await Complaint.filter(desk_id=desk.id)
    found = Figures(by_status={status.value: 0 for status in Status})
    for case in cases:
        found.by_status[case.status.value] += 1
        found.overdue += overdue(case)
        if case.rating is not None:
            found.ratings[case.rating] = found.ratings.get(case.rating, 0) + 1
    found.median_hours_to_accept = _hours(
        [(c.accepted_at - c.created_at).total_seconds() for c in cases if c.accepted_at]
    )
    found.median_hours_to_resolve = _hours(
        [(c.resolved_at - c.created_at).total_seconds() for c in cases if c.resolved_at]
    )
    rated = [c.rating for c in cases if c.rating is not None]
    found.average_rating = round(sum(rated) / len(rated), 2) if rated else None
    found.comments = [
        (c.rating, c.rating_comment)
        for c in sorted(cases, key=lambda c: -c.id)
        if c.rating is not None and c.rating_comment
    ][:20]
    return found


COLUMNS = (
    Message("number"),
    Message("filed_at"),
    Message("status"),
    Message("category"),
    Message("subject"),
    Message("contact_name"),
    Message("contact_email"),
    Message("assignee"),
    Message("accept_by"),
    Message("resolve_by"),
    Message("rating"),
    Message("text"),
    Message("timeline"),
)


async def export_rows(viewer: User | None, slug: str, *, notes: bool) -> tuple[list[Any], list[list[Any]]]:
    """Every case of the desk, one row each, with its public timeline — and its internal notes only when asked
    for (``notes``); the staff only. The header's first columns are Messages, to translate."""
    _, desk = await staff_access(viewer, slug)
    cases = list(await Complaint.filter(desk_id=desk.id).select_related("assignee").order_by("id"))
    entries: dict[int, list[Entry]] = {}
    query = Entry.filter(complaint_id__in=[case.id for case in cases])
    if not notes:
        query = query.filter(internal=False)
    for entry in await query.order_by("at", "id"):
        if entry.body:
            entries.setdefault(entry.complaint_id, []).append(entry)
    questions = [Field.of(question) for question in desk.questions]
    rows = []
    for case in cases:
        timeline = "\n".join(
            f"[{entry.kind.value}{' · internal' if entry.internal else ''}] {entry.body}"
            for entry in entries.get(case.id, [])
        )
        asked = {Field.of(question).label: index for index, question in enumerate(case.questions)}
        extra = [
            answer_text(question, case.answers[asked[question.label]])
            if question.label in asked and asked[question.label] < len(case.answers)
            else ""
            for question in questions
        ]
        rows.append(
            [
                case.number,
                case.created_at,
                case.status.value,
                case.category,
                case.subject,
                case.contact_name,
                case.contact_email,
                case.assignee.username if case.assignee else "",
                case.accept_due_at,
                case.resolve_due_at,
                case.rating or "",
                case.body,
                timeline,
                *extra,
            ]
        )
    return [*COLUMNS, *(question.label for question in questions)], rows
