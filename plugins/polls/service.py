"""Polls: the only code that writes them. Other plugins (scenario templates) call these functions.

A poll is the content of a thread of kind "poll". A member's vote is one ``Ballot`` row (UNIQUE per poll and
member) with its choices; a new vote replaces the old one in a transaction, so parallel votes of one member
leave exactly one ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from core.plugins import (
    Action,
    Conflict,
    Forbidden,
    Message,
    NotFound,
    Page,
    Thread,
    ThreadAccess,
    User,
    ValidationError,
    allowed,
    attached_content,
    clean_options,
    create_thread,
    now,
    paginate,
    require_actor,
    transaction,
)
from plugins.polls.models import Ballot, BallotChoice, Poll, PollOption, ResultsShown

KIND = "poll"
VOTE = Action("poll.vote", "vote in a poll, or change one's vote (target: the poll)")
VOTERS_SHOWN = 20  # voters listed per option with the poll; the rest page by page (``voters``)


def check_closing(closes_at: datetime | None, field: str = "closes_at") -> datetime | None:
    if closes_at is not None and closes_at <= now():
        raise ValidationError({field: Message("The closing time must be in the future.")})
    return closes_at


def listed(options: Sequence[str]) -> str:
    """The options as a Markdown list: the opening post of a poll written without one, so that the thread
    reads well in search and stays whole if the plugin is switched off."""
    return "\n".join(f"- {option}" for option in options)


@dataclass(frozen=True)
class PollDraft:
    title: str
    body: str
    options: list[str]
    multiple: bool = False
    max_choices: int | None = None
    anonymous: bool = False
    closes_at: datetime | None = None
    results: str = ResultsShown.ALWAYS


@dataclass
class PollView:
    """A poll as one viewer sees it: the counts only when the results are theirs to see."""

    poll: Poll
    where: ThreadAccess  # the poll's thread, and what the viewer may do in it
    options: list[PollOption]
    my_choices: list[int] | None  # None for a viewer who cannot vote (a guest)
    counts: dict[int, int] = field(default_factory=dict)
    voters: int = 0
    voter_names: dict[int, list[User]] = field(default_factory=dict)

    @property
    def thread(self) -> Thread:
        return self.where.thread

    @property
    def closed(self) -> bool:
        return self.poll.closes_at is not None and self.poll.closes_at <= now()

    @property
    def results_visible(self) -> bool:
        shown = self.poll.results
        return (
            shown == ResultsShown.ALWAYS or self.closed or (shown == ResultsShown.AFTER_VOTE and bool(self.my_choices))
        )

    @property
    def can_vote(self) -> bool:
        return self.where.can_reply and not self.closed

    @property
    def can_close(self) -> bool:
        return not self.closed and self.where.can_manage

    def percent(self, position: int) -> int:
        return round(100 * self.counts.get(position, 0) / self.voters) if self.voters else 0


async def create_poll(viewer: User | None, slug: str, draft: PollDraft, *, max_length: int, max_options: int) -> Poll:
    """Start a thread with a poll; everything is checked before anything is written."""
    options = clean_options(draft.options, max_options)
    if draft.results not in set(ResultsShown):
        raise ValidationError({"results": Message("One of: always, after_vote, after_close.")})
    max_choices = draft.max_choices if draft.multiple else 1
    if max_choices is None:
        max_choices = len(options)
    if not 1 <= max_choices <= len(options):
        raise ValidationError({"max_choices": Message("Between 1 and the number of options (%(n)s).", n=len(options))})
    closes_at = check_closing(draft.closes_at)
    created: list[Poll] = []

    async def attach(thread: Thread) -> None:
        poll = await Poll.create(
            thread=thread,
            multiple=draft.multiple,
            max_choices=max_choices,
            anonymous=draft.anonymous,
            results=ResultsShown(draft.results),
            closes_at=closes_at,
        )
        await PollOption.bulk_create(
            [PollOption(poll=poll, position=index, text=text) for index, text in enumerate(options)]
        )
        created.append(poll)

    body = draft.body if draft.body.strip() else listed(options)
    await create_thread(viewer, slug, draft.title, body, max_length=max_length, kind=KIND, attach=attach)
    return created[0]


async def _view(poll: Poll, view: ThreadAccess) -> PollView:
    viewer = view.viewer
    options = await PollOption.filter(poll_id=poll.id).order_by("position")
    my_choices = None
    if viewer is not None:
        mine = BallotChoice.filter(ballot__poll_id=poll.id, ballot__user_id=viewer.id)
        my_choices = sorted(row["position"] for row in await mine.values("position"))
    result = PollView(poll, view, list(options), my_choices)
    if result.results_visible:
        rows = (
            await BallotChoice.filter(poll_id=poll.id)
            .group_by("position")
            .annotate(n=Count("id"))
            .values("position", "n")
        )
        result.counts = {row["position"]: row["n"] for row in rows}
        result.voters = await Ballot.filter(poll_id=poll.id).count()
        if not poll.anonymous:
            for option in options:
                choices = (
                    await BallotChoice.filter(poll_id=poll.id, position=option.position)
                    .select_related("ballot__user")
                    .order_by("id")
                    .limit(VOTERS_SHOWN)
                )
                result.voter_names[option.position] = [choice.ballot.user for choice in choices]
    return result


async def get_poll(viewer: User | None, poll_id: int) -> PollView:
    """The poll, if the viewer may see its thread (else NotFound, as for the thread)."""
    return await _view(*await attached_content(viewer, Poll, poll_id, Message("No such poll.")))


async def poll_of_thread(view: ThreadAccess) -> PollView | None:
    """The poll of a thread the viewer already reads (for the thread page)."""
    poll = await Poll.get_or_none(thread_id=view.thread.id)
    return await _view(poll, view) if poll is not None else None


def _check_choices(view: PollView, choices: Sequence[int]) -> list[int]:
    positions = {option.position for option in view.options}
    if not choices:
        raise ValidationError({"choices": Message("Choose at least one option.")})
    if any(isinstance(choice, bool) or choice not in positions for choice in choices):
        raise ValidationError({"choices": Message("Choose among the poll's options.")})
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": Message("Choose each option only once.")})
    if len(choices) > view.poll.max_choices:
        raise ValidationError({"choices": Message("Choose at most %(n)s options.", n=view.poll.max_choices)})
    return sorted(choices)


def _check_open(view: PollView) -> None:
    view.where.check_reply(Message("Join this circle to vote."))
    if view.closed:
        raise Conflict(Message("This poll is closed."), code="poll_closed")


async def vote(viewer: User | None, poll_id: int, choices: Sequence[int]) -> PollView:
    """Vote, or change one's vote: the new choices replace the old ones."""
    user = require_actor(viewer)
    view = await get_poll(user, poll_id)
    _check_open(view)
    positions = _check_choices(view, choices)
    if not await allowed(VOTE, user, view.poll):
        raise Forbidden(Message("You may not vote in this poll."), code="refused")
    for attempt in range(3):
        try:
            async with transaction():
                await Ballot.filter(poll_id=poll_id, user_id=user.id).delete()
                ballot = await Ballot.create(poll_id=poll_id, user_id=user.id, cast_at=now())
                await BallotChoice.bulk_create(
                    [BallotChoice(ballot=ballot, poll_id=poll_id, position=position) for position in positions]
                )
            break
        except IntegrityError:
            # Another request of the same member voted at the same moment; its ballot is replaced on retry.
            if attempt == 2:
                raise Conflict(Message("Your vote changed at the same moment; try again."), code="busy") from None
    return await get_poll(user, poll_id)


async def withdraw(viewer: User | None, poll_id: int) -> PollView:
    """Take one's vote back while the poll is open."""
    user = require_actor(viewer)
    view = await get_poll(user, poll_id)
    _check_open(view)
    await Ballot.filter(poll_id=poll_id, user_id=user.id).delete()
    return await get_poll(user, poll_id)


async def close(viewer: User | None, poll_id: int) -> PollView:
    """Close the poll now (its author or the circle's moderators)."""
    user = require_actor(viewer)
    view = await get_poll(user, poll_id)
    if view.closed:
        raise Conflict(Message("This poll is closed."), code="poll_closed")
    if not view.can_close:
        raise Forbidden(Message("Only the poll's author and the circle's moderators close it."))
    await Poll.filter(id=poll_id).update(closes_at=now())
    return await get_poll(user, poll_id)


async def voters(
    viewer: User | None, poll_id: int, position: int, cursor: str | None, limit: int
) -> Page[BallotChoice]:
    """Who chose option ``position`` of a poll with public voters, once the results are visible (the choices,
    with ``ballot.user``), in the order they voted."""
    view = await get_poll(viewer, poll_id)
    if view.poll.anonymous or not view.results_visible:
        raise Forbidden(Message("The voters of this poll are not shown."), code="voters_hidden")
    if position not in {option.position for option in view.options}:
        raise NotFound(Message("No such option."))
    query = BallotChoice.filter(poll_id=poll_id, position=position).select_related("ballot__user")
    return await paginate(query, ["id"], cursor, limit)
