"""Pages of polls and surveys: thin handlers that read the form, call the service and render or redirect."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Form,
    Message,
    NotFound,
    Post,
    ShareCard,
    ValidationError,
    absolute_url,
    access_by_slug,
    answers_from_form,
    check_answers,
    guests_join_by_phone,
    join_by_phone,
    mark_personal,
    ordered_answers,
    parse_form_time,
    plain_text_excerpt,
    qr_response,
    read_form,
    render,
    require_actor,
    resolve_viewer,
    site_of,
    site_timezone,
    text_code,
    whole_number,
)
from plugins.polls import respondent, service, surveys
from plugins.polls.models import QuestionKind, ResultsShown

POLL_FIELDS = ("title", "body", "options", "multiple", "max_choices", "anonymous", "closes_at", "results")
SURVEY_FIELDS = ("title", "body", "public", "closes_at")
QUESTION_FIELDS = ("id", "kind", "text", "options", "required")
BLANK_QUESTIONS = 3  # question blocks a new survey form starts with; "more questions" adds as many again


def _settings(request: Request) -> dict[str, Any]:
    return site_of(request).plugin_settings("polls")


async def _zone(request: Request) -> Any:
    return site_timezone((await site_of(request).settings.current())["timezone"])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def _new_page(request: Request, template: str, form: Form, status: int = 200, **context: Any) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    access = await access_by_slug(viewer, request.path_params["slug"])
    return await render(request, template, {"circle": access.circle, "form": form, **context}, status=status)


async def new_poll(request: Request) -> Response:
    form = Form({"results": ResultsShown.ALWAYS.value})
    return await _new_page(request, "polls/new_poll.html", form)


async def create_poll(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, POLL_FIELDS)
    values = form.values
    try:
        max_choices = int(values["max_choices"]) if values["max_choices"].strip() else None
    except ValueError:
        max_choices = 0  # refused by the service with the allowed range
    try:
        draft = service.PollDraft(
            title=values["title"],
            body=values["body"],
            options=_lines(values["options"]),
            multiple=bool(values["multiple"]),
            max_choices=max_choices,
            anonymous=bool(values["anonymous"]),
            closes_at=parse_form_time(values["closes_at"], await _zone(request), "closes_at"),
            results=values["results"],
        )
        poll = await service.create_poll(
            await resolve_viewer(request),
            request.path_params["slug"],
            draft,
            max_length=site_of(request).config.max_post_length,
            max_options=_settings(request)["max_options"],
        )
    except ValidationError as error:
        form.errors = error.fields
        return await _new_page(request, "polls/new_poll.html", form, status=400)
    return RedirectResponse(f"/t/{poll.thread_id}#poll", status_code=303)  # type: ignore[attr-defined]


async def vote(request: Request) -> Response:
    data = await read_form(request)
    choices = [number if (number := whole_number(value)) is not None else -1 for value in data.getlist("choice")]
    view = await service.vote(await resolve_viewer(request), request.path_params["id"], choices)
    return RedirectResponse(f"/t/{view.thread.id}#poll", status_code=303)


async def withdraw(request: Request) -> Response:
    await read_form(request)
    view = await service.withdraw(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#poll", status_code=303)


async def close_poll(request: Request) -> Response:
    await read_form(request)
    view = await service.close(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#poll", status_code=303)


async def poll_page(request: Request) -> Response:
    view = await service.get_poll(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#poll", status_code=303)


def _question_forms(data: FormData | None, count: int) -> list[Form]:
    if data is None:
        return [Form({"kind": QuestionKind.SINGLE.value}) for _ in range(count)]
    return [Form({name: str(data.get(f"q{i}_{name}", "")) for name in QUESTION_FIELDS}) for i in range(count)]


async def new_survey(request: Request) -> Response:
    return await _new_page(request, "polls/new_survey.html", Form(), questions=_question_forms(None, BLANK_QUESTIONS))


async def create_survey(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, SURVEY_FIELDS)
    count = min(whole_number(data.get("count", "")) or BLANK_QUESTIONS, 100)
    questions = _question_forms(data, count)
    if data.get("action") == "more":
        questions += _question_forms(None, BLANK_QUESTIONS)
        return await _new_page(request, "polls/new_survey.html", form, questions=questions)
    drafts = [
        surveys.QuestionDraft(
            q.values["kind"], q.values["text"], _lines(q.values["options"]), bool(q.values["required"])
        )
        for q in questions
        if q.values["text"].strip()
    ]
    settings = _settings(request)
    try:
        draft = surveys.SurveyDraft(
            title=form.values["title"],
            body=form.values["body"],
            questions=drafts,
            public=bool(form.values["public"]),
            closes_at=parse_form_time(form.values["closes_at"], await _zone(request), "closes_at"),
        )
        survey = await surveys.create_survey(
            await resolve_viewer(request),
            request.path_params["slug"],
            draft,
            max_length=site_of(request).config.max_post_length,
            max_options=settings["max_options"],
            max_questions=settings["max_questions"],
        )
    except ValidationError as error:
        # "questions.1.text" counts the questions asked; the form shows it at the block it was written in
        blocks = [i for i, q in enumerate(questions) if q.values["text"].strip()]
        form.errors = {
            re.sub(r"^questions\.(\d+)", lambda m: f"questions.{blocks[int(m[1])]}", name): message
            for name, message in error.fields.items()
        }
        return await _new_page(request, "polls/new_survey.html", form, status=400, questions=questions)
    return RedirectResponse(f"/surveys/{survey.id}/share", status_code=303)


async def _by_phone(request: Request, viewer: Any, view: surveys.SurveyView) -> bool:
    """Whether a guest may answer this members' survey with a phone number and a texted code (and so join)."""
    open_now = not view.closed and not view.not_yet_open
    return (
        viewer is None and not view.may_answer and open_now and await guests_join_by_phone(request, view.thread.circle)
    )


async def survey_page(request: Request, form: Form | None = None, status: int = 200, notice: str = "") -> Response:
    mark_personal(request)  # whether this browser has answered
    viewer = await resolve_viewer(request)
    view = await surveys.get_survey(viewer, request.path_params["id"], respondent.guest_key(request))
    introduction = await Post.get_or_none(id=view.thread.first_post_id, deleted_at__isnull=True)
    if introduction is not None and introduction.body == surveys.outline(
        [question.text for question in view.questions]
    ):
        introduction = None  # written without one: the opening post only lists the questions below
    context = {
        "survey": view,
        "form": form or Form(),
        "thanks": request.query_params.get("done") == "1",
        "introduction": introduction,
        "by_phone": await _by_phone(request, viewer, view),
        "notice": notice,
        # the card a chat app shows for the link: only for a survey guests may open
        "share_card": _share_card(request, view, introduction) if view.where.access.is_public else None,
    }
    return await render(request, "polls/survey.html", context, status=status)


async def answer_survey(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    survey_id = request.path_params["id"]
    view = await surveys.get_survey(viewer, survey_id, respondent.guest_key(request))
    answers = answers_from_form(surveys.fields_of(view.questions), data)
    form = Form({f"a{i}": value for i, value in enumerate(answers)})
    try:
        if await _by_phone(request, viewer, view):  # a guest who joins the circle by answering
            form.values.update(Form.of(data, ("phone", "code")).values)
            if data.get("step") == "send":
                form.values["phone"] = await text_code(request, form.values["phone"])
                sent = Message("We texted a code to %(phone)s. It is valid for 10 minutes.", phone=form.values["phone"])
                return await survey_page(request, form, notice=sent)
            questions = surveys.fields_of(view.questions)
            check_answers(questions, ordered_answers(questions, answers))  # a wrong answer makes no account
            viewer = await join_by_phone(request, view.thread.circle, form.values["phone"], form.values["code"])
        token = await respondent.answer(request, viewer, survey_id, answers, data)
    except ValidationError as error:
        form.errors = error.fields
        return await survey_page(request, form, status=400)
    response = RedirectResponse(f"/surveys/{survey_id}?done=1", status_code=303)
    if token is not None:
        respondent.remember(request, response, token)
    return response


async def _edit_page(
    request: Request, view: surveys.SurveyView, questions: list[Form], form: Form | None = None, status: int = 200
) -> Response:
    context = {"circle": view.thread.circle, "form": form or Form(), "questions": questions, "editing": view}
    return await render(request, "polls/new_survey.html", context, status=status)


async def edit_survey_page(request: Request) -> Response:
    view = await surveys.get_survey(await resolve_viewer(request), request.path_params["id"])
    if not view.can_manage:
        raise NotFound()
    questions = [
        Form(
            {
                "id": str(q.id),
                "kind": q.kind.value,
                "text": q.text,
                "options": "\n".join(q.options),
                "required": "1" if q.required else "",
            }
        )
        for q in view.questions
    ]
    return await _edit_page(request, view, questions)


async def edit_survey(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    view = await surveys.get_survey(viewer, request.path_params["id"])
    count = min(whole_number(data.get("count", "")) or 0, 100)
    questions = _question_forms(data, count)
    if data.get("action") == "more":
        return await _edit_page(request, view, questions + _question_forms(None, BLANK_QUESTIONS))
    written = [q for q in questions if q.values["text"].strip()]
    edits = [
        surveys.QuestionEdit(
            whole_number(q.values["id"]),
            q.values["kind"],
            q.values["text"],
            _lines(q.values["options"]),
            bool(q.values["required"]),
        )
        for q in written
    ]
    settings = _settings(request)
    try:
        await surveys.edit_questions(
            viewer, view.survey.id, edits, max_options=settings["max_options"], max_questions=settings["max_questions"]
        )
    except ValidationError as error:
        blocks = [i for i, q in enumerate(questions) if q.values["text"].strip()]
        errors = {
            re.sub(r"^questions\.(\d+)", lambda m: f"questions.{blocks[int(m[1])]}", name): message
            for name, message in error.fields.items()
        }
        return await _edit_page(request, view, questions, Form(errors=errors), status=400)
    return RedirectResponse(f"/surveys/{view.survey.id}", status_code=303)


async def close_survey(request: Request) -> Response:
    await read_form(request)
    view = await surveys.close(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/surveys/{view.survey.id}/results", status_code=303)


async def results_page(request: Request) -> Response:
    view, found = await surveys.results(await resolve_viewer(request), request.path_params["id"])
    return await render(request, "polls/results.html", {"survey": view, "results": found})


def _share_card(request: Request, view: surveys.SurveyView, introduction: Post | None = None) -> ShareCard:
    survey_id = view.survey.id
    return ShareCard(
        view.thread.title,
        absolute_url(request, f"/surveys/{survey_id}"),
        description=plain_text_excerpt(introduction.html, 120) if introduction else "",
        qr=f"/surveys/{survey_id}/qr.svg",
    )


async def share_page(request: Request) -> Response:
    view = await surveys.get_survey(await resolve_viewer(request), request.path_params["id"])
    return await render(request, "polls/share.html", {"survey": view, "share_card": _share_card(request, view)})


async def qr_code(request: Request) -> Response:
    """The survey's address as a QR code (SVG, or PNG for chat apps), to print on a flyer or paste into a chat."""
    view = await surveys.get_survey(await resolve_viewer(request), request.path_params["id"])
    return qr_response(_share_card(request, view).url, request.url.path.rpartition(".")[2])


routes: list[BaseRoute] = [
    Route("/c/{slug}/polls/new", new_poll, methods=["GET"]),
    Route("/c/{slug}/polls/new", create_poll, methods=["POST"]),
    Route("/polls/{id:int}", poll_page, methods=["GET"]),
    Route("/polls/{id:int}/vote", vote, methods=["POST"]),
    Route("/polls/{id:int}/withdraw", withdraw, methods=["POST"]),
    Route("/polls/{id:int}/close", close_poll, methods=["POST"]),
    Route("/c/{slug}/surveys/new", new_survey, methods=["GET"]),
    Route("/c/{slug}/surveys/new", create_survey, methods=["POST"]),
    Route("/surveys/{id:int}", survey_page, methods=["GET"]),
    Route("/surveys/{id:int}", answer_survey, methods=["POST"]),
    Route("/surveys/{id:int}/edit", edit_survey_page, methods=["GET"]),
    Route("/surveys/{id:int}/edit", edit_survey, methods=["POST"]),
    Route("/surveys/{id:int}/close", close_survey, methods=["POST"]),
    Route("/surveys/{id:int}/results", results_page, methods=["GET"]),
    Route("/surveys/{id:int}/share", share_page, methods=["GET"]),
    Route("/surveys/{id:int}/qr.svg", qr_code, methods=["GET"]),
    Route("/surveys/{id:int}/qr.png", qr_code, methods=["GET"]),
]
