"""Promises kept: on the morning of a case's last day to be accepted (or resolved), a job tells the desk's staff if
it still is not; each warning once (one job per case and stage, by key)."""

from __future__ import annotations

from core.plugins import Circle, JobContext, JobKind, circle_staff, notify_about
from plugins.complaints.models import Complaint, Status
from plugins.complaints.service import CASE, DUE_SOON, WARN
from plugins.complaints.workflow import OPEN


async def warn(context: JobContext) -> None:
    complaint = await Complaint.get_or_none(id=context.payload["complaint_id"])
    stage = context.payload["stage"]
    if complaint is None:
        return
    pending = complaint.status == Status.NEW if stage == "accept" else complaint.status in OPEN
    if not pending:
        return
    staff = await circle_staff(await Circle.get(id=complaint.circle_id))
    if complaint.assignee_id is not None:  # the one it was given to, else everyone on the desk
        staff = [user for user in staff if user.id == complaint.assignee_id] or staff
    await notify_about(DUE_SOON, staff, None, CASE, complaint, complaint.subject, f"/complaints/{complaint.number}")


JOBS = [JobKind(WARN, warn)]
