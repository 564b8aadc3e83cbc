"""Polls and surveys as the JSON API shows them."""

from __future__ import annotations

from typing import Any

from core.plugins import RATINGS, user_ref
from plugins.polls.models import QuestionKind
from plugins.polls.service import PollView
from plugins.polls.surveys import QuestionResult, SurveyView


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def poll_json(view: PollView) -> dict[str, Any]:
    """Counts are null while the viewer may not see the results; voters only for polls with public voters."""
    poll, visible = view.poll, view.results_visible
    options = []
    for option in view.options:
        item: dict[str, Any] = {
            "index": option.position,
            "text": option.text,
            "votes": view.counts.get(option.position, 0) if visible else None,
        }
        if visible and not poll.anonymous:
            item["voters"] = [user_ref(user) for user in view.voter_names.get(option.position, [])]
        options.append(item)
    return {
        "id": poll.id,
        "thread_id": view.thread.id,
        "title": view.thread.title,
        "options": options,
        "total_votes": view.voters if visible else None,
        "my_choices": view.my_choices,
        "closed": view.closed,
        "closes_at": _time(poll.closes_at),
        "multiple": poll.multiple,
        "max_choices": poll.max_choices,
        "anonymous": poll.anonymous,
        "results": poll.results.value,
        "results_visible": visible,
        "can_vote": view.can_vote,
        "url": f"/t/{view.thread.id}#poll",
    }


def survey_json(view: SurveyView) -> dict[str, Any]:
    survey = view.survey
    return {
        "id": survey.id,
        "thread_id": view.thread.id,
        "title": view.thread.title,
        "public": survey.public,
        "closes_at": _time(survey.closes_at),
        "closed": view.closed,
        "questions": [
            {
                "id": q.id,
                "index": q.position,
                "kind": q.kind.value,
                "text": q.text,
                "options": q.options,
                "required": q.required,
            }
            for q in view.questions
        ],
        "answered": view.answered,
        "can_answer": view.can_answer,
        "responses": view.responses if view.can_manage else None,
        "url": f"/surveys/{survey.id}",
    }


def question_result_json(result: QuestionResult) -> dict[str, Any]:
    question = result.question
    data: dict[str, Any] = {
        "index": question.position,
        "kind": question.kind.value,
        "text": question.text,
        "answered": result.answered,
    }
    if question.options:
        data["options"] = [
            {"index": index, "text": text, "count": result.counts.get(index, 0)}
            for index, text in enumerate(question.options)
        ]
    if question.kind == QuestionKind.RATING:
        data["ratings"] = {str(key): result.counts.get(key, 0) for key in RATINGS}
        data["average"] = result.average
    if question.kind == QuestionKind.TEXT:
        data["latest"] = result.texts
    return data
