"""The search outbox: every write that changes what search should find adds a row here, in its own transaction."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SearchOutbox(Model):
    """ "Document ``kind``/``object_id`` may have changed." The indexer reloads it and updates or removes it, and
    deletes the row only after the index has committed: a crash replays the row, and replaying is harmless."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    object_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "search_outbox"


class SearchLease(Model):
    """Who runs the indexer: one process at a time, even with several workers or machines."""

    name = fields.CharField(max_length=32, primary_key=True)
    holder = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "search_lease"
