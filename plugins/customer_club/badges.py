"""Where members' standing shows: their level and badges beside their names on a club's threads (one query for a
page of posts), on their profile (the clubs the viewer may see), and a club's links beside its circles."""

from __future__ import annotations

from typing import Any

from core.plugins import Circle, PerPost, SlotContent, Thread, User, fetch_rows, placeholders, scope_of
from plugins.customer_club.models import Club, Standing
from plugins.customer_club.points import BADGE_LABELS, level_for, shown, standing_view


async def beside_names(thread: Thread, posts: list[Any]) -> PerPost | None:
    """A page of a club's thread: each author's level (and how many badges) beside their name."""
    club = await shown.club(thread.circle_id)
    if club is None:
        return None
    authors = sorted({post.author_id for post in posts})
    rows = await fetch_rows(  # every page of a club's threads asks: one plain statement (core/sql.py)
        "SELECT s.user_id, s.points, b.name FROM club_standings s LEFT JOIN club_badges b ON b.club_id = s.club_id "
        f"AND b.user_id = s.user_id WHERE s.club_id = ? AND s.user_id IN ({placeholders(len(authors))}) "
        "ORDER BY b.granted_at",
        club.id,
        *authors,
    )
    levels = shown.levels.get(club.id, [])
    reached = {row["user_id"]: level.name for row in rows if (level := level_for(levels, row["points"])) is not None}
    badges: dict[int, list[str]] = {}
    for row in rows:
        if row["name"] is not None:
            badges.setdefault(row["user_id"], []).append(row["name"])
    if not reached:
        return None
    return PerPost(
        {
            post.id: SlotContent(
                "customer_club/slots/author.html",
                {
                    "club_id": club.id,
                    "level": reached[post.author_id],
                    "badges": tuple(BADGE_LABELS.get(name, name) for name in badges.get(post.author_id, [])),
                },
                shared=True,  # the same beside each of the author's posts, for every reader
            )
            for post in posts
            if post.author_id in reached
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
