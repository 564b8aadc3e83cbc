"""Views counted without a write per view: each process keeps its count for a while and adds it to the database in
one update (every ``BATCH`` views, at most ``EVERY`` seconds later, and when the server stops). A view is the page's
picture being fetched by a browser (``/f/ID/v.gif``), so cached pages count too and link-preview robots, which
fetch no pictures, do not."""

from __future__ import annotations

import time
from collections import Counter

from tortoise.expressions import F

from plugins.flyer_campaign.models import Campaign

BATCH = 50
EVERY = 10.0  # seconds
_pending: Counter[int] = Counter()
_flushed_at = time.monotonic()


async def count(campaign_id: int) -> None:
    _pending[campaign_id] += 1
    if sum(_pending.values()) >= BATCH or time.monotonic() - _flushed_at >= EVERY:
        await flush()


async def flush() -> None:
    """Add the views this process has counted to the database."""
    global _flushed_at
    _flushed_at = time.monotonic()
    waiting = dict(_pending)
    _pending.clear()
    for campaign_id, views in waiting.items():
        await Campaign.filter(id=campaign_id).update(views=F("views") + views)


def pending(campaign_id: int) -> int:
    return _pending[campaign_id]
