"""Segments: the club's members grouped by how much they took part over the last 30 or 90 days (the acts in the
ledger, corrections left out): core, active, occasional, silent. The owner sees counts and lists, and sends a
notice to one segment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.functions import Count

from core.plugins import Circle, Message, User, ValidationError, circle_members, circle_staff, now, send_notice
from plugins.customer_club.models import Club, Entry
from plugins.customer_club.points import CORRECTION

WINDOWS = (30, 90)
# A segment and the fewest acts in the window that put a member in it (the first that fits)
SEGMENTS: tuple[tuple[str, int, Message], ...] = (
    ("core", 10, Message("Core (10 acts or more)")),
    ("active", 3, Message("Active (3 to 9 acts)")),
    ("occasional", 1, Message("Occasional (1 or 2 acts)")),
    ("silent", 0, Message("Silent (none)")),
)
NAMES = tuple(name for name, _, _ in SEGMENTS)


@dataclass(frozen=True)
class Member:
    user: User
    acts: int


def _segment(acts: int) -> str:
    return next(name for name, least, _ in SEGMENTS if acts >= least)


async def segments(club: Club, days: int) -> dict[str, list[Member]]:
    """Every member of the club's circle in their segment, the most active first; its owners and moderators run
    the club and are in none."""
    if days not in WINDOWS:
        raise ValidationError({"days": Message("30 or 90.")})
    circle = await Circle.get(id=club.circle_id)
    staff = {user.id for user in await circle_staff(circle)}
    members = [user for user in await circle_members(circle) if user.id not in staff]
    counts = dict(
        await Entry.filter(club_id=club.id, created_at__gte=now() - timedelta(days=days))
        .exclude(act=CORRECTION)
        .group_by("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    grouped: dict[str, list[Member]] = {name: [] for name in NAMES}
    for user in members:
        acts = counts.get(user.id, 0)
        grouped[_segment(acts)].append(Member(user, acts))
    for rows in grouped.values():
        rows.sort(key=lambda row: -row.acts)
    return grouped


async def notice_to(sender: User, club: Club, segment: str, days: int, title: str, body: str) -> int:
    """A notice (with read receipts) from the club's staff to one segment; how many it went to."""
    if segment not in NAMES:
        raise ValidationError({"segment": Message("One of: ") + ", ".join(NAMES) + "."})
    recipients = [row.user for row in (await segments(club, days))[segment]]
    if not recipients:
        raise ValidationError({"segment": Message("Nobody is in this segment.")})
    circle = await Circle.get(id=club.circle_id)
    _, sent = await send_notice(sender, circle.slug, title, body, recipients, f"{segment} ({days} days)")
    return sent
