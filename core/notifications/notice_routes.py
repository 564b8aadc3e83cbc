"""The pages and API of notices: a circle's staff write one and watch it being read; its recipients read it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.accounts.serialize import user_ref
from core.errors import ValidationError
from core.notifications import notices
from core.notifications.models import Notice, NoticeReceipt
from core.pagination import parse_limit
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.jsonapi import ApiCall, ApiRouter, Body
from core.web.pages import render

router = ApiRouter("notices")


def notice_json(notice: Notice, receipt: NoticeReceipt | None, found: notices.Receipts | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": notice.id,
        "title": notice.title,
        "body": notice.body,
        "html": notice.html,
        "circle": {"slug": notice.circle.slug, "name": notice.circle.name},
        "sender": user_ref(notice.sender) if notice.sender else None,
        "audience": notice.audience,
        "created_at": notice.created_at.isoformat(),
        "url": f"/notices/{notice.id}",
        "read_at": receipt.read_at.isoformat() if receipt and receipt.read_at else None,
    }
    if found is not None:  # its sender and the circle's staff
        data["receipts"] = {
            "read": [{**user_ref(user), "read_at": at.isoformat()} for user, at in found.read],
            "unread": [user_ref(user) for user in found.unread],
        }
    return data


class NewNotice(Body):
    title: str
    body: str


@router.route(
    "POST",
    "/circles/{slug}/notices",
    "Send a notice to the circle's members, with read receipts (owners, moderators)",
    body=NewNotice,
    auth=True,
    status=201,
)
async def send(call: ApiCall[NewNotice]) -> dict[str, Any]:
    notice, count = await notices.send_notice(call.viewer, call.params["slug"], call.body.title, call.body.body)
    return {"id": notice.id, "title": notice.title, "url": f"/notices/{notice.id}", "recipients": count}


@router.route(
    "GET",
    "/circles/{slug}/notices",
    "The circle's notices, newest first, with how many read each (owners, moderators)",
    auth=True,
    query=("limit",),
)
async def listed(call: ApiCall[None]) -> dict[str, Any]:
    _, found = await notices.circle_notices(call.viewer, call.params["slug"])
    limit = parse_limit(call.query("limit"))
    return {
        "items": [
            {
                "id": notice.id,
                "title": notice.title,
                "created_at": notice.created_at.isoformat(),
                "url": f"/notices/{notice.id}",
                "read": read,
                "recipients": total,
            }
            for notice, read, total in found[:limit]
        ]
    }


@router.route(
    "GET",
    "/notices/{id:int}",
    "A notice (its recipients; with its receipts for its sender and the circle's staff)",
    auth=True,
)
async def get(call: ApiCall[None]) -> dict[str, Any]:
    notice, receipt, staff = await notices.get_notice(call.viewer, call.params["id"])
    return notice_json(notice, receipt, await notices.receipts(notice) if staff else None)


@router.route("POST", "/notices/{id:int}/read", "Mark a notice one received as read", auth=True, status=204)
async def read(call: ApiCall[None]) -> None:
    notice, receipt, _ = await notices.get_notice(call.viewer, call.params["id"])
    if receipt is not None and call.viewer is not None:
        await notices.mark_read(call.viewer, notice.id)


async def _circle_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    circle, found = await notices.circle_notices(await resolve_viewer(request), request.path_params["slug"])
    context = {"circle": circle, "notices": found, "form": form or Form()}
    return await render(request, "notices.html", context, status=status)


async def circle_page(request: Request) -> Response:
    return await _circle_page(request)


async def send_page(request: Request) -> Response:
    form = Form.of(await read_form(request), ("title", "body"))
    try:
        notice, _ = await notices.send_notice(
            await resolve_viewer(request), request.path_params["slug"], form.values["title"], form.values["body"]
        )
    except ValidationError as error:
        form.errors = error.fields
        return await _circle_page(request, form, status=400)
    return RedirectResponse(f"/notices/{notice.id}", status_code=303)


async def notice_page(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    notice, receipt, staff = await notices.get_notice(viewer, request.path_params["id"])
    if receipt is not None and viewer is not None:
        await notices.mark_read(viewer, notice.id)
    context = {"notice": notice, "receipts": await notices.receipts(notice) if staff else None}
    return await render(request, "notice.html", context)


routes: list[BaseRoute] = [
    Route("/c/{slug}/notices", circle_page, methods=["GET"]),
    Route("/c/{slug}/notices", send_page, methods=["POST"]),
    Route("/notices/{id:int}", notice_page, methods=["GET"]),
]
