"""Mail, registered through the plugin hooks: the job that sends what ``queue_mail`` queued."""

from __future__ import annotations

from core.contract import hookimpl
from core.contract.kinds import JobKind
from core.mail.outbox import SEND
from core.mail.sending import send_job


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(SEND, send_job, attempts=10, lease_seconds=120, lane="mail")]
