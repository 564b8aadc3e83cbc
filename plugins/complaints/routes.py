"""Pages of the complaints desk: the public intake form, the tracking page a guest follows from the link in their
mail, the lost-link form, and the staff's queue, case page and desk settings. Thin handlers; no JavaScript."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Conflict,
    Field,
    FieldKind,
    Form,
    Message,
    ValidationError,
    answer_text,
    answers_from_form,
    circle_staff,
    guest_check,
    mark_personal,
    read_form,
    reader_locale,
    render,
    resolve_viewer,
    site_of,
    site_timezone,
    whole_number,
)
from plugins.complaints import queue, service
from plugins.complaints.models import Status
from plugins.complaints.workflow import NAMES

INTAKE_FIELDS = ("subject", "body", "contact_name", "contact_email", "category")
DESK_FIELDS = ("intro", "accept_days", "resolve_days", "categories", "questions", "shown")


def _settings(request: Request) -> dict[str, Any]:
    return site_of(request).plugin_settings("complaints")


async def _zone(request: Request) -> Any:
    return site_timezone((await site_of(request).settings.current())["timezone"])


async def _intake_page(request: Request, form: Form, status: int = 200) -> Response:
    mark_personal(request)  # the form's CSRF token and guest stamp
    viewer = await resolve_viewer(request)
    access, desk = await service.public_desk(viewer, request.path_params["slug"])
    questions = [Field.of(question) for question in desk.questions]
    return await render(
        request,
        "complaints/new.html",
        {"circle": access.circle, "desk": desk, "form": form, "questions": questions, "names": NAMES},
        status=status,
    )


async def new_complaint(request: Request) -> Response:
    return await _intake_page(request, Form())


async def file_complaint(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    form = Form.of(data, INTAKE_FIELDS)
    _, desk = await service.public_desk(viewer, request.path_params["slug"])
    questions = [Field.of(question) for question in desk.questions]
    answers = answers_from_form(questions, data)
    form.values.update({f"a{index}": value for index, value in enumerate(answers)})
    if viewer is None:
        settings = _settings(request)
        if not await guest_check(
            request,
            data,
            action=service.FILE,
            per_hour=settings["guest_complaints_per_hour"],
            min_seconds=settings["guest_min_seconds"],
        ):
            return await render(request, "complaints/filed.html", {"complaint": None})  # a bot learns nothing
    site = site_of(request)
    if viewer is not None:
        await site.limit_member(viewer, f"{_settings(request)['member_complaints_per_hour']}/hour", service.FILE)
    intake = service.Intake(
        form.values["subject"],
        form.values["body"],
        form.values["contact_name"],
        form.values["contact_email"],
        form.values["category"],
        answers,
        reader_locale(request, viewer, await site.settings.current()),
    )
    try:
        complaint = await service.file_complaint(viewer, request.path_params["slug"], intake, await _zone(request))
    except ValidationError as error:
        form.errors = error.fields
        return await _intake_page(request, form, status=400)
    mark_personal(request)
    return await render(
        request, "complaints/filed.html", {"complaint": complaint, "tracking": service.tracking_path(complaint)}
    )


async def track(request: Request, error: Any = None, status: int = 200) -> Response:
    mark_personal(request)
    view = await service.by_token(request.path_params["token"])
    response = await render(
        request, "complaints/track.html", {"case": view, "names": NAMES, "error": error, "form": Form()}, status=status
    )
    response.headers["referrer-policy"] = "no-referrer"  # the link's secret stays out of other sites' logs
    response.headers["x-robots-tag"] = "noindex"
    return response


async def track_reply(request: Request) -> Response:
    data = await read_form(request)
    view = await service.by_token(request.path_params["token"])
    try:
        await service.filer_reply(view, str(data.get("body", "")))
    except (ValidationError, Conflict) as refused:
        return await track(request, refused, status=refused.status)
    return RedirectResponse(f"/complaints/track/{request.path_params['token']}#timeline", status_code=303)


async def track_rate(request: Request) -> Response:
    data = await read_form(request)
    view = await service.by_token(request.path_params["token"])
    rating = whole_number(str(data.get("rating", "")))
    try:
        await service.rate(view, rating if rating is not None else 0, str(data.get("comment", "")))
    except (ValidationError, Conflict) as refused:
        return await track(request, refused, status=refused.status)
    return RedirectResponse(f"/complaints/track/{request.path_params['token']}#rating", status_code=303)


async def lost_link(request: Request) -> Response:
    mark_personal(request)
    form, sent = Form(), False
    if request.method == "POST":
        data = await read_form(request)
        form = Form.of(data, ("number", "email"))
        per_hour = _settings(request)["lookups_per_hour"]
        if await guest_check(request, data, action="complaints:lookup", per_hour=per_hour, require_stamp=False):
            await service.resend_link(form.values["number"], form.values["email"])
        sent = True  # the same answer whether or not they matched
    return await render(request, "complaints/lost.html", {"form": form, "sent": sent})


def _filters(request: Request) -> queue.Filters:
    query = request.query_params
    return queue.Filters(
        query.get("status", ""), query.get("assignee", ""), query.get("category", ""), query.get("overdue") == "1"
    )


async def staff_queue(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    filters = _filters(request)
    access, cases = await queue.queue(viewer, request.path_params["slug"], filters)
    _, desk = await service.staff_access(viewer, request.path_params["slug"])
    return await render(
        request,
        "complaints/queue.html",
        {
            "circle": access.circle,
            "desk": desk,
            "cases": cases,
            "filters": filters,
            "names": NAMES,
            "figures": await queue.figures(viewer, request.path_params["slug"]),
            "statuses": list(Status),
            "staff": await circle_staff(access.circle),
            "overdue": service.overdue,
        },
    )


async def case_page(request: Request, error: Any = None, status: int = 200, form: Form | None = None) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.get_case(viewer, request.path_params["number"])
    if form is None:
        canned = whole_number(request.query_params.get("canned", ""))
        chosen = next((reply for reply in view.canned if reply.id == canned), None)
        form = Form({"body": chosen.body if chosen else ""})
    questions = [Field.of(question) for question in view.complaint.questions]
    answers = [
        (question.label, answer_text(question, value))
        for question, value in zip(questions, view.complaint.answers, strict=False)
    ]
    return await render(
        request,
        "complaints/case.html",
        {"case": view, "names": NAMES, "error": error, "form": form, "answers": answers},
        status=status,
    )


async def case_action(request: Request) -> Response:
    """The staff's buttons on a case page: move, assign, reply or note, anonymise (and the filer's own reply)."""
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    number, action = request.path_params["number"], request.path_params["action"]
    form = Form({"body": str(data.get("body", ""))})
    try:
        if action == "move":
            await service.move(viewer, number, str(data.get("status", "")))
        elif action == "assign":
            await service.assign(viewer, number, str(data.get("assignee", "")) or None)
        elif action == "reply":
            view = await service.get_case(viewer, number)
            if view.staff:
                await service.reply(viewer, number, form.values["body"], internal=bool(data.get("internal")))
            else:
                await service.filer_reply(view, form.values["body"])
        elif action == "anonymise":
            await service.anonymise(viewer, number)
        else:
            raise ValidationError({"action": Message("There is no such action.")})
    except (ValidationError, Conflict) as refused:
        return await case_page(request, refused, status=refused.status, form=form)
    return RedirectResponse(f"/complaints/{service.clean_number(number)}#timeline", status_code=303)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def desk_settings(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    slug = request.path_params["slug"]
    access, desk = await service.staff_access(viewer, slug)
    status = 200
    form = Form(
        {
            "intro": desk.intro,
            "accept_days": str(desk.accept_days),
            "resolve_days": str(desk.resolve_days),
            "categories": "\n".join(desk.categories),
            "questions": "\n".join(question["label"] for question in desk.questions),
            "shown": "1" if desk.shown else "",
        }
    )
    canned_form = Form()
    if request.method == "POST":
        data = await read_form(request)
        try:
            if data.get("canned_title") is not None:
                canned_form = Form.of(data, ("canned_title", "canned_body"))
                await service.add_canned(
                    viewer, slug, canned_form.values["canned_title"], canned_form.values["canned_body"]
                )
            elif data.get("remove_canned"):
                await service.remove_canned(viewer, slug, whole_number(str(data.get("remove_canned"))) or 0)
            else:
                form = Form.of(data, DESK_FIELDS)
                questions = [
                    Field(FieldKind.SHORT_TEXT, label, [], False) for label in _lines(form.values["questions"])
                ]
                await service.update_desk(
                    viewer,
                    slug,
                    service.DeskSettings(
                        form.values["intro"],
                        whole_number(form.values["accept_days"]) or 0,
                        whole_number(form.values["resolve_days"]) or 0,
                        _lines(form.values["categories"]),
                        questions,
                        bool(form.values["shown"]),
                    ),
                )
            return RedirectResponse(f"/c/{slug}/complaints/settings?saved=1", status_code=303)
        except ValidationError as error:
            status = 400
            (canned_form if data.get("canned_title") is not None else form).errors = error.fields
    return await render(
        request,
        "complaints/settings.html",
        {
            "circle": access.circle,
            "form": form,
            "canned_form": canned_form,
            "canned": await service.canned_replies(desk),
        },
        status=status,
    )


routes: list[BaseRoute] = [
    Route("/c/{slug}/complaints/new", new_complaint),
    Route("/c/{slug}/complaints/new", file_complaint, methods=["POST"]),
    Route("/c/{slug}/complaints", staff_queue),
    Route("/c/{slug}/complaints/settings", desk_settings, methods=["GET", "POST"]),
    Route("/complaints/track", lost_link, methods=["GET", "POST"]),
    Route("/complaints/track/{token}", track),
    Route("/complaints/track/{token}/reply", track_reply, methods=["POST"]),
    Route("/complaints/track/{token}/rate", track_rate, methods=["POST"]),
    Route("/complaints/{number}", case_page),
    Route("/complaints/{number}/{action}", case_action, methods=["POST"]),
]
