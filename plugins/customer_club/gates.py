"""Levels that open the shop's offers: a product, a group buy or a trial of the club's circle may be kept for members
of a level and above. The shop asks (``check_permission`` on its actions ``shop.order``, ``shop.group_buy.join``,
``shop.trial.apply``); the club answers from the member's standing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.plugins import Circle, Message, Offer, User, ValidationError, offers_of
from plugins.customer_club.models import Club, Gate, Standing
from plugins.customer_club.points import club_of_circle, level_for, levels_of

KINDS = {"shop.order": "product", "shop.group_buy.join": "group_buy", "shop.trial.apply": "trial"}
LABELS = {"product": Message("Product"), "group_buy": Message("Group buy"), "trial": Message("Trial")}


@dataclass(frozen=True)
class GateView:
    """A gate as its managers read it: what it keeps (its title while the circle still offers it) and for whom."""

    gate: Gate
    label: Message
    title: str  # "" once it is no longer offered (a product off sale, a trial closed)
    url: str

    @property
    def key(self) -> str:
        return f"{self.gate.kind}:{self.gate.ref}"


async def offerable(circle: Circle) -> list[Offer]:
    """What a gate may keep: the circle's products on sale, open group buys and trials (``offers_of``)."""
    return [offer for offer in await offers_of(circle) if offer.key.partition(":")[0] in KINDS.values()]


async def set_gate(club: Club, kind: str, ref: int, min_level: int | None) -> None:
    """Keep ``kind`` ``ref`` (one the club's circle offers, or already kept) for ``min_level`` and above; None or 1
    opens it to all."""
    if kind not in KINDS.values():
        raise ValidationError({"kind": Message("One of: ") + ", ".join(KINDS.values()) + "."})
    offered = {offer.key for offer in await offerable(await Circle.get(id=club.circle_id))}
    if f"{kind}:{ref}" not in offered and not await Gate.exists(club_id=club.id, kind=kind, ref=ref):
        raise ValidationError({"offer": Message("Choose one of the club's products, group buys or trials.")})
    levels = await levels_of(club)
    if min_level is not None and not 1 <= min_level <= len(levels):
        raise ValidationError({"min_level": Message("Choose one of the levels (1 to %(n)s).", n=len(levels))})
    if min_level is None or min_level == 1:
        await Gate.filter(club_id=club.id, kind=kind, ref=ref).delete()
        return
    updated = await Gate.filter(club_id=club.id, kind=kind, ref=ref).update(min_level=min_level)
    if not updated:
        await Gate.create(club=club, kind=kind, ref=ref, min_level=min_level)


async def gates_of(club: Club) -> list[Gate]:
    return list(await Gate.filter(club_id=club.id).order_by("kind", "ref"))


async def gate_views(club: Club, offers: list[Offer]) -> list[GateView]:
    """The club's gates, each named by the offer it keeps (``offers``: ``offerable``'s answer)."""
    by_key = {offer.key: offer for offer in offers}
    views = []
    for gate in await gates_of(club):
        offer = by_key.get(f"{gate.kind}:{gate.ref}")
        views.append(GateView(gate, LABELS[gate.kind], offer.title if offer else "", offer.url if offer else ""))
    return views


async def allows(action: str, user: User | None, target: Any) -> bool | None:
    """False when ``target`` is kept for a level ``user`` has not reached; None (no opinion) otherwise."""
    kind = KINDS.get(action)
    if kind is None or user is None:
        return None
    club = await club_of_circle(target.circle_id)
    gate = await Gate.get_or_none(club_id=club.id, kind=kind, ref=target.id) if club else None
    if club is None or gate is None:
        return None
    row = await Standing.get_or_none(club_id=club.id, user_id=user.id)
    level = level_for(await levels_of(club), row.points if row else 0)
    return None if level is not None and level.position >= gate.min_level else False
