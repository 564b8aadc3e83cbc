"""Trials (试用): a product tried by members the managers pick, who report back — the loop that turns customers into
co-designers. A trial lives in a thread (its reports are posts there, each with a rating); members apply with the
trial's short form until its deadline; a pick takes one of its places by a conditional update and gives the member
an order at price 0 in the same transaction; the managers see who has not reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.plugins import (
    Action,
    Circle,
    Conflict,
    Field,
    Forbidden,
    Message,
    NotFound,
    Offer,
    Thread,
    ThreadAccess,
    User,
    ValidationError,
    allowed,
    announce_act,
    attached_content,
    check_answers,
    clean_fields,
    create_post,
    create_thread,
    fetch_rows,
    notify,
    now,
    require_actor,
    transaction,
)
from plugins.shop import orders
from plugins.shop.models import ApplicationStatus, Product, Trial, TrialApplication
from plugins.shop.orders import OrderDraft
from plugins.shop.service import get_product, limited_to, managed_circle, within

KIND = "trial"
APPLY_ACTION = Action("shop.trial.apply", "apply for a trial (target: the trial)")
PICKED = "shop.trial_picked"  # notification kind
PLACES_MAX, QUESTIONS_MAX = 1000, 10


@dataclass(frozen=True)
class TrialDraft:
    product_id: int
    places: int
    apply_until: datetime | None
    report_until: datetime | None
    title: str = ""
    body: str = ""
    questions: Sequence[Field] = ()
    only_circle: str = ""  # only the members of this circle (its slug: a club's VIP circle) may apply


@dataclass
class TrialView:
    trial: Trial
    product: Product
    where: ThreadAccess
    mine: TrialApplication | None
    questions: list[Field] = field(default_factory=list)
    only_circle: Circle | None = None  # only its members may apply

    @property
    def thread(self) -> Thread:
        return self.where.thread

    @property
    def applying(self) -> bool:
        return now() < self.trial.apply_until

    @property
    def can_apply(self) -> bool:
        return self.mine is None and self.applying and self.where.can_take_part

    @property
    def must_report(self) -> bool:
        return (
            self.mine is not None and self.mine.status == ApplicationStatus.PICKED and self.mine.report_post_id is None
        )

    @property
    def can_manage(self) -> bool:
        return self.where.access.is_circle_staff


async def create_trial(viewer: User | None, slug: str, draft: TrialDraft, *, max_length: int) -> Trial:
    """Start a trial of one of the circle's products (its managers), in a thread of its own."""
    user = require_actor(viewer)
    product, access = await get_product(user, draft.product_id)
    if access.circle.slug != slug or not access.is_circle_staff:
        raise Forbidden(Message("Only the circle's owners and moderators start its trials."))
    if isinstance(draft.places, bool) or not 1 <= draft.places <= PLACES_MAX:
        raise ValidationError({"places": Message("Give 1 to %(n)s places.", n=PLACES_MAX)})
    if draft.apply_until is None or draft.apply_until <= now():
        raise ValidationError({"apply_until": Message("The deadline must be in the future.")})
    if draft.report_until is None or draft.report_until <= draft.apply_until:
        raise ValidationError({"report_until": Message("Reports are due after applications close.")})
    questions = clean_fields(draft.questions, max_fields=QUESTIONS_MAX, max_options=20) if draft.questions else []
    only_circle_id = await managed_circle(user, draft.only_circle, "only_circle")
    title = draft.title.strip() or product.name
    body = draft.body.strip() or product.description or product.name
    created: list[Trial] = []

    async def attach(thread: Thread) -> None:
        created.append(
            await Trial.create(
                thread=thread,
                product=product,
                circle_id=product.circle_id,
                places=draft.places,
                apply_until=draft.apply_until,
                report_until=draft.report_until,
                questions=[question.as_json() for question in questions],
                only_circle_id=only_circle_id,
            )
        )

    await create_thread(user, slug, title, body, max_length=max_length, kind=KIND, attach=attach)
    return created[0]


async def _view(trial: Trial, where: ThreadAccess) -> TrialView:
    viewer = where.viewer
    mine = await TrialApplication.get_or_none(trial_id=trial.id, user_id=viewer.id) if viewer else None
    return TrialView(
        trial,
        await Product.get(id=trial.product_id),
        where,
        mine,
        [Field.of(question) for question in trial.questions],
        await limited_to(viewer, trial.only_circle_id),
    )


async def get_trial(viewer: User | None, trial_id: int) -> TrialView:
    return await _view(*await attached_content(viewer, Trial, trial_id, Message("No such trial.")))


async def offers(circle: Circle) -> list[Offer]:
    """The circle's trials open to applications, the nearest deadline first, as cards another page may feature."""
    open_trials = await (
        Trial.filter(circle_id=circle.id, apply_until__gt=now(), thread__deleted_at__isnull=True)
        .select_related("thread", "product")
        .order_by("apply_until")
        .limit(50)
    )
    return [
        Offer(
            f"{KIND}:{trial.id}",
            Message("Trial"),
            trial.thread.title,
            f"/t/{trial.thread_id}",
            until=trial.apply_until,
            picture=trial.product.photos[0] if trial.product.photos else "",
        )
        for trial in open_trials
    ]


async def trial_of_thread(where: ThreadAccess) -> TrialView | None:
    trial = await Trial.get_or_none(thread_id=where.thread.id)
    return await _view(trial, where) if trial else None


async def apply(viewer: User | None, trial_id: int, answers: Sequence[Any]) -> TrialApplication:
    user = require_actor(viewer)
    view = await get_trial(user, trial_id)
    if view.mine is not None:
        raise Conflict(Message("You have applied already."), code="already_applied")
    if not view.applying:
        raise Conflict(Message("Applications are closed."), code="closed")
    view.where.check_take_part()
    if not await within(user, view.trial.only_circle_id):
        raise Forbidden(Message("This is for the members of another circle."), code="not_eligible")
    if not await allowed(APPLY_ACTION, user, view.trial):
        raise Forbidden(Message("This trial is not for you yet."), code="refused")
    cleaned = check_answers(view.questions, [*answers, *[None] * (len(view.questions) - len(answers))])
    try:
        return await TrialApplication.create(trial_id=trial_id, user_id=user.id, answers=cleaned)
    except IntegrityError:
        raise Conflict(Message("You have applied already."), code="already_applied") from None


async def applications(viewer: User | None, trial_id: int) -> tuple[TrialView, list[TrialApplication]]:
    """Everyone who applied, in the order they came (the managers)."""
    view = await get_trial(viewer, trial_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the circle's owners and moderators see the applications."))
    rows = await TrialApplication.filter(trial_id=trial_id).select_related("user").order_by("id")
    return view, list(rows)


async def pick(viewer: User | None, trial_id: int, username: str) -> TrialApplication:
    """Give one of the trial's places to an applicant: an order at price 0, ready to pick up; they are told."""
    view, rows = await applications(viewer, trial_id)
    chosen = next((row for row in rows if row.user.username == username), None)
    if chosen is None:
        raise NotFound(Message("No such application."))
    async with transaction():
        if not await TrialApplication.filter(id=chosen.id, status=ApplicationStatus.APPLIED).update(
            status=ApplicationStatus.PICKED
        ):
            raise Conflict(Message("Picked already."), code="picked")
        if not await Trial.filter(id=trial_id, picked__lt=F("places")).update(picked=F("picked") + 1):
            raise Conflict(Message("Every place of this trial is given."), code="full")
        order = await orders.place_order(chosen.user, view.product.id, OrderDraft(1), free=True)
        await TrialApplication.filter(id=chosen.id).update(order_id=order.id)
        assert viewer is not None
        await notify(PICKED, [chosen.user], viewer, view.thread)
    return await TrialApplication.get(id=chosen.id)


async def report(viewer: User | None, trial_id: int, body: str, rating: int, *, max_length: int) -> TrialApplication:
    """A picked member's report: a post in the trial's thread, with a rating from 1 to 5 (once)."""
    user = require_actor(viewer)
    view = await get_trial(user, trial_id)
    if view.mine is None or view.mine.status != ApplicationStatus.PICKED:
        raise Forbidden(Message("Those picked for the trial report on it."), code="not_picked")
    if view.mine.report_post_id is not None:
        raise Conflict(Message("You have reported already."), code="reported")
    view.where.check_reply()
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise ValidationError({"rating": Message("Give a rating from 1 to 5.")})
    async with transaction():
        post = await create_post(user, view.thread.id, body, max_length=max_length)
        if not await TrialApplication.filter(id=view.mine.id, report_post_id__isnull=True).update(
            report_post_id=post.id, rating=rating
        ):
            raise Conflict(Message("You have reported already."), code="reported")
    return await TrialApplication.get(id=view.mine.id)


async def accept_report(viewer: User | None, trial_id: int, username: str) -> TrialApplication:
    """The managers accept a picked member's report (once): it counts as the member taking part (``member_acted``:
    a club's points)."""
    view, rows = await applications(viewer, trial_id)
    row = next((row for row in rows if row.user.username == username and row.report_post_id is not None), None)
    if row is None:
        raise NotFound(Message("No such report."))
    if not await TrialApplication.filter(id=row.id, report_accepted_at__isnull=True).update(report_accepted_at=now()):
        raise Conflict(Message("This report was accepted already."), code="accepted")
    await announce_act(view.thread.circle_id, row.user, "shop.trial_report", row.id)
    return await TrialApplication.get(id=row.id)


@dataclass(frozen=True)
class Report:
    username: str
    rating: int
    post_id: int


async def reports(product: Product) -> list[Report]:
    """The product's trial reports, newest first (shown on its page, as visible as the product)."""
    rows = await fetch_rows(
        "SELECT u.username, a.rating, a.report_post_id FROM shop_trial_applications a "
        "JOIN shop_trials t ON t.id = a.trial_id JOIN users u ON u.id = a.user_id "
        "WHERE t.product_id = ? AND a.report_post_id IS NOT NULL ORDER BY a.id DESC LIMIT 50",
        product.id,
    )
    return [Report(row["username"], row["rating"] or 0, row["report_post_id"]) for row in rows]


def not_reported(rows: Sequence[TrialApplication]) -> list[TrialApplication]:
    return [row for row in rows if row.status == ApplicationStatus.PICKED and row.report_post_id is None]
