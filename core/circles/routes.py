"""Pages of circles: the circle and its threads, joining, members, settings, the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.accounts import service as accounts
from core.circles import limits, service
from core.circles.models import TINTS, Circle, MemberRole
from core.contract.kinds import Slot
from core.errors import Message, NotFound, ValidationError
from core.pagination import parse_limit
from core.threads import service as threads
from core.uploads.receive import chosen, receive_picture
from core.uploads.service import picture_named
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form, safe_next
from core.web.pages import render
from core.web.share import ShareCard, absolute_url, qr_response, share_image
from core.web.site import site_of

CIRCLE_ROLE_NAMES = {"member": Message("Member"), "moderator": Message("Moderator"), "owner": Message("Owner")}
POLICY_NAMES = {"open": Message("Open"), "approval": Message("On approval"), "invite": Message("By invitation")}
CIRCLE_FIELDS = ("name", "slug", "description", "visibility", "join_policy", "tint", "review_newcomers")

TINT_NAMES = {
    "blue": Message("Blue"),
    "green": Message("Green"),
    "teal": Message("Teal"),
    "orange": Message("Orange"),
    "red": Message("Red"),
    "pink": Message("Pink"),
    "purple": Message("Purple"),
    "brown": Message("Brown"),
    "grey": Message("Grey"),
}


def content_kinds(request: Request) -> dict[str, Any]:
    """The kinds of content that enabled plugins attach to threads, by name (for their marks in lists)."""
    return site_of(request).content_kinds


async def circle_page(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    access = await service.access_by_slug(viewer, request.path_params["slug"], invited_ok=True)
    featured = request.query_params.get("featured") == "1"
    context: dict[str, Any] = {
        "circle": access.circle,
        "access": access,
        "threads": [],
        "next": None,
        "members": [],
        "featured": featured,
    }
    if access.can_view:
        page = await threads.threads_of(access, request.query_params.get("after"), parse_limit(None), featured=featured)
        members = await service.first_members(access.circle, 12)
        pending = await service.pending_count(access.circle) if access.can_moderate else 0
        context.update(threads=page.items, next=page.next, members=members, pending_count=pending)
        context["cover"] = await picture_named(access.circle.cover)
        if access.is_public:
            context["share_card"] = await _share_card(request, access.circle)
    context["kinds"] = content_kinds(request)
    circle, membership = access.circle, access.membership
    shown = (  # what circle.html shows besides the frame: the page is kept whole under it (core/web/pages.py)
        (circle.id, circle.slug, circle.name, circle.tint, circle.description, circle.join_policy),
        (circle.member_count, circle.thread_count, context.get("cover"), context.get("share_card")),
        (access.is_public, access.can_view, access.can_post, access.can_moderate, access.is_owner),
        membership.status.value if membership else "",
        (featured, tuple(context["threads"]), context["next"], tuple(context["members"]), context.get("pending_count")),
    )
    return await render(request, "circle.html", context, slots=(Slot.CIRCLE_SIDEBAR,), keep=shown)


async def _share_card(request: Request, circle: Circle) -> ShareCard:
    """What a chat app shows for the circle's link: its name, description, and its cover (else the site's logo,
    else a card drawn in its colour)."""
    image = await share_image(request, circle.cover, title=circle.name, tint=circle.tint)
    return ShareCard(
        circle.name,
        absolute_url(request, f"/c/{circle.slug}"),
        circle.description[:200],
        image=image,
        qr=f"/c/{circle.slug}/qr.svg",
    )


async def share_page(request: Request) -> Response:
    """The circle's link and QR code, to print on a poster or send into a chat group (who may see the circle)."""
    access = await service.access_by_slug(await resolve_viewer(request), request.path_params["slug"])
    context = {"circle": access.circle, "share_card": await _share_card(request, access.circle)}
    return await render(request, "circle_share.html", context)


async def qr_code(request: Request) -> Response:
    access = await service.access_by_slug(await resolve_viewer(request), request.path_params["slug"])
    public = access.is_public
    url = absolute_url(request, f"/c/{access.circle.slug}")
    return qr_response(url, request.url.path.rpartition(".")[2], public=public)


async def join(request: Request) -> Response:
    """Join (or ask to join), then back to the circle, or to the page the form came from (``next``: an event)."""
    data = await read_form(request)
    await service.join(await resolve_viewer(request), request.path_params["slug"])
    return RedirectResponse(safe_next(str(data.get("next", "")), f"/c/{request.path_params['slug']}"), status_code=303)


async def leave(request: Request) -> Response:
    await read_form(request)
    await service.leave(await resolve_viewer(request), request.path_params["slug"])
    return RedirectResponse(f"/c/{request.path_params['slug']}", status_code=303)


async def _members_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    slug = request.path_params["slug"]
    access = await service.access_by_slug(viewer, slug)
    page = await service.list_members(viewer, slug, "active", request.query_params.get("after"), 50)
    pending = (await service.list_members(viewer, slug, "pending", None, 100)).items if access.can_moderate else []
    context = {
        "circle": access.circle,
        "access": access,
        "members": page.items,
        "next": page.next,
        "pending": pending,
        "role_names": CIRCLE_ROLE_NAMES,
        "form": form or Form(),
    }
    return await render(request, "circle_members.html", context, status=status)


async def members(request: Request) -> Response:
    return await _members_page(request)


async def set_member(request: Request) -> Response:
    data = await read_form(request)
    member = await accounts.get_user(request.path_params["username"])
    role = str(data.get("role", "member"))
    if role not in CIRCLE_ROLE_NAMES:
        raise ValidationError({"role": Message("Choose one of the roles offered.")})
    await service.set_member(await resolve_viewer(request), request.path_params["slug"], member, MemberRole(role))
    return RedirectResponse(f"/c/{request.path_params['slug']}/members", status_code=303)


async def remove_member(request: Request) -> Response:
    await read_form(request)
    member = await accounts.get_user(request.path_params["username"])
    await service.remove_member(await resolve_viewer(request), request.path_params["slug"], member)
    return RedirectResponse(f"/c/{request.path_params['slug']}/members", status_code=303)


async def invite(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("username",))
    try:
        member = await accounts.get_user(form.values["username"])
    except NotFound:
        form.errors = {"username": Message("No member has this username.")}
        return await _members_page(request, form, status=400)
    await service.set_member(await resolve_viewer(request), request.path_params["slug"], member, MemberRole.MEMBER)
    return RedirectResponse(f"/c/{request.path_params['slug']}/members", status_code=303)


async def _circle_form(
    request: Request,
    form: Form,
    *,
    action: str,
    heading: Message,
    submit: Message,
    status: int = 200,
    circle: Circle | None = None,
) -> Response:
    cover = await picture_named(circle.cover) if circle is not None else None
    context = {
        "form": form,
        "action": action,
        "heading": heading,
        "submit": submit,
        "tints": [(tint, TINT_NAMES[tint]) for tint in TINTS],
        "cover": cover,
        "circle": circle,
    }
    return await render(request, "circle_form.html", context, status=status)


NEW_CIRCLE: dict[str, Any] = {
    "action": "/circles/new",
    "heading": Message("New circle"),
    "submit": Message("Create circle"),
}


def _settings_form(circle: Circle) -> dict[str, Any]:
    return {
        "action": f"/c/{circle.slug}/settings",
        "heading": Message("Circle settings"),
        "submit": Message("Save"),
        "circle": circle,
    }


async def new_circle(request: Request) -> Response:
    require_actor(await resolve_viewer(request))
    return await _circle_form(request, Form({"visibility": "public", "join_policy": "open"}), **NEW_CIRCLE)


async def create_circle(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, CIRCLE_FIELDS)
    viewer = await resolve_viewer(request)
    await limits.check_create(site_of(request), viewer)
    try:
        circle = await service.create_circle(viewer, _circle_values(form))
    except ValidationError as error:
        form.errors = error.fields
        return await _circle_form(request, form, status=400, **NEW_CIRCLE)
    return RedirectResponse(f"/c/{circle.slug}", status_code=303)


def _circle_values(form: Form) -> dict[str, Any]:
    values: dict[str, Any] = dict(form.values)
    if values.get("visibility") not in ("public", "private"):
        values["visibility"] = "public"
    if values.get("join_policy") not in POLICY_NAMES:
        values["join_policy"] = "open"
    values["review_newcomers"] = bool(values.get("review_newcomers"))
    return values


async def circle_settings(request: Request) -> Response:
    access = await service.access_by_slug(await resolve_viewer(request), request.path_params["slug"])
    if not access.is_owner:
        raise NotFound()
    circle = access.circle
    values = {
        "name": circle.name,
        "slug": circle.slug,
        "description": circle.description,
        "visibility": circle.visibility.value,
        "join_policy": circle.join_policy.value,
        "tint": circle.tint,
        "review_newcomers": "1" if circle.review_newcomers else "",
    }
    return await _circle_form(request, Form(values), **_settings_form(circle))


async def save_circle_settings(request: Request) -> Response:
    """The circle's settings, and its cover: a new picture, or none (``remove_cover``)."""
    data = await read_form(request, files=("cover",))
    form = Form.of(data, CIRCLE_FIELDS)
    viewer = await resolve_viewer(request)
    access = await service.access_by_slug(viewer, request.path_params["slug"])
    try:
        cover = await chosen(data, "cover")
        upload = await receive_picture(request, viewer, cover, field="cover") if cover is not None else None
        circle = await service.update_circle(viewer, access.circle.slug, _circle_values(form))
        if upload is not None or data.get("remove_cover"):
            circle = await service.set_cover(viewer, circle.slug, upload)
    except ValidationError as error:
        form.errors = error.fields
        return await _circle_form(request, form, status=400, **_settings_form(access.circle))
    return RedirectResponse(f"/c/{circle.slug}/settings?saved=1", status_code=303)


async def feed(request: Request) -> Response:
    """The Atom feed of a public circle's latest threads (private circles have none: feed readers carry no session)."""
    access = await service.access_by_slug(None, request.path_params["slug"])
    if not access.is_public:
        raise NotFound()
    page = await threads.list_threads(None, access.circle.slug, None, 20)
    latest = sorted(page.items, key=lambda thread: thread.last_activity_at, reverse=True)
    site = site_of(request)
    context = {
        "request": request,
        "circle": access.circle,
        "threads": latest,
        "first_posts": await threads.first_posts(latest),
        "site": await site.settings.current(),
        "base_url": site.config.base_url or str(request.base_url).rstrip("/"),
        "updated": latest[0].last_activity_at if latest else access.circle.created_at or datetime.now(UTC),
    }
    body = site.templates.get_template("feed.atom").render(context)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


routes: list[BaseRoute] = [
    Route("/circles/new", new_circle, methods=["GET"]),
    Route("/circles/new", create_circle, methods=["POST"]),
    Route("/c/{slug}", circle_page, methods=["GET"]),
    Route("/c/{slug}/join", join, methods=["POST"]),
    Route("/c/{slug}/leave", leave, methods=["POST"]),
    Route("/c/{slug}/members", members, methods=["GET"]),
    Route("/c/{slug}/invite", invite, methods=["POST"]),
    Route("/c/{slug}/members/{username}", set_member, methods=["POST"]),
    Route("/c/{slug}/members/{username}/remove", remove_member, methods=["POST"]),
    Route("/c/{slug}/settings", circle_settings, methods=["GET"]),
    Route("/c/{slug}/settings", save_circle_settings, methods=["POST"]),
    Route("/c/{slug}/feed.atom", feed, methods=["GET"]),
    Route("/c/{slug}/share", share_page, methods=["GET"]),
    Route("/c/{slug}/qr.svg", qr_code, methods=["GET"]),
    Route("/c/{slug}/qr.png", qr_code, methods=["GET"]),
]
