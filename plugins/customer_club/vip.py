"""The VIP circle: members whose points reach the club's VIP level are let in by a job and told; one who falls below
it stays for the grace period, then is let out and told; one who leaves the club loses VIP access at once. The
circle's owners and moderators are never let out."""

from __future__ import annotations

from datetime import timedelta

from core.plugins import (
    Audience,
    Circle,
    JobContext,
    JobKind,
    Message,
    NotificationKind,
    User,
    admit,
    circle_access,
    dismiss,
    enqueue_job,
    notify_about,
    now,
)
from plugins.customer_club.models import Club, Standing
from plugins.customer_club.points import VIP, standing, vip_threshold

IN, OUT = "customer_club.vip_in", "customer_club.vip_out"  # notification kinds
STANDING = Audience("customer_club.standing", "club_standings", user=("user_id",))  # a member's own standing
NOTIFICATIONS = [
    NotificationKind(IN, Message("Welcome to the VIP circle “%(title)s”: your level opened it"), email=True,
                     label=Message("The club's VIP circle opened to you")),
    NotificationKind(OUT, Message("Your level has been below the VIP level for a while: you left “%(title)s”"),
                     email=True, label=Message("The club's VIP circle closed to you")),
]  # fmt: skip


async def reconcile(club: Club, user: User) -> None:
    """Let ``user`` into the VIP circle, or out of it once the grace period is over (the job comes back then)."""
    vip = await Circle.get(id=club.vip_circle_id)
    home = await Circle.get(id=club.circle_id)
    row = await standing(club, user)
    threshold = await vip_threshold(club)
    in_club = (await circle_access(user, home)).is_member
    if threshold is not None and in_club and row.points >= threshold:
        await Standing.filter(id=row.id).update(below_since=None)
        if await admit(vip, user):
            await notify_about(IN, [user], None, STANDING, row, vip.name, f"/c/{vip.slug}")
        return
    access = await circle_access(user, vip)
    if not access.is_member or access.is_circle_staff:
        await Standing.filter(id=row.id).update(below_since=None)
        return
    since = row.below_since or now()
    if row.below_since is None:
        await Standing.filter(id=row.id).update(below_since=since)
    leave_at = since + timedelta(days=club.grace_days)
    if in_club and leave_at > now():
        await enqueue_job(VIP, {"club": club.id, "user": user.id}, at=leave_at, key=f"{VIP}:{club.id}:{user.id}")
        return
    if await dismiss(vip, user):
        await Standing.filter(id=row.id).update(below_since=None)
        await notify_about(OUT, [user], None, STANDING, row, vip.name, f"/c/{home.slug}")


async def run(context: JobContext) -> None:
    """One member (``user``), or everyone with points or in the VIP circle (the levels changed)."""
    club = await Club.get_or_none(id=context.payload["club"])
    if club is None:
        return
    if "user" in context.payload:
        user = await User.get_or_none(id=context.payload["user"])
        if user is not None:
            await reconcile(club, user)
        return
    for user_id in await Standing.filter(club_id=club.id).values_list("user_id", flat=True):
        await enqueue_job(VIP, {"club": club.id, "user": user_id}, key=f"{VIP}:{club.id}:{user_id}")


async def left_club(circle: Circle, user: User) -> None:
    """``user`` left a circle: if it is a club's home, they lose VIP access at once (``member_left``)."""
    club = await Club.get_or_none(circle_id=circle.id)
    if club is not None and await dismiss(await Circle.get(id=club.vip_circle_id), user):
        await Standing.filter(club_id=club.id, user_id=user.id).update(below_since=None)


JOBS = [JobKind(VIP, run)]
