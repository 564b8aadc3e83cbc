"""Points: the ledger, the rules it is credited by, and the levels they reach. Every plugin's acts arrive through
``member_acted``; each is credited at most once (its key is unique per member), at most ``daily_cap`` a day (every
act has a cap: a rule without one takes its act's own), under the rules in force. A change of rules is a new version: what was earned stays. A member's credits queue on their
standing's row, so that parallel duplicates and caps hold on both databases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.plugins import (
    Message,
    Post,
    User,
    ValidationError,
    circle_access,
    enqueue_job,
    fetch_row,
    load_model,
    load_models,
    now,
    site_timezone,
    transaction,
)
from plugins.customer_club.models import Badge, Club, Entry, Level, Rule, Standing

FIRST_POST = "first_post"
CORRECTION = "correction"
# The acts points are given for, what the rules page calls them, and the first version's points and daily cap (also
# the cap of a rule that names none: no act earns without limit, so that no one farms their way into the VIP circle)
ACTS: dict[str, tuple[Message, int, int]] = {
    FIRST_POST: (Message("Your first post in the club"), 10, 1),
    "thread": (Message("A new thread"), 5, 3),
    "post": (Message("A reply (not in your own thread)"), 2, 10),
    "post.helpful": (Message("A reply of yours marked helpful"), 5, 3),
    "post.liked": (Message("A like on your post"), 1, 10),
    "thread.featured": (Message("A thread of yours featured"), 10, 2),
    "idea.voted": (Message("A vote for your idea"), 1, 20),
    "event.checkin": (Message("Checked in at a meet-up"), 10, 2),
    "survey.response": (Message("A survey answered"), 3, 5),
    "shop.trial_report": (Message("A trial report accepted"), 10, 2),
    "complaint.good_rating": (Message("A complaint resolved and rated well"), 5, 2),
    "shop.paid": (Message("A paid order"), 5, 3),
}
# Badges come with a member's first act of a kind (the plugins that announce those acts grant them)
BADGES: dict[str, tuple[str, Message]] = {
    FIRST_POST: ("voice", Message("First words")),
    "event.checkin": ("met_up", Message("Met up")),
    "shop.trial_report": ("tester", Message("Product tester")),
    "idea.planned": ("idea_maker", Message("Idea maker")),
}
BADGE_LABELS = dict(BADGES.values())
POINTS_MAX, CAP_MAX, LEVELS_MAX, REASON_MAX = 10_000, 1_000, 10, 300
VIP = "customer_club.vip"  # the job that lets a member into the VIP circle, or out of it


OF_CIRCLE = "circle_id = ? OR ideas_circle_id = ? OR vip_circle_id = ?"  # a club's circles (the circle, thrice)
# the id of the club that a circle (the statement's three parameters) is one of the circles of
CLUB_OF_CIRCLE = f"SELECT id FROM club_clubs WHERE {OF_CIRCLE} ORDER BY id LIMIT 1"


async def club_id_of_circle(circle_id: int) -> int | None:
    """The id of the club that ``circle_id`` is one of the circles of, or None: what a page of any circle asks (is it
    a club's?), a remembered plain read."""
    row = await fetch_row(CLUB_OF_CIRCLE, *[circle_id] * 3)
    return int(row["id"]) if row else None


async def club_of_circle(circle_id: int) -> Club | None:
    """The club that ``circle_id`` is one of the circles of (its home, its ideas, its VIP circle): a remembered plain
    read, as every page of a club's circles asks (the levels beside names, the sidebar's link)."""
    return await load_model(Club, OF_CIRCLE, *[circle_id] * 3, order="id")


async def standing(club: Club, user: User) -> Standing:
    found = await Standing.get_or_none(club_id=club.id, user_id=user.id)
    while found is None:
        try:
            async with transaction():  # a savepoint: another request may make it first
                found = await Standing.create(club=club, user=user)
        except IntegrityError:
            found = await Standing.get_or_none(club_id=club.id, user_id=user.id)
    return found


async def levels_of(club: Club | int) -> list[Level]:
    """The club's levels (``club``: it, or its id), the lowest first."""
    return await load_models(Level, "club_id = ?", club if isinstance(club, int) else club.id, order="position")


def level_for(levels: Sequence[Level], points: int) -> Level | None:
    reached = [level for level in levels if level.threshold <= points]
    return reached[-1] if reached else None


async def vip_threshold(club: Club) -> int | None:
    """The points that open the club's VIP circle (None: its VIP level no longer exists)."""
    level = await Level.get_or_none(club_id=club.id, position=club.vip_level)
    return level.threshold if level else None


async def _points_changed(club: Club, user: User, before: int, after: int) -> None:
    """A member crossing the VIP level either way: the VIP job looks at them (after the caller commits)."""
    threshold = await vip_threshold(club)
    if threshold is not None and (before < threshold) != (after < threshold):
        await enqueue_job(VIP, {"club": club.id, "user": user.id}, key=f"{VIP}:{club.id}:{user.id}")


async def credit(club: Club, user: User, act: str, key: str) -> Entry | None:
    """Credit ``user`` for ``act`` under the rules in force, once per ``key`` and within the day's cap; the entry,
    or None when nothing was credited (no points for it, counted already, or the day's cap reached)."""
    rule = await Rule.get_or_none(club_id=club.id, version=club.rules_version, act=act)
    if rule is None or rule.points == 0:
        return None
    row = await standing(club, user)
    day = now().astimezone(site_timezone(club.timezone)).date()
    try:
        async with transaction():
            locked = await Standing.select_for_update().get(id=row.id)  # this member's credits, one at a time
            if await Entry.exists(club_id=club.id, user_id=user.id, key=key):
                return None
            cap = rule.daily_cap if rule.daily_cap is not None else ACTS[act][2] if act in ACTS else 1
            if cap <= await Entry.filter(club_id=club.id, user_id=user.id, act=act, day=day).count():
                return None
            entry = await Entry.create(
                club=club, user=user, points=rule.points, act=act, key=key, version=rule.version, day=day
            )
            await Standing.filter(id=row.id).update(points=F("points") + rule.points)
            await _points_changed(club, user, locked.points, locked.points + rule.points)
    except IntegrityError:
        return None  # the same act, credited by a parallel request
    return entry


async def grant_badge(club: Club, user: User, act: str) -> bool:
    """The badge that comes with a member's first ``act`` of its kind, if there is one; whether it is new."""
    if act not in BADGES:
        return False
    try:
        async with transaction():
            await Badge.create(club=club, user=user, name=BADGES[act][0])
    except IntegrityError:
        return False
    return True


async def on_act(circle_id: int, user: User, act: str, ref: int) -> None:
    """A member took part in one of the club's circles: points (and a badge) for it. Replies in one's own thread
    earn nothing; non-members of the club earn nothing."""
    club = await club_of_circle(circle_id)
    if club is None or not (await circle_access(user, await club.circle)).is_member:
        return
    if act == "post":
        post = await Post.get_or_none(id=ref).select_related("thread")
        if post is None or post.thread.author_id == user.id:
            return
    if act in ("thread", "post"):
        if await credit(club, user, FIRST_POST, FIRST_POST):
            await grant_badge(club, user, FIRST_POST)
    await credit(club, user, act, f"{act}:{ref}")
    await grant_badge(club, user, act)


async def on_received(circle_id: int, author_id: int, act: str, key: str) -> None:
    """Something of a member's was liked or featured in one of the club's circles: points for its author, if they
    are a member of the club."""
    club = await club_of_circle(circle_id)
    if club is None:
        return
    author = await User.get_or_none(id=author_id)
    if author is not None and (await circle_access(author, await club.circle)).is_member:
        await credit(club, author, act, key)


# Corrections, rules and levels (the club's managers) ----------------------------------------------------------


async def correct(club: Club, member: User, points: int, reason: str, by: User) -> Entry:
    """A manager's correction, with its reason (kept in the member's ledger, with who made it)."""
    reason = reason.strip()
    if isinstance(points, bool) or not isinstance(points, int) or points == 0 or abs(points) > POINTS_MAX:
        raise ValidationError(
            {"points": Message("Give a number of points other than 0, at most %(n)s either way.", n=POINTS_MAX)}
        )
    if not 1 <= len(reason) <= REASON_MAX:
        raise ValidationError({"reason": Message("Say why (at most %(n)s characters).", n=REASON_MAX)})
    row = await standing(club, member)
    day = now().astimezone(site_timezone(club.timezone)).date()
    async with transaction():
        locked = await Standing.select_for_update().get(id=row.id)
        entry = await Entry.create(
            club=club,
            user=member,
            points=points,
            act=CORRECTION,
            reason=reason,
            by=by,
            key=f"{CORRECTION}:{now().timestamp()}:{by.id}",
            day=day,
        )
        await Standing.filter(id=row.id).update(points=F("points") + points)
        await _points_changed(club, member, locked.points, locked.points + points)
    return entry


@dataclass(frozen=True)
class RuleDraft:
    act: str
    points: int
    daily_cap: int | None = None


async def set_rules(club: Club, drafts: Sequence[RuleDraft]) -> int:
    """The club's new rules, as a new version (what was earned under the old ones stays); the version."""
    seen: set[str] = set()
    for index, draft in enumerate(drafts):
        if draft.act not in ACTS or draft.act in seen:
            raise ValidationError({f"rules.{index}.act": Message("One of: ") + ", ".join(ACTS) + "."})
        seen.add(draft.act)
        if isinstance(draft.points, bool) or not 0 <= draft.points <= POINTS_MAX:
            raise ValidationError({f"rules.{index}.points": Message("0 to %(n)s points.", n=POINTS_MAX)})
        if draft.daily_cap is not None and (isinstance(draft.daily_cap, bool) or not 1 <= draft.daily_cap <= CAP_MAX):
            raise ValidationError(
                {f"rules.{index}.daily_cap": Message("1 to %(n)s a day, or none for the usual cap.", n=CAP_MAX)}
            )
    async with transaction():
        version = (await Club.select_for_update().get(id=club.id)).rules_version + 1
        await Rule.bulk_create(
            [
                Rule(club=club, version=version, act=draft.act, points=draft.points, daily_cap=draft.daily_cap)
                for draft in drafts
            ]
        )
        await Club.filter(id=club.id).update(rules_version=version)
    club.rules_version = version
    return version


async def rules_of(club: Club) -> list[Rule]:
    return await load_models(Rule, "club_id = ? AND version = ?", club.id, club.rules_version, order="id")


@dataclass(frozen=True)
class LevelDraft:
    name: str
    start: int  # the points it starts at
    end: int | None  # the last points it covers (None: no end, the top level)


def check_levels(drafts: Sequence[LevelDraft]) -> list[LevelDraft]:
    """Levels that cover every number of points from 0 up once: no gap, no overlap, the last without an end."""
    if not 1 <= len(drafts) <= LEVELS_MAX:
        raise ValidationError({"levels": Message("Give 1 to %(n)s levels.", n=LEVELS_MAX)})
    cleaned = []
    expected = 0
    for index, draft in enumerate(drafts):
        name = draft.name.strip()
        if not 1 <= len(name) <= 40:
            raise ValidationError({f"levels.{index}.name": Message("A name has 1 to %(n)s characters.", n=40)})
        if draft.start != expected:
            raise ValidationError(
                {
                    f"levels.{index}.from": Message(
                        "Levels must follow one another without gaps or overlaps: this one should start at %(n)s.",
                        n=expected,
                    )
                }
            )
        last = index == len(drafts) - 1
        if (draft.end is None) != last or (draft.end is not None and draft.end < draft.start):
            raise ValidationError(
                {f"levels.{index}.to": Message("Each level ends where the next starts, and only the last has no end.")}
            )
        cleaned.append(LevelDraft(name, draft.start, draft.end))
        expected = (draft.end or 0) + 1
    return cleaned


async def set_levels(club: Club, drafts: Sequence[LevelDraft], vip_level: int, grace_days: int) -> list[Level]:
    levels = check_levels(drafts)
    if isinstance(vip_level, bool) or not 1 <= vip_level <= len(levels):
        raise ValidationError({"vip_level": Message("Choose one of the levels (1 to %(n)s).", n=len(levels))})
    if isinstance(grace_days, bool) or not 0 <= grace_days <= 365:
        raise ValidationError({"grace_days": Message("0 to %(n)s days.", n=365)})
    async with transaction():
        await Level.filter(club_id=club.id).delete()
        await Level.bulk_create(
            [
                Level(club=club, position=position, name=level.name, threshold=level.start)
                for position, level in enumerate(levels, start=1)
            ]
        )
        await Club.filter(id=club.id).update(vip_level=vip_level, grace_days=grace_days)
        club.vip_level, club.grace_days = vip_level, grace_days
        await enqueue_job(VIP, {"club": club.id}, key=f"{VIP}:{club.id}")  # everyone looked at again
    return await levels_of(club)


@dataclass(frozen=True)
class StandingView:
    points: int
    level: Level | None
    next_level: Level | None
    badges: list[str]  # names (BADGE_LABELS)


def next_level(levels: Sequence[Level], points: int) -> Level | None:
    """The first level above ``points``."""
    return next((level for level in levels if level.threshold > points), None)


async def standing_view(club: Club, user: User) -> StandingView:
    row = await load_model(Standing, "club_id = ? AND user_id = ?", club.id, user.id)
    points = row.points if row else 0
    levels = await levels_of(club)
    badges = await load_models(Badge, "club_id = ? AND user_id = ?", club.id, user.id, order="granted_at")
    return StandingView(points, level_for(levels, points), next_level(levels, points), [badge.name for badge in badges])


async def corrections(club: Club, limit: int = 100) -> list[Entry]:
    """The managers' corrections, newest first: whose points, how many, why, and who made them."""
    return list(
        await Entry.filter(club_id=club.id, act=CORRECTION).select_related("user", "by").order_by("-id").limit(limit)
    )


async def ledger(club: Club, user: User, limit: int = 100) -> list[Entry]:
    return await load_models(Entry, "club_id = ? AND user_id = ?", club.id, user.id, order="id DESC", limit=limit)
