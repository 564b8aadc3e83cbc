"""Where members' standing shows: their level and badges beside their names on a club's threads (one query for a
page of posts), on their profile (the clubs the viewer may see), and a club's links beside its circles."""

from __future__ import annotations

from typing import Any

from core.plugins import Circle, PerPost, SlotContent, Thread, User, fetch_rows, placeholders, scope_of
from plugins.customer_club.points import (
    BADGE_LABELS,
    CLUB_OF_CIRCLE,
    StandingView,
    club_id_of_circle,
    level_for,
    levels_of,
    next_level,
)


async def beside_names(thread: Thread, posts: list[Any]) -> PerPost | None:
    """A page of a club's thread: each author's level (and how many badges) beside their name. Every page of a
    club's threads asks: one plain statement (core/sql.py), one content per author."""
    authors = sorted({post.author_id for post in posts})
    if not authors:
        return None
    rows = await fetch_rows(
        "SELECT s.club_id, s.user_id, b.name AS badge, (SELECT l.name FROM club_levels l WHERE l.club_id = s.club_id "
        "AND l.threshold <= s.points ORDER BY l.position DESC LIMIT 1) AS level FROM club_standings s "
        "LEFT JOIN club_badges b ON b.club_id = s.club_id AND b.user_id = s.user_id "
        f"WHERE s.club_id = ({CLUB_OF_CIRCLE}) AND s.user_id IN ({placeholders(len(authors))}) ORDER BY b.granted_at",
        *[thread.circle_id] * 3,
        *authors,
    )
    reached = {row["user_id"]: (row["club_id"], row["level"]) for row in rows if row["level"] is not None}
    badges: dict[int, list[Any]] = {}  # the badges' labels (Messages: shown in the reader's language)
    for row in rows:
        if row["badge"] is not None:
            badges.setdefault(row["user_id"], []).append(BADGE_LABELS.get(row["badge"], row["badge"]))
    shown = {  # the same beside each of the author's posts, for every reader
        author: SlotContent(
            "customer_club/slots/author.html",
            {"club_id": club_id, "level": level, "badges": tuple(badges.get(author, ()))},
            shared=True,
        )
        for author, (club_id, level) in reached.items()
    }
    return PerPost({post.id: shown[post.author_id] for post in posts if post.author_id in shown}) if shown else None


async def on_profile(viewer: User | None, profile: User) -> SlotContent | None:
    """The member's standing in each club whose circle the viewer sees (every profile asks: one plain statement)."""
    visible, params = (await scope_of(viewer)).circles_sql("c")
    rows = await fetch_rows(
        "SELECT s.club_id, s.points, c.id AS circle_id, c.name, b.name AS badge FROM club_standings s "
        "JOIN club_clubs k ON k.id = s.club_id JOIN circles c ON c.id = k.circle_id "
        "LEFT JOIN club_badges b ON b.club_id = s.club_id AND b.user_id = s.user_id "
        f"WHERE s.user_id = ? AND {visible} ORDER BY s.club_id, b.granted_at",
        profile.id,
        *params,
    )
    if not rows:
        return None
    standings: dict[int, tuple[str, StandingView]] = {}
    for row in rows:
        if row["club_id"] not in standings:
            levels = await levels_of(row["club_id"])
            view = StandingView(row["points"], level_for(levels, row["points"]), next_level(levels, row["points"]), [])
            standings[row["club_id"]] = (row["name"], view)
        if row["badge"] is not None:
            standings[row["club_id"]][1].badges.append(row["badge"])
    context = {"standings": list(standings.items()), "badge_labels": BADGE_LABELS}
    return SlotContent("customer_club/slots/profile.html", context)


async def club_link(circle: Circle) -> SlotContent | None:
    club_id = await club_id_of_circle(circle.id)
    return (
        SlotContent("customer_club/slots/circle_sidebar.html", {"club_id": club_id}, shared=True) if club_id else None
    )
