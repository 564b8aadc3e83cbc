"""Where members' standing shows: their level and badges beside their names on a club's threads (one query for a
page of posts), on their profile (the clubs the viewer may see), and a club's links beside its circles."""

from __future__ import annotations

from typing import Any

from core.plugins import Circle, PerPost, SlotContent, Thread, User, scope_of
from plugins.customer_club.models import Badge, Club, Standing
from plugins.customer_club.points import BADGE_LABELS, level_for, shown, standing_view


async def beside_names(thread: Thread, posts: list[Any]) -> PerPost | None:
    """A page of a club's thread: each author's level (and how many badges) beside their name."""
    club = await shown.club(thread.circle_id)
    if club is None:
        return None
    authors = {post.author_id for post in posts}
    points = dict(await Standing.filter(club_id=club.id, user_id__in=list(authors)).values_list("user_id", "points"))
    if not points:
        return None
    levels = shown.levels.get(club.id, [])
    reached = {user_id: level_for(levels, total) for user_id, total in points.items()}
    badges: dict[int, list[str]] = {}
    for user_id, name in (
        await Badge.filter(club_id=club.id, user_id__in=list(points))
        .order_by("granted_at")
        .values_list("user_id", "name")
    ):
        badges.setdefault(user_id, []).append(name)
    return PerPost(
        {
            post.id: SlotContent(
                "customer_club/slots/author.html",
                {
                    "level": reached[post.author_id],
                    "club": club,
                    "badges": badges.get(post.author_id, []),
                    "badge_labels": BADGE_LABELS,
                },
            )
            for post in posts
            if reached.get(post.author_id) is not None
        }
    )


async def on_profile(viewer: User | None, profile: User) -> SlotContent | None:
    """The member's standing in each club whose circle the viewer sees."""
    scope = await scope_of(viewer)
    clubs = [
        club
        for club in await Club.filter(
            id__in=list(await Standing.filter(user_id=profile.id).values_list("club_id", flat=True))
        ).select_related("circle")
        if scope.sees_circle(club.circle)
    ]
    if not clubs:
        return None
    standings = [(club, await standing_view(club, profile)) for club in clubs]
    return SlotContent("customer_club/slots/profile.html", {"standings": standings, "badge_labels": BADGE_LABELS})


async def club_link(circle: Circle) -> SlotContent | None:
    club = await shown.club(circle.id)
    return SlotContent("customer_club/slots/circle_sidebar.html", {"club_id": club.id}, shared=True) if club else None
