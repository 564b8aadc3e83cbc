"""Clubs: made by the template, found by id or by one of their circles; managed by the owners and moderators of
their home circle; seen by whoever sees that circle."""

from __future__ import annotations

from core.plugins import (
    Circle,
    CircleAccess,
    JoinPolicy,
    Message,
    NotFound,
    User,
    Visibility,
    circle_access,
    create_circle,
    load_model,
    load_models,
)
from plugins.customer_club.models import Club, Level, Rule
from plugins.customer_club.points import ACTS
from plugins.customer_club.texts import Texts

VIP_LEVEL = 3  # the first version's levels: the third (gold) opens the VIP circle


async def create_club(owner: User, circle: Circle, text: Texts, zone: str) -> Club:
    """The club around ``circle``: its ideas circle (public, open) and its VIP circle (private, by level), the
    first version of the points rules and the levels."""
    ideas = await create_circle(
        owner,
        {
            "slug": f"{circle.slug[:56]}-ideas",
            "name": text.ideas_name.format(circle=circle.name)[:100],
            "description": text.ideas_description,
        },
    )
    vip = await create_circle(
        owner,
        {
            "slug": f"{circle.slug[:58]}-vip",
            "name": text.vip_name.format(circle=circle.name)[:100],
            "description": text.vip_description,
            "visibility": Visibility.PRIVATE,
            "join_policy": JoinPolicy.INVITE,
        },
    )
    club = await Club.create(circle=circle, ideas_circle=ideas, vip_circle=vip, vip_level=VIP_LEVEL, timezone=zone)
    await Rule.bulk_create(
        [Rule(club=club, version=1, act=act, points=points, daily_cap=cap) for act, (_, points, cap) in ACTS.items()]
    )
    await Level.bulk_create(
        [
            Level(club=club, position=position, name=name, threshold=threshold)
            for position, (name, threshold) in enumerate(text.levels, start=1)
        ]
    )
    return club


async def get_club(viewer: User | None, club_id: int) -> tuple[Club, CircleAccess]:
    """The club, for whoever sees its home circle (404 to the rest)."""
    club = await load_model(Club, "id = ?", club_id)
    circle = await load_model(Circle, "id = ?", club.circle_id) if club is not None else None
    if club is None or circle is None:
        raise NotFound(Message("No such club."))
    access = await circle_access(viewer, circle)
    if not access.can_view:
        raise NotFound(Message("No such club."))
    return club, access


async def circles_of(club: Club) -> tuple[Circle, Circle]:
    """The club's VIP circle and its ideas circle."""
    found = {
        circle.id: circle
        for circle in await load_models(Circle, "id IN (?, ?)", club.vip_circle_id, club.ideas_circle_id)
    }
    return found[club.vip_circle_id], found[club.ideas_circle_id]


async def managed(viewer: User | None, club_id: int) -> tuple[Club, CircleAccess]:
    """The club, for the owners and moderators of its home circle (404 to the rest)."""
    club, access = await get_club(viewer, club_id)
    if not access.is_circle_staff:
        raise NotFound(Message("No such club."))
    return club, access
