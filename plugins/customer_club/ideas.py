"""The ideas board: members post ideas (threads of the club's ideas circle) and vote them up — one vote each, not
for their own; the team moves them through public statuses and the voters are told; a duplicate forwards its votes
to the idea it repeats. A vote is a UNIQUE row and the count moves in the same transaction, so parallel taps count
once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.plugins import (
    Conflict,
    Forbidden,
    Message,
    NotFound,
    Thread,
    ThreadAccess,
    User,
    ValidationError,
    attached_content,
    circle_access,
    create_thread,
    notify,
    require_actor,
    transaction,
)
from plugins.complaints.for_plugins import clean_number
from plugins.customer_club.models import Club, Idea, IdeaStatus, IdeaVote
from plugins.customer_club.points import credit, grant_badge

KIND = "idea"
STATUS_CHANGED = "customer_club.idea_status"  # notification kind
CLOSED = (IdeaStatus.DONE, IdeaStatus.DECLINED, IdeaStatus.DUPLICATE)  # no more votes
STATUS_LABELS = {
    IdeaStatus.NEW: Message("New"),
    IdeaStatus.UNDER_REVIEW: Message("Under review"),
    IdeaStatus.PLANNED: Message("Planned"),
    IdeaStatus.DONE: Message("Done"),
    IdeaStatus.DECLINED: Message("Declined"),
    IdeaStatus.DUPLICATE: Message("Duplicate"),
}
COMPLAINTS_MAX = 10


@dataclass
class IdeaView:
    idea: Idea
    where: ThreadAccess
    voted: bool  # the viewer's vote
    duplicate_of: Idea | None = None

    @property
    def may_vote(self) -> bool:
        viewer = self.where.viewer
        return (
            viewer is not None and self.where.can_reply and self.idea.status not in CLOSED and not self.where.is_author
        )


async def create_idea(
    viewer: User | None, club: Club, title: str, body: str, complaints: Sequence[str], *, max_length: int
) -> Idea:
    """Post an idea on the club's board (its ideas circle's members), naming the complaint cases it comes from."""
    numbers = []
    for typed in complaints:
        if typed.strip():
            number = clean_number(typed)
            if not number:
                raise ValidationError({"complaints": Message("A case number has 8 letters and digits.")})
            numbers.append(number)
    if len(numbers) > COMPLAINTS_MAX:
        raise ValidationError({"complaints": Message("At most %(n)s case numbers.", n=COMPLAINTS_MAX)})
    made: list[Idea] = []

    async def attach(thread: Thread) -> None:
        made.append(await Idea.create(thread=thread, club=club, complaints=list(dict.fromkeys(numbers))))

    ideas_circle = await club.ideas_circle
    await create_thread(viewer, ideas_circle.slug, title, body, max_length=max_length, kind=KIND, attach=attach)
    return made[0]


async def _view(idea: Idea, where: ThreadAccess) -> IdeaView:
    viewer = where.viewer
    voted = viewer is not None and await IdeaVote.exists(idea_id=idea.id, user_id=viewer.id)
    duplicate_of = await Idea.get_or_none(id=idea.duplicate_of_id) if idea.duplicate_of_id else None
    return IdeaView(idea, where, voted, duplicate_of)


async def get_idea(viewer: User | None, idea_id: int) -> IdeaView:
    idea, where = await attached_content(viewer, Idea, idea_id, Message("No such idea."))
    return await _view(idea, where)


async def idea_of_thread(where: ThreadAccess) -> IdeaView | None:
    idea = await Idea.get_or_none(thread_id=where.thread.id)
    return await _view(idea, where) if idea else None


async def vote(viewer: User | None, idea_id: int) -> IdeaView:
    """The viewer's vote for an idea: once; not for their own; not once it is closed. Its author earns points."""
    user = require_actor(viewer)
    view = await get_idea(user, idea_id)
    if view.where.is_author:
        raise Forbidden(Message("You cannot vote for your own idea."))
    if view.idea.status in CLOSED:
        raise Conflict(Message("This idea takes no more votes."), code="closed")
    view.where.check_reply(Message("Join the circle to vote."))
    try:
        async with transaction():
            await IdeaVote.create(idea_id=idea_id, user=user)
            await Idea.filter(id=idea_id).update(votes=F("votes") + 1)
    except IntegrityError:
        raise Conflict(Message("You voted for this idea already."), code="already_voted") from None
    club = await Club.get(id=view.idea.club_id)
    author = await User.get(id=view.where.thread.author_id)
    if (await circle_access(author, await club.circle)).is_member:
        await credit(club, author, "idea.voted", f"idea.voted:{idea_id}:{user.id}")  # once per voter, ever
    return await get_idea(user, idea_id)


async def unvote(viewer: User | None, idea_id: int) -> IdeaView:
    user = require_actor(viewer)
    view = await get_idea(user, idea_id)
    async with transaction():
        if await IdeaVote.filter(idea_id=idea_id, user_id=user.id).delete():
            await Idea.filter(id=idea_id).update(votes=F("votes") - 1)
    return await get_idea(user, view.idea.id)


async def _staff(viewer: User | None, view: IdeaView) -> User:
    user = require_actor(viewer)
    if not view.where.can_moderate:
        raise NotFound(Message("No such idea."))
    return user


async def set_status(viewer: User | None, idea_id: int, status: str, duplicate_of: int | None = None) -> IdeaView:
    """The team moves an idea to a public status (its voters are told); a duplicate names the idea it repeats and
    forwards its votes there (a member who voted for both counts once)."""
    view = await get_idea(viewer, idea_id)
    user = await _staff(viewer, view)
    if status not in set(IdeaStatus):
        raise ValidationError({"status": Message("One of: ") + ", ".join(IdeaStatus) + "."})
    target = None
    if status == IdeaStatus.DUPLICATE:
        target = await Idea.get_or_none(id=duplicate_of or 0, club_id=view.idea.club_id)
        if target is None or target.id == idea_id or target.status == IdeaStatus.DUPLICATE:
            raise ValidationError({"duplicate_of": Message("Name another idea of this board that is not a duplicate.")})
    voters = list(
        await User.filter(id__in=list(await IdeaVote.filter(idea_id=idea_id).values_list("user_id", flat=True)))
    )
    async with transaction():
        await Idea.filter(id=idea_id).update(status=status, duplicate_of_id=target.id if target else None)
        if target is not None:
            await _forward_votes(idea_id, target)
    if status == IdeaStatus.PLANNED:
        club = await Club.get(id=view.idea.club_id)
        await grant_badge(club, await User.get(id=view.where.thread.author_id), "idea.planned")
    await notify(STATUS_CHANGED, voters, user, view.where.thread)
    return await get_idea(viewer, idea_id)


async def _forward_votes(idea_id: int, target: Idea) -> None:
    thread = await Thread.get(id=target.thread_id)
    already = set(cast(list[int], await IdeaVote.filter(idea_id=target.id).values_list("user_id", flat=True)))
    moving = [
        user_id
        for user_id in cast(list[int], await IdeaVote.filter(idea_id=idea_id).values_list("user_id", flat=True))
        if user_id not in already and user_id != thread.author_id
    ]
    await IdeaVote.bulk_create([IdeaVote(idea_id=target.id, user_id=user_id) for user_id in moving])
    await Idea.filter(id=target.id).update(votes=await IdeaVote.filter(idea_id=target.id).count())


async def board(viewer: User | None, club: Club, status: str = "") -> list[Idea]:
    """The board's ideas, most voted first (``status``: one status only), as visible as the ideas circle."""
    ideas_circle = await club.ideas_circle
    if not (await circle_access(viewer, ideas_circle)).can_view:
        raise NotFound(Message("No such club."))
    query = Idea.filter(club_id=club.id, thread__deleted_at__isnull=True)
    if status:
        if status not in set(IdeaStatus):
            raise ValidationError({"status": Message("One of: ") + ", ".join(IdeaStatus) + "."})
        query = query.filter(status=status)
    return list(await query.select_related("thread").order_by("-votes", "-id").limit(200))
