"""How the customer club plugs into Quanzi: each function implements one hook (see docs/plugins.md)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from core.plugins import (
    Audience,
    Circle,
    ContentKind,
    JobKind,
    Message,
    NotificationKind,
    PerPost,
    Post,
    Scenario,
    Slot,
    SlotContent,
    Thread,
    ThreadAccess,
    User,
    answers_slots,
    hookimpl,
)
from plugins.customer_club import badges, gates, helpful, ideas, points, scenarios, vip


@hookimpl
def register_scenarios() -> list[Scenario]:
    return [scenarios.SCENARIO]


@hookimpl
def register_content_kinds() -> list[ContentKind]:
    return [ContentKind(ideas.KIND, mark="💡", label=Message("Idea"))]


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [
        *vip.NOTIFICATIONS,
        NotificationKind(
            ideas.STATUS_CHANGED,
            Message("An idea you voted for moved on: “%(title)s”"),
            email=True,
            label=Message("Ideas you voted for, when their status changes"),
        ),
    ]


@hookimpl
def register_job_kinds() -> list[JobKind]:
    return vip.JOBS


@hookimpl
def register_audiences() -> list[Audience]:
    return [vip.STANDING]


@hookimpl
async def member_acted(circle_id: int, user: User, act: str, ref: int) -> None:
    await points.on_act(circle_id, user, act, ref)


@hookimpl
async def post_liked(post: Post, user: User) -> None:
    await points.on_received(post.thread.circle_id, post.author_id, "post.liked", f"post.liked:{post.id}:{user.id}")


@hookimpl
async def thread_featured(thread: Thread, user: User) -> None:
    await points.on_received(thread.circle_id, thread.author_id, "thread.featured", f"thread.featured:{thread.id}")


@hookimpl
async def check_permission(action: str, user: User | None, target: Any) -> bool | None:
    return await gates.allows(action, user, target)


@hookimpl
async def member_left(circle: Circle, user: User) -> None:
    await vip.left_club(circle, user)


@hookimpl
@answers_slots(
    Slot.HEAD,
    Slot.AFTER_FIRST_POST,
    Slot.POST_FOOTER,
    Slot.POST_AUTHOR,
    Slot.PROFILE_TABS,
    Slot.CIRCLE_SIDEBAR,
    alike=(
        Slot.HEAD,
        Slot.POST_AUTHOR,
        Slot.CIRCLE_SIDEBAR,
    ),
)
async def render_slot(slot: str, request: Request, context: dict[str, Any]) -> SlotContent | PerPost | None:
    if slot == Slot.HEAD:
        return SlotContent("customer_club/slots/head.html", shared=True)
    if slot == Slot.AFTER_FIRST_POST and context["thread"].kind == ideas.KIND:
        view = await ideas.idea_of_thread(ThreadAccess(context["thread"], context["access"]))
        return (
            SlotContent("customer_club/slots/idea.html", {"idea": view, "statuses": ideas.STATUS_LABELS})
            if view
            else None
        )
    if slot == Slot.POST_FOOTER:
        return await helpful.under_posts(context)
    if slot == Slot.POST_AUTHOR:
        return await badges.beside_names(context["thread"], context["posts"])
    if slot == Slot.PROFILE_TABS:
        return await badges.on_profile(context["viewer"], context["profile"])
    if slot == Slot.CIRCLE_SIDEBAR:
        return await badges.club_link(context["circle"])
    return None
