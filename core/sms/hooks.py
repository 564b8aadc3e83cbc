"""Text messages, registered through the plugin hooks: the job that sends what ``queue_text`` queued."""

from __future__ import annotations

from core.config import Config
from core.contract import hookimpl
from core.contract.kinds import JobKind, NotificationChannel
from core.errors import Message
from core.sms.outbox import SEND
from core.sms.sending import has_phone, send_job, send_reach


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [JobKind(SEND, send_job, attempts=6, lease_seconds=60, lane="sms")]


@hookimpl
def register_notification_channels() -> list[NotificationChannel]:
    return [NotificationChannel("sms", Message("Text message"), _sends_notifications, has_phone, send_reach)]


def _sends_notifications(config: Config) -> bool:
    return config.sms is not None and config.sms.sends_notifications
