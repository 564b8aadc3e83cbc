"""The plugin host of this process, which services tell about their writes (``emit``) and ask for permission
(``core.access.actions.allowed``). One application per process; tests start one after another."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from core import remembered

if TYPE_CHECKING:
    from core.circles.models import Circle
    from core.contract.kinds import Offer
    from core.pluginhost.host import PluginHost

_active: PluginHost | None = None
_on_behalf: ContextVar[bool] = ContextVar("quanzi_on_behalf", default=False)


def activate(host: PluginHost) -> None:
    """Make ``host`` the one that services emit events to."""
    global _active
    _active = host


def active() -> PluginHost | None:
    return _active


async def emit(hook: str, **kwargs: Any) -> None:
    """Tell the plugins about a write that has committed."""
    if _active is not None:
        await _active.call(hook, **kwargs)


@contextmanager
def on_behalf() -> Iterator[None]:
    """What is written inside is an owner's deliberate act through a template (``apply_scenario``, the welcome
    kit), not a member taking part: no newcomer limits or review, and no ``member_acted`` (no club points)."""
    token = _on_behalf.set(True)
    try:
        yield
    finally:
        _on_behalf.reset(token)


def writing_on_behalf() -> bool:
    return _on_behalf.get()


async def announce_act(circle_id: int, user: Any, act: str, ref: int) -> None:
    """Tell the plugins that ``user`` took part in the circle ``circle_id`` (``member_acted``), once it has
    committed: a registration, an order, anything a member does there that other plugins may count. Nothing is
    announced of what a template writes (``on_behalf``)."""
    if not _on_behalf.get():
        await emit("member_acted", circle_id=circle_id, user=user, act=act, ref=ref)


async def offers_of(circle: Circle) -> list[Offer]:
    """What the plugins say ``circle`` offers (``circle_offers``): its events, products, group buys, surveys.
    Asked by every page that features them, and the same for every reader: remembered until the database changes
    (core/remembered.py), and for a minute at most (an offer closes when its time comes, with nothing written)."""
    host = _active
    if host is None:
        return []

    async def ask() -> tuple[Offer, ...]:
        return tuple(offer for _, offers in await host.call("circle_offers", circle=circle) for offer in offers)

    return list(await remembered.recall("offers", (id(host), circle.id, int(time.time() // 60)), ask))
