"""Pages of meetings: the home page that links everything, the agenda's forms, the notice board's form and the
printable name badges. Thin handlers: read the form, call the service, render or redirect."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Form,
    ValidationError,
    circle_share_card,
    mark_personal,
    parse_form_time,
    read_form,
    render,
    resolve_viewer,
    site_timezone,
)
from plugins.meeting_kit import service

ITEM_FIELDS = ("starts_at", "ends_at", "title", "speaker", "room")


def _draft(form: Form, zone: str) -> service.ItemDraft:
    where = site_timezone(zone)
    values = form.values
    return service.ItemDraft(
        parse_form_time(values["starts_at"], where, "starts_at"),
        parse_form_time(values["ends_at"], where, "ends_at"),
        values["title"],
        values["speaker"],
        values["room"],
    )


def _local(value: Any, zone: str) -> str:
    return str(value.astimezone(site_timezone(zone)).strftime("%Y-%m-%dT%H:%M"))


async def home(request: Request, form: Form | None = None, status: int = 200) -> Response:
    mark_personal(request)  # the viewer's registration and notices
    view = await service.get_meeting(await resolve_viewer(request), request.path_params["id"])
    if form is None:
        zone = view.event.event.timezone
        last = view.items[-1].ends_at if view.items else view.event.event.starts_at
        form = Form({"starts_at": _local(last, zone), "ends_at": _local(last, zone)})
    circle = view.event.where.access.circle
    card = await circle_share_card(
        request,
        circle,
        view.event.thread.title,
        f"/meetings/{view.meeting.id}",
        view.event.event.location or circle.description,
    )
    return await render(
        request, "meeting_kit/home.html", {"meeting": view, "form": form, "share_card": card}, status=status
    )


async def add_item(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.manage_meeting(viewer, request.path_params["id"])
    form = Form.of(await read_form(request), ITEM_FIELDS)
    try:
        await service.add_item(viewer, view.meeting.id, _draft(form, view.event.event.timezone))
    except ValidationError as error:
        form.errors = error.fields
        return await home(request, form, status=400)
    return RedirectResponse(f"/meetings/{view.meeting.id}#agenda", status_code=303)


async def edit_item(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.manage_meeting(viewer, request.path_params["id"])
    item_id = request.path_params["item"]
    item = next((item for item in view.items if item.id == item_id), None)
    if item is None:
        await service.update_item(viewer, view.meeting.id, item_id, service.ItemDraft(None, None, ""))  # NotFound
    zone = view.event.event.timezone
    status = 200
    if request.method == "POST":
        form = Form.of(await read_form(request), ITEM_FIELDS)
        try:
            await service.update_item(viewer, view.meeting.id, item_id, _draft(form, zone))
            return RedirectResponse(f"/meetings/{view.meeting.id}#agenda", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    else:
        assert item is not None
        form = Form(
            {
                "starts_at": _local(item.starts_at, zone),
                "ends_at": _local(item.ends_at, zone),
                "title": item.title,
                "speaker": item.speaker,
                "room": item.room,
            }
        )
    return await render(
        request, "meeting_kit/item.html", {"meeting": view, "item_id": item_id, "form": form}, status=status
    )


async def remove_item(request: Request) -> Response:
    await read_form(request)
    await service.remove_item(await resolve_viewer(request), request.path_params["id"], request.path_params["item"])
    return RedirectResponse(f"/meetings/{request.path_params['id']}#agenda", status_code=303)


async def new_notice(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    view = await service.manage_meeting(viewer, request.path_params["id"])
    form, status = Form({"title": "", "body": ""}), 200
    if request.method == "POST":
        form = Form.of(await read_form(request), ("title", "body"))
        try:
            notice_id, _ = await service.post_notice(viewer, view.meeting.id, form.values["title"], form.values["body"])
            return RedirectResponse(f"/notices/{notice_id}", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    return await render(request, "meeting_kit/notice.html", {"meeting": view, "form": form}, status=status)


async def badges(request: Request) -> Response:
    view, found = await service.badges(await resolve_viewer(request), request.path_params["id"])
    return await render(request, "meeting_kit/badges.html", {"meeting": view, "badges": found})


routes: list[BaseRoute] = [
    Route("/meetings/{id:int}", home),
    Route("/meetings/{id:int}/agenda", add_item, methods=["POST"]),
    Route("/meetings/{id:int}/agenda/{item:int}", edit_item, methods=["GET", "POST"]),
    Route("/meetings/{id:int}/agenda/{item:int}/remove", remove_item, methods=["POST"]),
    Route("/meetings/{id:int}/notices/new", new_notice, methods=["GET", "POST"]),
    Route("/meetings/{id:int}/badges", badges),
]
