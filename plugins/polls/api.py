"""JSON API of polls and surveys (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any, Literal

from starlette.responses import Response

from core.plugins import (
    ApiCall,
    ApiRouter,
    Body,
    JSONResponse,
    Message,
    NotFound,
    csv_response,
    get_thread,
    mark_personal,
    parse_api_time,
    parse_limit,
    reader_locale,
    site_timezone,
    user_ref,
)
from plugins.polls import respondent, service, surveys
from plugins.polls.serialize import poll_json, question_result_json, survey_json

router = ApiRouter("polls")


class NewPoll(Body):
    title: str
    body: str = ""
    options: list[str]
    multiple: bool = False
    max_choices: int | None = None
    anonymous: bool = False
    closes_at: str | None = None
    results: Literal["always", "after_vote", "after_close"] = "always"


class Vote(Body):
    choices: list[int]


class NewQuestion(Body):
    kind: str  # a FieldKind: checked with the rest of the form, so that the error names the question
    text: str
    options: list[str] = []
    required: bool = False


class NewSurvey(Body):
    title: str
    body: str = ""
    questions: list[NewQuestion]
    public: bool = False
    closes_at: str | None = None


class EditedQuestion(NewQuestion):
    id: int | None = None  # a question the survey has (its "id"); none for a new one


class EditedSurvey(Body):
    questions: list[EditedQuestion]


class Answers(Body):
    answers: list[Any] | dict[str, Any]


def _settings(call: ApiCall[Any]) -> dict[str, Any]:
    return call.site.plugin_settings("polls")


@router.route("POST", "/circles/{slug}/polls", "Start a thread with a poll", body=NewPoll, status=201, auth=True)
async def create_poll(call: ApiCall[NewPoll]) -> dict[str, Any]:
    body = call.body
    draft = service.PollDraft(
        title=body.title,
        body=body.body,
        options=body.options,
        multiple=body.multiple,
        max_choices=body.max_choices,
        anonymous=body.anonymous,
        closes_at=parse_api_time(body.closes_at, "closes_at"),
        results=body.results,
    )
    poll = await service.create_poll(
        call.viewer,
        call.params["slug"],
        draft,
        max_length=call.site.config.max_post_length,
        max_options=_settings(call)["max_options"],
    )
    return poll_json(await service.get_poll(call.viewer, poll.id))


@router.route("GET", "/polls/{id:int}", "A poll: its options, and the counts when the viewer may see them")
async def get_poll(call: ApiCall[None]) -> dict[str, Any]:
    return poll_json(await service.get_poll(call.viewer, call.params["id"]))


@router.route("GET", "/threads/{id:int}/poll", "The poll of a thread of kind poll")
async def poll_of_thread(call: ApiCall[None]) -> dict[str, Any]:
    view = await service.poll_of_thread(await get_thread(call.viewer, call.params["id"]))
    if view is None:
        raise NotFound(Message("This thread has no poll."))
    return poll_json(view)


@router.route("POST", "/polls/{id:int}/vote", "Vote; a new vote replaces the old one", body=Vote, auth=True)
async def vote(call: ApiCall[Vote]) -> dict[str, Any]:
    return poll_json(await service.vote(call.viewer, call.params["id"], call.body.choices))


@router.route("DELETE", "/polls/{id:int}/vote", "Withdraw one's vote while the poll is open", auth=True)
async def withdraw(call: ApiCall[None]) -> dict[str, Any]:
    return poll_json(await service.withdraw(call.viewer, call.params["id"]))


@router.route("POST", "/polls/{id:int}/close", "Close a poll now (its author, moderators)", auth=True)
async def close_poll(call: ApiCall[None]) -> dict[str, Any]:
    return poll_json(await service.close(call.viewer, call.params["id"]))


@router.route(
    "GET",
    "/polls/{id:int}/options/{index:int}/voters",
    "Who chose an option (polls with public voters)",
    query=("limit", "cursor"),
)
async def voters(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.voters(
        call.viewer, call.params["id"], call.params["index"], call.query("cursor"), parse_limit(call.query("limit"))
    )
    return {"items": [user_ref(choice.ballot.user) for choice in page.items], "next": page.next}


@router.route("POST", "/circles/{slug}/surveys", "Start a thread with a survey", body=NewSurvey, status=201, auth=True)
async def create_survey(call: ApiCall[NewSurvey]) -> dict[str, Any]:
    body, settings = call.body, _settings(call)
    draft = surveys.SurveyDraft(
        title=body.title,
        body=body.body,
        questions=[surveys.QuestionDraft(q.kind, q.text, q.options, q.required) for q in body.questions],
        public=body.public,
        closes_at=parse_api_time(body.closes_at, "closes_at"),
    )
    survey = await surveys.create_survey(
        call.viewer,
        call.params["slug"],
        draft,
        max_length=call.site.config.max_post_length,
        max_options=settings["max_options"],
        max_questions=settings["max_questions"],
    )
    return survey_json(await surveys.get_survey(call.viewer, survey.id))


@router.route("GET", "/surveys/{id:int}", "A survey and its questions")
async def get_survey(call: ApiCall[None]) -> dict[str, Any]:
    mark_personal(call.request)  # whether this browser has answered
    return survey_json(await surveys.get_survey(call.viewer, call.params["id"], respondent.guest_key(call.request)))


@router.route("GET", "/threads/{id:int}/survey", "The survey of a thread of kind survey")
async def survey_of_thread(call: ApiCall[None]) -> dict[str, Any]:
    mark_personal(call.request)  # whether this browser has answered
    thread = await get_thread(call.viewer, call.params["id"])
    view = await surveys.survey_of_thread(thread, respondent.guest_key(call.request))
    if view is None:
        raise NotFound(Message("This thread has no survey."))
    return survey_json(view)


@router.route(
    "POST",
    "/surveys/{id:int}/responses",
    "Answer a survey once: a list with one answer per question, or an object keyed by question index",
    body=Answers,
    status=201,
)
async def respond(call: ApiCall[Answers]) -> Response:
    token = await respondent.answer(call.request, call.viewer, call.params["id"], call.body.answers)
    response = JSONResponse({"survey_id": call.params["id"], "answered": True}, status_code=201)
    if token is not None:
        respondent.remember(call.request, response, token)
    return response


@router.route(
    "PATCH",
    "/surveys/{id:int}",
    "Reword, reorder, add or remove a survey's questions, keeping its answers (its author, moderators)",
    body=EditedSurvey,
    auth=True,
)
async def edit_survey(call: ApiCall[EditedSurvey]) -> dict[str, Any]:
    settings = call.site.plugin_settings("polls")
    edits = [surveys.QuestionEdit(q.id, q.kind, q.text, q.options, q.required) for q in call.body.questions]
    view = await surveys.edit_questions(
        call.viewer,
        call.params["id"],
        edits,
        max_options=settings["max_options"],
        max_questions=settings["max_questions"],
    )
    return survey_json(view)


@router.route("POST", "/surveys/{id:int}/close", "Close a survey now (its author, moderators)", auth=True)
async def close_survey(call: ApiCall[None]) -> dict[str, Any]:
    return survey_json(await surveys.close(call.viewer, call.params["id"]))


@router.route("GET", "/surveys/{id:int}/results", "Answers per question (the survey's author, moderators)")
async def results(call: ApiCall[None]) -> dict[str, Any]:
    view, found = await surveys.results(call.viewer, call.params["id"])
    return {**survey_json(view), "results": [question_result_json(result) for result in found]}


@router.route("GET", "/surveys/{id:int}/export.csv", "Every response as CSV (the survey's author, moderators)")
async def export(call: ApiCall[None]) -> Response:
    header, rows = await surveys.export_rows(call.viewer, call.params["id"])
    settings = await call.site.settings.current()
    gettext = call.site.catalogues.get(reader_locale(call.request, call.viewer, settings)).gettext
    zone = site_timezone(settings["timezone"])  # a Beijing owner reads Beijing times
    header = [gettext(cell.msgid) if isinstance(cell, Message) else cell for cell in header]
    for row in rows:
        row[1] = row[1].astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return csv_response(f"survey-{call.params['id']}.csv", header, rows)
