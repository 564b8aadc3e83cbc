"""Text messages, registered through the plugin hooks: the job that sends what ``queue_text`` queued."""

from __future__ import annotations

from core.contract import hookimpl
from core.contract.kinds import JobKind
from core.sms.outbox import SEND
from core.sms.sending import send_job


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(SEND, send_job, attempts=6, lease_seconds=60, lane="sms")]
