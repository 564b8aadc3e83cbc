"""JSON API of the complaints desk (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from core.plugins import (
    ApiCall,
    ApiRouter,
    Body,
    Field,
    Message,
    csv_response,
    reader_locale,
    site_timezone,
)
from plugins.complaints import queue, service
from plugins.complaints.serialize import case_json, summary_json, tracked_json

router = ApiRouter("complaints")


class NewComplaint(Body):
    subject: str
    body: str
    contact_name: str = ""
    contact_email: str = ""
    category: str = ""
    answers: list[Any] = []


class Change(Body):
    status: str | None = None
    assignee: str | None = None


class Reply(Body):
    body: str
    internal: bool = False


class FilerReply(Body):
    body: str


class Rating(Body):
    rating: int
    comment: str = ""


class Lookup(Body):
    number: str
    email: str


class NewField(Body):
    kind: str
    label: str
    options: list[str] = []
    required: bool = False


class DeskBody(Body):
    intro: str = ""
    accept_days: int = 7
    resolve_days: int = 45
    categories: list[str] = []
    questions: list[NewField] = []
    shown: bool = True  # in the circle's sidebar


async def _zone(call: ApiCall[Any]) -> Any:
    return site_timezone((await call.site.settings.current())["timezone"])


async def _locale(call: ApiCall[Any]) -> str:
    return reader_locale(call.request, call.viewer, await call.site.settings.current())


@router.route(
    "POST",
    "/circles/{slug}/complaints",
    "File a complaint with the circle's desk (guests too, in a public circle)",
    body=NewComplaint,
    status=201,
)
async def file_complaint(call: ApiCall[NewComplaint]) -> dict[str, Any]:
    settings = call.site.plugin_settings("complaints")
    if call.viewer is None:
        await call.site.limit_address(call.request, f"{settings['guest_complaints_per_hour']}/hour", service.FILE)
    else:
        await call.site.limit_member(call.viewer, f"{settings['member_complaints_per_hour']}/hour", service.FILE)
    body = call.body
    intake = service.Intake(
        body.subject, body.body, body.contact_name, body.contact_email, body.category, body.answers, await _locale(call)
    )
    complaint = await service.file_complaint(call.viewer, call.params["slug"], intake, await _zone(call))
    return {
        "number": complaint.number,
        "status": complaint.status.value,
        "tracking_url": service.tracking_path(complaint),
    }


@router.route("GET", "/complaints/track/{token}", "A case as its tracking link shows it (public replies only)")
async def track(call: ApiCall[None]) -> dict[str, Any]:
    return tracked_json(await service.by_token(call.params["token"]))


@router.route("POST", "/complaints/track/{token}/replies", "The filer adds to the case", body=FilerReply, status=201)
async def filer_reply(call: ApiCall[FilerReply]) -> dict[str, Any]:
    view = await service.by_token(call.params["token"])
    return tracked_json(await service.filer_reply(view, call.body.body))


@router.route(
    "POST", "/complaints/track/{token}/rating", "The filer rates the handling of a resolved case, once", body=Rating
)
async def rate(call: ApiCall[Rating]) -> dict[str, Any]:
    return tracked_json(
        await service.rate(await service.by_token(call.params["token"]), call.body.rating, call.body.comment)
    )


@router.route(
    "POST",
    "/complaints/track",
    "Lost the link: mailed again to the case's contact when number and e-mail match; the same answer either way",
    body=Lookup,
    status=202,
)
async def resend(call: ApiCall[Lookup]) -> dict[str, Any]:
    per_hour = call.site.plugin_settings("complaints")["lookups_per_hour"]
    await call.site.limit_address(call.request, f"{per_hour}/hour", "complaints:lookup")
    await service.resend_link(call.body.number, call.body.email)
    return {"message": Message("If the number and the address match a case, its link is on its way.")}


@router.route(
    "GET",
    "/circles/{slug}/complaints",
    "The desk's queue (its staff): ?status=, assignee=, category=, overdue=1",
    auth=True,
    query=("status", "assignee", "category", "overdue"),
)
async def list_complaints(call: ApiCall[None]) -> dict[str, Any]:
    filters = queue.Filters(
        call.query("status") or "",
        call.query("assignee") or "",
        call.query("category") or "",
        call.query("overdue") in ("1", "true"),
    )
    _, cases = await queue.queue(call.viewer, call.params["slug"], filters)
    return {
        "items": [
            {
                **summary_json(case),
                "assignee": case.assignee.username if case.assignee else None,
                "overdue": service.overdue(case),
            }
            for case in cases
        ]
    }


@router.route(
    "GET",
    "/circles/{slug}/complaints/figures",
    "The desk's figures: counts by status, overdue, median hours to accept and to resolve, ratings (its staff)",
    auth=True,
)
async def figures(call: ApiCall[None]) -> dict[str, Any]:
    found = await queue.figures(call.viewer, call.params["slug"])
    return {
        "by_status": found.by_status,
        "overdue": found.overdue,
        "median_hours_to_accept": found.median_hours_to_accept,
        "median_hours_to_resolve": found.median_hours_to_resolve,
        "ratings": {str(key): value for key, value in sorted(found.ratings.items())},
        "average_rating": found.average_rating,
    }


@router.route(
    "GET",
    "/circles/{slug}/complaints.csv",
    "Every case as CSV (its staff); internal notes only with ?notes=1",
    auth=True,
    query=("notes",),
)
async def export(call: ApiCall[None]) -> Response:
    header, rows = await queue.export_rows(call.viewer, call.params["slug"], notes=call.query("notes") == "1")
    settings = await call.site.settings.current()
    gettext = call.site.catalogues.get(await _locale(call)).gettext
    zone = site_timezone(settings["timezone"])
    header = [gettext(cell.msgid) if isinstance(cell, Message) else cell for cell in header]
    for row in rows:
        for index in (1, 8, 9):
            row[index] = row[index].astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return csv_response(f"complaints-{call.params['slug']}.csv", header, rows)


def _desk_json(desk: Any) -> dict[str, Any]:
    return {
        "intro": desk.intro,
        "accept_days": desk.accept_days,
        "resolve_days": desk.resolve_days,
        "categories": desk.categories,
        "questions": desk.questions,
        "shown": desk.shown,
    }


@router.route("GET", "/circles/{slug}/complaints/desk", "The desk's settings (its staff)", auth=True)
async def get_desk(call: ApiCall[None]) -> dict[str, Any]:
    _, desk = await service.staff_access(call.viewer, call.params["slug"])
    return _desk_json(desk)


@router.route(
    "PUT",
    "/circles/{slug}/complaints/desk",
    "Set the desk's promises in working days, categories, questions and introduction (its staff)",
    body=DeskBody,
    auth=True,
)
async def put_desk(call: ApiCall[DeskBody]) -> dict[str, Any]:
    body = call.body
    settings = service.DeskSettings(
        body.intro,
        body.accept_days,
        body.resolve_days,
        body.categories,
        [Field(q.kind, q.label, q.options, q.required) for q in body.questions],
        body.shown,
    )
    return _desk_json(await service.update_desk(call.viewer, call.params["slug"], settings))


@router.route("GET", "/complaints/{number}", "A case (its desk's staff, and the member who filed it)", auth=True)
async def get_case(call: ApiCall[None]) -> dict[str, Any]:
    return case_json(await service.get_case(call.viewer, call.params["number"]))


@router.route(
    "PATCH",
    "/complaints/{number}",
    "Move a case along (the table of moves) or assign it (staff)",
    body=Change,
    auth=True,
)
async def change(call: ApiCall[Change]) -> dict[str, Any]:
    given = call.body.model_dump(exclude_unset=True)
    view = await service.get_case(call.viewer, call.params["number"])
    if "assignee" in given:
        view = await service.assign(call.viewer, call.params["number"], given["assignee"])
    if given.get("status"):
        view = await service.move(call.viewer, call.params["number"], given["status"])
    return case_json(view)


@router.route(
    "POST",
    "/complaints/{number}/replies",
    "A reply to the filer (mailed), or an internal note (staff)",
    body=Reply,
    status=201,
    auth=True,
)
async def reply(call: ApiCall[Reply]) -> dict[str, Any]:
    view = await service.get_case(call.viewer, call.params["number"])
    if not view.staff:  # the member who filed it adds to it; internal notes are not theirs to write
        return case_json(await service.filer_reply(view, call.body.body))
    return case_json(
        await service.reply(call.viewer, call.params["number"], call.body.body, internal=call.body.internal)
    )


@router.route(
    "POST",
    "/complaints/{number}/anonymise",
    "Replace the filer's contact, keep the text (staff; a personal-data request)",
    auth=True,
)
async def anonymise(call: ApiCall[None]) -> dict[str, Any]:
    return case_json(await service.anonymise(call.viewer, call.params["number"]))
