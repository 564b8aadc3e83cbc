"""Notifications, registered through the plugin hooks: the core's own kinds, sent after the core's writes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from core.access.audience import Audience
from core.access.scope import acting
from core.accounts.models import User
from core.circles.models import Circle
from core.circles.service import circle_staff
from core.contract import hookimpl
from core.contract.kinds import JobKind, NotificationKind, Slot, SlotContent, answers_slots
from core.errors import Message
from core.markdown import mentioned_names
from core.notifications import api, notice_routes, notices, routes
from core.notifications.audiences import ACCOUNT, CIRCLE_MEMBERS, CIRCLE_STAFF
from core.notifications.mail import send_digest, send_notification
from core.notifications.reach import CHANNEL_OFF, send_reach
from core.notifications.service import (
    DIGEST,
    MAIL,
    REACH,
    REACH_ATTEMPTS,
    notify,
    notify_about,
    notify_gathered,
    unread_count,
)
from core.notifications.watching import circle_watchers, level_of, thread_watchers
from core.threads.models import Post, Thread
from core.web.jsonapi import ApiRouter

MENTION = NotificationKind(
    "mention", Message("%(actor)s mentioned you in “%(title)s”"), email=True, label=Message("Mentions of you")
)
REPLY = NotificationKind(
    "reply", Message("%(actor)s replied to “%(title)s”"), email=True, label=Message("Replies to your threads")
)
WATCHED_REPLY = NotificationKind(
    "watched_reply",
    Message("%(actor)s replied in “%(title)s”"),
    email=True,
    label=Message("Replies in threads you watch"),
)
NOTICE = NotificationKind(
    notices.KIND,
    Message("%(actor)s sent a notice: “%(title)s”"),
    email=True,
    label=Message("Notices from your circles"),
    excerpt=notices.mail_text,
)
JOIN_REQUEST = NotificationKind(
    "join_request",
    Message("%(actor)s asks to join “%(title)s”"),
    email=True,
    label=Message("Requests to join circles you moderate"),
)
JOIN_APPROVED = NotificationKind(
    "join_approved",
    Message("You are now a member of “%(title)s”"),
    email=True,
    label=Message("Your requests to join, answered"),
)
JOIN_DECLINED = NotificationKind(
    "join_declined",
    Message("Your request to join “%(title)s” was declined"),
    label=Message("Your requests to join, declined"),
)
INVITED = NotificationKind(
    "invited",
    Message("%(actor)s invited you to join “%(title)s”"),
    email=True,
    label=Message("Invitations"),
)
LIKED = NotificationKind(
    "liked",
    Message("%(actor)s liked your post in “%(title)s”"),
    label=Message("Likes of your posts"),
    gathered=Message("%(count)s people liked your post in “%(title)s”"),
)
NEW_THREAD = NotificationKind(
    "new_thread",
    Message("%(actor)s started “%(title)s”"),
    email=True,
    label=Message("New threads in circles you watch"),
)


async def _mentioned(post: Post) -> list[User]:
    names = mentioned_names(post.body)
    return list(await User.filter(username_key__in=names)) if names else []


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        MENTION,
        REPLY,
        WATCHED_REPLY,
        NEW_THREAD,
        NOTICE,
        JOIN_REQUEST,
        JOIN_APPROVED,
        JOIN_DECLINED,
        INVITED,
        LIKED,
        CHANNEL_OFF,
    ]


@hookimpl
def register_audiences() -> list[Audience]:
    return [notices.RECEIPT, CIRCLE_STAFF, CIRCLE_MEMBERS, ACCOUNT]


@hookimpl
async def join_requested(circle: Circle, user: User) -> None:
    staff = await circle_staff(circle)
    await notify_about(JOIN_REQUEST.name, staff, user, CIRCLE_STAFF, circle, circle.name, f"/c/{circle.slug}/members")


@hookimpl
async def join_answered(circle: Circle, user: User, approved: bool, by: User) -> None:
    if approved:
        await notify_about(JOIN_APPROVED.name, [user], by, CIRCLE_MEMBERS, circle, circle.name, f"/c/{circle.slug}")
    else:  # no longer a member or a candidate: the notice is about their own account, not about the circle
        await notify_about(JOIN_DECLINED.name, [user], by, ACCOUNT, user, circle.name, "/")


@hookimpl
async def member_invited(circle: Circle, user: User, by: User) -> None:
    await notify_about(INVITED.name, [user], by, ACCOUNT, user, circle.name, f"/c/{circle.slug}")


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return [
        JobKind(MAIL, send_notification, attempts=10, lease_seconds=120),
        JobKind(DIGEST, send_digest, attempts=10, lease_seconds=120),
        JobKind(REACH, send_reach, attempts=REACH_ATTEMPTS, lease_seconds=60, lane="reach"),
    ]


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [api.router, notice_routes.router]


@hookimpl
def register_routes() -> list[BaseRoute]:
    return [*routes.routes, *notice_routes.routes]


@hookimpl
async def page_context(viewer: User | None) -> dict[str, Any]:
    """Every page shows the member's unread count."""
    return {"unread": await unread_count(viewer) if viewer is not None else 0}


@hookimpl
async def thread_created(thread: Thread, post: Post, user: User) -> None:
    mentioned = await _mentioned(post)
    await notify(MENTION.name, mentioned, user, thread, post.id)
    told = {member.id for member in mentioned}
    await notify(
        NEW_THREAD.name,
        [member for member in await circle_watchers(thread.circle_id) if member.id not in told],
        user,
        thread,
        post.id,
    )


@hookimpl
async def post_created(post: Post, thread: Thread, user: User) -> None:
    """Each member is told once, for the most particular reason: a mention, a reply to their thread, a reply in a
    thread they watch. Muting a thread silences all but mentions."""
    mentioned = await _mentioned(post)
    await notify(MENTION.name, mentioned, user, thread, post.id)
    watching, muted = await thread_watchers(thread)
    told = {member.id for member in mentioned} | muted
    if thread.author_id not in told:
        await notify(REPLY.name, [await User.get(id=thread.author_id)], user, thread, post.id)
        told.add(thread.author_id)
    await notify(WATCHED_REPLY.name, [member for member in watching if member.id not in told], user, thread, post.id)


@hookimpl
async def post_liked(post: Post, user: User) -> None:
    """Likes of one post gather in one notification while it is unread."""
    author = await User.get(id=post.author_id)
    await notify_gathered(LIKED.name, author, user, post, post.like_count)


@hookimpl
@answers_slots(Slot.THREAD_HEADER, Slot.CIRCLE_SIDEBAR)
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | None:
    """The watch buttons: under a thread's title and beside a circle's threads, for members who may read them."""
    viewer = acting(context.get("viewer"))
    if viewer is None:
        return None
    if slot == Slot.THREAD_HEADER:
        level = await level_of(viewer, thread=context["thread"])
        return SlotContent("watch_thread.html", {"thread_id": context["thread"].id, "level": level}, shared=True)
    if slot == Slot.CIRCLE_SIDEBAR and context["access"].can_view:
        circle = context["access"].circle
        level = await level_of(viewer, circle=circle)
        return SlotContent(
            "watch_circle.html",
            {"slug": circle.slug, "level": level, "staff": context["access"].can_moderate},
            shared=True,
        )
    return None
