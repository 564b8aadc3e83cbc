"""The notifications page, the choice of how each kind reaches the member, and the unsubscribe link of mails."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import require_actor
from core.accounts.models import User
from core.circles.service import access_by_slug
from core.contract.kinds import NotificationKind
from core.errors import Message, NotFound
from core.mail.compose import read_unsubscribe_token
from core.notifications import service, watching
from core.notifications.models import Channel
from core.pagination import parse_limit
from core.threads.service import get_thread
from core.web.auth import resolve_viewer
from core.web.forms import read_form
from core.web.pages import render
from core.web.site import site_of


async def notifications_page(request: Request) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    page = await service.notifications(viewer, request.query_params.get("after"), parse_limit(None))
    context = {"notifications": page.items, "next": page.next, "kinds": site_of(request).notification_kinds}
    return await render(request, "notifications.html", context)


async def read_all(request: Request) -> Response:
    await read_form(request)
    await service.mark_all_read(require_actor(await resolve_viewer(request)))
    return RedirectResponse("/notifications", status_code=303)


async def settings_notifications(request: Request) -> Response:
    """The settings page's choices: for each kind, e-mail and app, app only, or off."""
    data = await read_form(request)
    viewer = require_actor(await resolve_viewer(request))
    kinds = site_of(request).notification_kinds
    await service.set_choices(viewer, {kind: str(data[kind]) for kind in kinds if kind in data})
    chosen = {(kind, channel) for kind, _, channel in (str(value).partition(":") for value in data.getlist("reach"))}
    await service.set_reaches(viewer, chosen)
    return RedirectResponse("/settings?done=notifications#notification-settings", status_code=303)


DIGEST = NotificationKind("digest", "", label=Message("The daily digest"))  # what its unsubscribe link names


async def _unsubscribing(request: Request) -> tuple[User, NotificationKind]:
    """The member and the kind of mail an unsubscribe link stops (a kind of notification, or the digest)."""
    found = read_unsubscribe_token(site_of(request).config.secret_key, request.path_params["token"])
    user = await User.get_or_none(id=found[0]) if found else None
    kind = {**site_of(request).notification_kinds, DIGEST.name: DIGEST}.get(found[1]) if found else None
    if user is None or kind is None:
        raise NotFound(Message("This unsubscribe link is not valid."))
    return user, kind


async def unsubscribe_page(request: Request) -> Response:
    """What the link in a mail opens: a button, so that a mail scanner following links changes nothing."""
    user, kind = await _unsubscribing(request)
    return await render(request, "unsubscribe.html", {"kind": kind, "member": user, "done": False})


async def unsubscribe(request: Request) -> Response:
    """Stop mails of one kind, or the digest (in-app notifications go on): the page's button, or a mail program's
    one-click POST (RFC 8058), which carries no cookie; the signed link is the proof."""
    user, kind = await _unsubscribing(request)
    if kind is DIGEST:
        chosen = await service.choices(user)
        await service.set_choices(
            user, {name: Channel.APP for name, channel in chosen.items() if channel == Channel.DIGEST}
        )
    else:
        await service.set_choices(user, {kind.name: Channel.APP})
    return await render(request, "unsubscribe.html", {"kind": kind, "member": user, "done": True})


async def watch_thread(request: Request) -> Response:
    data = await read_form(request)
    viewer = require_actor(await resolve_viewer(request))
    view = await get_thread(viewer, request.path_params["id"])
    await watching.set_level(viewer, str(data.get("level", "")), thread=view.thread)
    return RedirectResponse(f"/t/{view.thread.id}", status_code=303)


async def watch_circle(request: Request) -> Response:
    data = await read_form(request)
    viewer = require_actor(await resolve_viewer(request))
    access = await access_by_slug(viewer, request.path_params["slug"])
    await watching.set_level(viewer, str(data.get("level", "")), circle=access.circle)
    return RedirectResponse(f"/c/{access.circle.slug}", status_code=303)


routes: list[BaseRoute] = [
    Route("/notifications", notifications_page, methods=["GET"]),
    Route("/notifications/read", read_all, methods=["POST"]),
    Route("/settings/notifications", settings_notifications, methods=["POST"]),
    Route("/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
    Route("/t/{id:int}/watch", watch_thread, methods=["POST"]),
    Route("/c/{slug}/watch", watch_circle, methods=["POST"]),
]
