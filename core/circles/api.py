"""JSON API of circles and their members."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from core.accounts import service as accounts
from core.circles import limits, service
from core.circles.models import MemberRole, TemplateUse
from core.circles.scenarios import apply_scenario, missing_plugins, scenarios, uses
from core.circles.serialize import circle_json, membership_json
from core.contract.kinds import Scenario
from core.errors import Forbidden, Message
from core.pagination import parse_limit
from core.pluginhost.host import PluginHost
from core.web.jsonapi import ApiCall, ApiRouter, Body
from core.web.pages import reader_locale

router = ApiRouter("circles")


class NewCircle(Body):
    slug: str
    name: str
    description: str = ""
    visibility: Literal["public", "private"] = "public"
    join_policy: Literal["open", "approval", "invite"] = "open"
    tint: str = ""  # one of the colours in TINTS, or "" for the site's
    review_newcomers: bool = False  # new members' posts wait for a moderator (a public circle)


class CircleChanges(Body):
    slug: str | None = None
    name: str | None = None
    description: str | None = None
    visibility: Literal["public", "private"] | None = None
    join_policy: Literal["open", "approval", "invite"] | None = None
    tint: str | None = None
    review_newcomers: bool | None = None


class MemberChange(Body):
    role: Literal["member", "moderator", "owner"]


@router.route("GET", "/circles", "The circles the viewer may see", query=("limit", "cursor"))
async def list_circles(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.list_circles(call.viewer, call.query("cursor"), parse_limit(call.query("limit")))
    return {"items": [circle_json(circle) for circle in page.items], "next": page.next}


@router.route(
    "POST", "/circles", "Create a circle; its creator becomes its owner", body=NewCircle, status=201, auth=True
)
async def create_circle(call: ApiCall[NewCircle]) -> dict[str, Any]:
    await limits.check_create(call.site, call.viewer)
    circle = await service.create_circle(call.viewer, call.body.model_dump())
    return circle_json(circle, await service.access_by_slug(call.viewer, circle.slug))


@router.route("GET", "/circles/{slug}", "A circle, with the viewer's membership")
async def get_circle(call: ApiCall[None]) -> dict[str, Any]:
    access = await service.access_by_slug(call.viewer, call.params["slug"], invited_ok=True)
    return circle_json(access.circle, access)


@router.route("PATCH", "/circles/{slug}", "Change a circle's settings (owners)", body=CircleChanges, auth=True)
async def patch_circle(call: ApiCall[CircleChanges]) -> dict[str, Any]:
    changes = {name: value for name, value in call.body.sent().items() if value is not None}
    circle = await service.update_circle(call.viewer, call.params["slug"], changes)
    return circle_json(circle, await service.access_by_slug(call.viewer, circle.slug))


@router.route("POST", "/circles/{slug}/join", "Join, ask to join, or accept an invitation", auth=True)
async def join(call: ApiCall[None]) -> dict[str, Any]:
    status = await service.join(call.viewer, call.params["slug"])
    return {"status": status.value}


@router.route("POST", "/circles/{slug}/leave", "Leave a circle (or withdraw a request)", auth=True, status=204)
async def leave(call: ApiCall[None]) -> None:
    await service.leave(call.viewer, call.params["slug"])


@router.route(
    "GET",
    "/circles/{slug}/members",
    "Members; ?status=pending|invited for moderators",
    query=("status", "limit", "cursor"),
)
async def list_members(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.list_members(
        call.viewer,
        call.params["slug"],
        call.query("status") or "active",
        call.query("cursor"),
        parse_limit(call.query("limit")),
    )
    return {"items": [membership_json(m) for m in page.items], "next": page.next}


@router.route(
    "PUT",
    "/circles/{slug}/members/{username}",
    "Approve, invite, or change a member's role",
    body=MemberChange,
    auth=True,
)
async def put_member(call: ApiCall[MemberChange]) -> dict[str, Any]:
    member = await accounts.get_user(call.params["username"])
    membership = await service.set_member(call.viewer, call.params["slug"], member, MemberRole(call.body.role))
    return membership_json(membership)


@router.route(
    "DELETE", "/circles/{slug}/members/{username}", "Remove a member, refuse a request", auth=True, status=204
)
async def delete_member(call: ApiCall[None]) -> None:
    member = await accounts.get_user(call.params["username"])
    await service.remove_member(call.viewer, call.params["slug"], member)


class TemplateApplication(Body):
    title: str | None = None
    answers: dict[str, Any] = {}
    again: bool = False


def _template_json(host: PluginHost, scenario: Scenario, used: list[TemplateUse]) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "requires": list(scenario.requires),
        "missing_plugins": missing_plugins(host, scenario),
        "questions": [question.as_json() for question in scenario.questions],
        "applied": [{"applied_at": use.applied_at.isoformat(), "created": use.created} for use in used],
    }


@router.route("GET", "/circles/{slug}/templates", "The scenario templates, and those applied here (owners)", auth=True)
async def list_templates(call: ApiCall[None]) -> dict[str, Any]:
    access = await service.access_by_slug(call.viewer, call.params["slug"])
    if not access.is_owner:
        raise Forbidden(Message("Only the circle's owners apply templates to it."))
    host = call.site.plugins
    used = await uses(access.circle)
    return {"items": [_template_json(host, scenario, used.get(name, [])) for name, scenario in scenarios(host).items()]}


@router.route(
    "POST",
    "/circles/{slug}/templates/{name}",
    "Apply a scenario template to the circle (owners)",
    body=TemplateApplication,
    status=201,
    auth=True,
)
async def apply_template(call: ApiCall[TemplateApplication]) -> dict[str, Any]:
    body = call.body
    locale = reader_locale(call.request, call.viewer, await call.site.settings.current())
    applied = await apply_scenario(
        call.site.plugins,
        call.params["name"],
        call.params["slug"],
        body.title,
        answers=body.answers,
        again=body.again,
        actor=call.viewer,
        locale=locale,
    )
    return {"template": applied.scenario.name, "created": [asdict(item) for item in applied.created]}
