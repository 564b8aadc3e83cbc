"""Surveys: the only code that writes them. Other plugins (scenario templates) call these functions.

A survey is the content of a thread of kind "survey": questions of four kinds, answered once per member, or once
per browser by guests when the survey is public (only in a public circle). Results and the CSV export are for the
survey's author and the circle's moderators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count

from core.plugins import (
    Action,
    Circle,
    Conflict,
    Field,
    Forbidden,
    Message,
    Offer,
    Thread,
    ThreadAccess,
    Unauthorized,
    User,
    ValidationError,
    acting,
    allowed,
    announce_act,
    attached_content,
    check_answers,
    clean_fields,
    create_thread,
    is_public,
    now,
    ordered_answers,
    transaction,
)
from plugins.polls.models import Answer, Question, QuestionKind, Survey, SurveyResponse
from plugins.polls.service import check_closing

KIND = "survey"
ANSWER = Action("survey.answer", "answer a survey, as a member or a guest (target: the survey)")
TEXT_ANSWERS_SHOWN = 50
# The export's first columns (translated in the reader's language: core.errors.Message)
EXPORT_COLUMNS = (Message("response"), Message("submitted_at"), Message("respondent"))
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


@dataclass(frozen=True)
class QuestionDraft:
    kind: str
    text: str
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass(frozen=True)
class SurveyDraft:
    title: str
    body: str
    questions: list[QuestionDraft]
    public: bool = False
    closes_at: datetime | None = None
    opens_at: datetime | None = None  # None: at once


@dataclass
class SurveyView:
    """A survey as one viewer (member or guest's browser) sees it."""

    survey: Survey
    where: ThreadAccess  # the survey's thread, and what the viewer may do in it
    questions: list[Question]
    answered: bool
    responses: int  # answers so far; counted for those who manage the survey only

    @property
    def thread(self) -> Thread:
        return self.where.thread

    @property
    def closed(self) -> bool:
        return self.survey.closes_at is not None and self.survey.closes_at <= now()

    @property
    def not_yet_open(self) -> bool:
        return self.survey.opens_at is not None and self.survey.opens_at > now()

    @property
    def may_answer(self) -> bool:
        """Whether this viewer is one the survey asks (closed or not, answered or not)."""
        return (self.survey.public and not self.where.access.is_barred) or self.where.access.can_post

    @property
    def can_answer(self) -> bool:
        return self.may_answer and not self.closed and not self.not_yet_open and not self.answered

    @property
    def can_manage(self) -> bool:
        """Results, export and closing: the survey's author and the circle's moderators."""
        return self.where.can_manage


def _clean_questions(drafts: Sequence[QuestionDraft], max_questions: int, max_options: int) -> list[QuestionDraft]:
    fields = [Field(draft.kind, draft.text, draft.options, draft.required) for draft in drafts]
    cleaned = clean_fields(fields, max_fields=max_questions, max_options=max_options)
    return [QuestionDraft(field.kind, field.label, field.options, field.required) for field in cleaned]


def outline(questions: Sequence[str]) -> str:
    """The questions as a numbered Markdown list: the opening post of a survey written without one."""
    return "\n".join(f"{number}. {question}" for number, question in enumerate(questions, 1))


async def create_survey(
    viewer: User | None, slug: str, draft: SurveyDraft, *, max_length: int, max_options: int, max_questions: int
) -> Survey:
    """Start a thread with a survey; everything is checked before anything is written."""
    questions = _clean_questions(draft.questions, max_questions, max_options)
    closes_at = check_closing(draft.closes_at)
    created: list[Survey] = []

    async def attach(thread: Thread) -> None:
        if draft.public and not is_public(thread.circle):
            raise ValidationError({"public": Message("A survey in a private circle is answered by its members only.")})
        survey = await Survey.create(thread=thread, public=draft.public, opens_at=draft.opens_at, closes_at=closes_at)
        await Question.bulk_create(
            [
                Question(
                    survey=survey,
                    position=index,
                    kind=QuestionKind(question.kind),
                    text=question.text,
                    options=question.options,
                    required=question.required,
                )
                for index, question in enumerate(questions)
            ]
        )
        created.append(survey)

    body = draft.body if draft.body.strip() else outline([question.text for question in questions])
    await create_thread(viewer, slug, draft.title, body, max_length=max_length, kind=KIND, attach=attach)
    return created[0]


async def _view(survey: Survey, view: ThreadAccess, guest_key: str | None) -> SurveyView:
    viewer = view.viewer
    questions = await Question.filter(survey_id=survey.id).order_by("position")
    mine = SurveyResponse.filter(survey_id=survey.id)
    if viewer is not None:
        answered = await mine.filter(user_id=viewer.id).exists()
    else:
        answered = guest_key is not None and await mine.filter(guest_key=guest_key).exists()
    found = SurveyView(survey, view, list(questions), answered, responses=0)
    if found.can_manage:  # counted only for those who are shown it
        found.responses = await mine.count()
    return found


async def get_survey(viewer: User | None, survey_id: int, guest_key: str | None = None) -> SurveyView:
    """The survey, if the viewer may see its thread (else NotFound, as for the thread)."""
    survey, view = await attached_content(viewer, Survey, survey_id, Message("No such survey."))
    return await _view(survey, view, guest_key)


async def survey_of_thread(view: ThreadAccess, guest_key: str | None = None) -> SurveyView | None:
    survey = await Survey.get_or_none(thread_id=view.thread.id)
    return await _view(survey, view, guest_key) if survey is not None else None


def _answer_rows(question: Question, value: Any) -> list[Answer]:
    """The rows a checked answer is stored as: one per chosen option, a rating, or the text as cleaned."""
    if value is None:
        return []
    if question.kind == QuestionKind.SINGLE:
        return [Answer(question_id=question.id, choice=value)]
    if question.kind == QuestionKind.MULTIPLE:
        return [Answer(question_id=question.id, choice=item) for item in value]
    if question.kind == QuestionKind.RATING:
        return [Answer(question_id=question.id, rating=value)]
    return [Answer(question_id=question.id, text=value)]


def fields_of(questions: Sequence[Question]) -> list[Field]:
    """A survey's questions as the shared forms ask them."""
    return [Field(question.kind, question.text, question.options, question.required) for question in questions]


async def respond(
    viewer: User | None, survey_id: int, answers: Sequence[Any] | dict[str, Any], guest_key: str | None = None
) -> SurveyResponse:
    """Answer a survey, once: a member by account, a guest (public surveys) by ``guest_key``, the browser's."""
    user = acting(viewer)
    if viewer is not None and user is None:
        raise Forbidden(Message("This account is suspended."), code="suspended")
    view = await get_survey(user, survey_id, guest_key)
    view.where.access.check_not_barred()  # public or not
    if not view.may_answer:
        if user is None:
            raise Unauthorized(Message("Sign in to answer this survey."))
        raise Forbidden(Message("Join this circle to answer this survey."), code="not_a_member")
    if view.closed:
        raise Conflict(Message("This survey is closed."), code="survey_closed")
    if view.not_yet_open:
        raise Conflict(
            Message("This survey opens on %(when)s.", when=view.survey.opens_at.isoformat()),  # type: ignore[union-attr]
            code="not_open",
        )
    if user is None and guest_key is None:
        raise Unauthorized(Message("Sign in to answer this survey."))
    if not await allowed(ANSWER, user, view.survey):
        raise Forbidden(Message("You may not answer this survey."), code="refused")
    questions = fields_of(view.questions)
    checked = check_answers(questions, ordered_answers(questions, answers))
    rows = [
        row for question, value in zip(view.questions, checked, strict=True) for row in _answer_rows(question, value)
    ]
    try:
        async with transaction():
            response = await SurveyResponse.create(
                survey_id=survey_id, user=user, guest_key=None if user else guest_key, submitted_at=now()
            )
            for row in rows:
                row.response = response
            await Answer.bulk_create(rows)
    except IntegrityError:
        raise Conflict(Message("You have already answered this survey."), code="already_answered") from None
    if user is not None:
        await announce_act(view.where.thread.circle_id, user, "survey.response", response.id)
    return response


@dataclass(frozen=True)
class QuestionEdit:
    """A question of an edited survey: one it had (``id``) reworded, or a new one (``id`` None)."""

    id: int | None
    kind: str
    text: str
    options: list[str] = field(default_factory=list)
    required: bool = False


async def edit_questions(
    viewer: User | None, survey_id: int, edits: Sequence[QuestionEdit], *, max_options: int, max_questions: int
) -> SurveyView:
    """Reword, reorder, add and remove a published survey's questions, keeping its answers: a question that has
    answers keeps its kind and its options (which may be reworded, and added to) and cannot be removed."""
    view = await get_survey(viewer, survey_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the survey's author and the circle's moderators edit it."))
    drafts = [QuestionDraft(edit.kind, edit.text, edit.options, edit.required) for edit in edits]
    cleaned = _clean_questions(drafts, max_questions, max_options)
    existing = {question.id: question for question in view.questions}
    answered = set(
        cast(list[int], await Answer.filter(question_id__in=list(existing)).values_list("question_id", flat=True))
    )
    errors: dict[str, str] = {}
    for index, (edit, clean) in enumerate(zip(edits, cleaned, strict=True)):
        old = existing.get(edit.id) if edit.id is not None else None
        if edit.id is not None and old is None:
            errors[f"questions.{index}"] = Message("There is no such question.")
        elif old is not None and old.id in answered:
            if clean.kind != old.kind:
                errors[f"questions.{index}.kind"] = Message("This question has answers: its kind stays.")
            elif len(clean.options) < len(old.options):
                errors[f"questions.{index}.options"] = Message(
                    "This question has answers: reword its options or add some, but remove none."
                )
    kept = {edit.id for edit in edits}
    removed = [question_id for question_id in existing if question_id not in kept]
    if any(question_id in answered for question_id in removed):
        errors["questions"] = Message("A question that has answers cannot be removed.")
    if errors:
        raise ValidationError(errors)
    async with transaction():
        await Question.filter(id__in=removed).delete()
        for question_id in kept - {None}:  # out of the way of the new order (positions are unique)
            await Question.filter(id=question_id).update(position=-int(question_id or 0))
        for position, (edit, clean) in enumerate(zip(edits, cleaned, strict=True)):
            values: dict[str, Any] = dict(
                position=position,
                kind=QuestionKind(clean.kind),
                text=clean.text,
                options=clean.options,
                required=clean.required,
            )
            if edit.id is None:
                await Question.create(survey_id=survey_id, **values)
            else:
                await Question.filter(id=edit.id).update(**values)
    return await get_survey(viewer, survey_id)


async def close(viewer: User | None, survey_id: int) -> SurveyView:
    view = await get_survey(viewer, survey_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the survey's author and the circle's moderators close it."))
    if view.closed:
        raise Conflict(Message("This survey is closed."), code="survey_closed")
    await Survey.filter(id=survey_id).update(closes_at=now())
    return await get_survey(viewer, survey_id)


@dataclass
class QuestionResult:
    question: Question
    answered: int  # responses that answered this question
    counts: dict[int, int] = field(default_factory=dict)  # option index or rating -> answers
    texts: list[str] = field(default_factory=list)  # the latest text answers
    average: float | None = None

    def percent(self, key: int) -> int:
        return round(100 * self.counts.get(key, 0) / self.answered) if self.answered else 0


async def _managed(viewer: User | None, survey_id: int) -> SurveyView:
    view = await get_survey(viewer, survey_id)
    if not view.can_manage:
        raise Forbidden(Message("Only the survey's author and the circle's moderators see its answers."))
    return view


async def results(viewer: User | None, survey_id: int) -> tuple[SurveyView, list[QuestionResult]]:
    """Per question: how many answered it, and the counts per option, the ratings, or the latest texts."""
    view = await _managed(viewer, survey_id)
    ids = [question.id for question in view.questions]
    answered = {
        row["question_id"]: row["n"]
        for row in await Answer.filter(question_id__in=ids)
        .group_by("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values("question_id", "n")
    }
    choices = (
        await Answer.filter(question_id__in=ids, choice__isnull=False)
        .group_by("question_id", "choice")
        .annotate(n=Count("id"))
        .values("question_id", "choice", "n")
    )
    ratings = (
        await Answer.filter(question_id__in=ids, rating__isnull=False)
        .group_by("question_id", "rating")
        .annotate(n=Count("id"))
        .values("question_id", "rating", "n")
    )
    found = []
    for question in view.questions:
        result = QuestionResult(question, answered.get(question.id, 0))
        if question.kind in CHOICE_KINDS:
            result.counts = {row["choice"]: row["n"] for row in choices if row["question_id"] == question.id}
        elif question.kind == QuestionKind.RATING:
            result.counts = {row["rating"]: row["n"] for row in ratings if row["question_id"] == question.id}
            total = sum(result.counts.values())
            if total:
                result.average = round(sum(key * n for key, n in result.counts.items()) / total, 2)
        else:
            latest = Answer.filter(question_id=question.id).order_by("-id").limit(TEXT_ANSWERS_SHOWN)
            result.texts = [str(text) for text in await latest.values_list("text", flat=True)]
        found.append(result)
    return view, found


async def export_rows(viewer: User | None, survey_id: int) -> tuple[list[str], list[list[Any]]]:
    """Every response, one row each: when (a datetime), who (a member's name, or "guest"), then one column per
    question; and the header above them (its first columns Messages, to translate)."""
    view = await _managed(viewer, survey_id)
    responses = await SurveyResponse.filter(survey_id=survey_id).select_related("user").order_by("id")
    answers: dict[int, dict[int, list[Answer]]] = {}
    for answer in await Answer.filter(response__survey_id=survey_id).order_by("id"):
        answers.setdefault(answer.response_id, {}).setdefault(answer.question_id, []).append(answer)
    table: list[list[Any]] = []
    for response in responses:
        given = answers.get(response.id, {})
        cells = []
        for question in view.questions:
            rows = given.get(question.id, [])
            if question.kind in CHOICE_KINDS:
                cells.append("; ".join(question.options[row.choice] for row in rows if row.choice is not None))
            elif question.kind == QuestionKind.RATING:
                cells.append(str(rows[0].rating) if rows else "")
            else:
                cells.append(rows[0].text or "" if rows else "")
        who = response.user.username if response.user else "guest"
        table.append([response.id, response.submitted_at, who, *cells])
    return [*EXPORT_COLUMNS, *(question.text for question in view.questions)], table


async def offers(circle: Circle) -> list[Offer]:
    """The circle's open surveys, newest first, as cards another page may feature (``circle_offers``)."""
    open_ = Q(closes_at__isnull=True) | Q(closes_at__gt=now())
    surveys = await (
        Survey.filter(open_, thread__circle_id=circle.id, thread__deleted_at__isnull=True)
        .select_related("thread")
        .order_by("-id")
        .limit(50)
    )
    return [
        Offer(
            f"survey:{survey.id}",
            Message("Survey"),
            survey.thread.title,
            f"/surveys/{survey.id}",
            until=survey.closes_at,
        )
        for survey in surveys
    ]
