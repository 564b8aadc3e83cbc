"""Notices with read receipts: a circle's owners and moderators send one to its members (or a plugin sends one to
its own list of them, such as an event's registrants); each recipient is notified (and mailed, unless they turned
that off) and has a receipt, so that the sender sees who has not read it yet.

A notice is seen by its recipients, its sender and the circle's staff; nobody else learns it exists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.functions import Count

from core.access.audience import Audience
from core.accounts.models import User
from core.circles.models import Circle, Membership, MemberStatus
from core.circles.service import access_by_slug
from core.db import transaction
from core.errors import Forbidden, Message, NotFound, ValidationError
from core.markdown import plain_text_excerpt
from core.notifications.models import Notice, NoticeReceipt
from core.notifications.service import notify_about
from core.threads.service import check_body, check_title, render_body
from core.times import now
from core.uploads.service import add_uses

KIND = "notice"
RECEIPT = Audience("core.notice", "notice_receipts", user=("user_id",))  # a notification follows its receipt
BODY_MAX = 10_000
LISTED = 100
MAIL_TEXT = 4000


@dataclass
class Receipts:
    read: list[tuple[User, datetime]]
    unread: list[User]


async def _staff_access(viewer: User | None, slug: str) -> Circle:
    access = await access_by_slug(viewer, slug)
    if not access.can_moderate:
        raise Forbidden(Message("Only the circle's owners and moderators send notices."))
    return access.circle


async def send_notice(
    sender: User | None, slug: str, title: str, body: str, recipients: Sequence[User] | None = None, audience: str = ""
) -> tuple[Notice, int]:
    """Send a notice in the circle ``slug`` to its active members (or to ``recipients``, a plugin's list, named by
    ``audience``: "the registrants of ..."); the notice and how many it went to. The sender must moderate the
    circle."""
    circle = await _staff_access(sender, slug)
    assert sender is not None
    title, body = check_title(title), check_body(body, BODY_MAX)
    if recipients is None:
        member_ids = await Membership.filter(circle=circle, status=MemberStatus.ACTIVE).values_list(
            "user_id", flat=True
        )
        recipients = list(await User.filter(id__in=list(member_ids), suspended=False))
    people = [user for user in {user.id: user for user in recipients}.values() if user.id != sender.id]
    if not people:
        raise ValidationError({"recipients": Message("Nobody would receive this notice.")})
    html, pictures = await render_body(body, sender)
    async with transaction():
        notice = await Notice.create(
            circle=circle, sender=sender, title=title, body=body, html=html, audience=audience[:200]
        )
        await add_uses(KIND, notice.id, pictures, audience=f"circle_member:{circle.id}")  # its readers are members
        await NoticeReceipt.bulk_create([NoticeReceipt(notice=notice, user_id=user.id) for user in people])
    receipts = {row.user_id: row for row in await NoticeReceipt.filter(notice=notice)}
    for user in people:
        await notify_about(KIND, [user], sender, RECEIPT, receipts[user.id], title, f"/notices/{notice.id}")
    return notice, len(people)


async def get_notice(viewer: User | None, notice_id: int) -> tuple[Notice, NoticeReceipt | None, bool]:
    """The notice, the viewer's receipt (if they received it) and whether they may see its receipts (its sender
    and the circle's staff); NotFound for everyone else."""
    notice = await Notice.get_or_none(id=notice_id).select_related("circle", "sender")
    if notice is None or viewer is None:
        raise NotFound(Message("No such notice."))
    receipt = await NoticeReceipt.get_or_none(notice_id=notice_id, user_id=viewer.id)
    staff = viewer.id == notice.sender_id
    if not staff:
        try:
            staff = (await access_by_slug(viewer, notice.circle.slug)).can_moderate
        except NotFound:
            staff = False
    if receipt is None and not staff:
        raise NotFound(Message("No such notice."))
    return notice, receipt, staff


async def mark_read(viewer: User, notice_id: int) -> None:
    """The viewer has read the notice (the first time counts)."""
    await NoticeReceipt.filter(notice_id=notice_id, user_id=viewer.id, read_at__isnull=True).update(read_at=now())


async def receipts(notice: Notice) -> Receipts:
    rows = await NoticeReceipt.filter(notice=notice).select_related("user").order_by("read_at", "id")
    return Receipts(
        read=[(row.user, row.read_at) for row in rows if row.read_at is not None],
        unread=sorted((row.user for row in rows if row.read_at is None), key=lambda user: user.username_key),
    )


@dataclass
class NoticeSummary:
    notice: Notice
    read: int  # how many of its recipients have read it
    total: int  # how many received it
    read_at: datetime | None = None  # when the viewer read it (a recipient's list)


async def _counts(notices: Sequence[Notice]) -> dict[int, tuple[int, int]]:
    return {
        row["notice_id"]: (row["read"], row["total"])
        for row in await NoticeReceipt.filter(notice_id__in=[notice.id for notice in notices])
        .group_by("notice_id")
        .annotate(total=Count("id"), read=Count("read_at"))
        .values("notice_id", "total", "read")
    }


async def circle_notices(viewer: User | None, slug: str) -> tuple[Circle, list[tuple[Notice, int, int]]]:
    """The circle's notices, newest first, with how many read each and how many received it (its staff)."""
    circle = await _staff_access(viewer, slug)
    notices = await Notice.filter(circle=circle).order_by("-id").limit(LISTED)
    counts = await _counts(notices)
    return circle, [(notice, *counts.get(notice.id, (0, 0))) for notice in notices]


async def notices_among(viewer: User | None, notice_ids: Sequence[int], *, staff: bool) -> list[NoticeSummary]:
    """The notices of ``notice_ids`` (a plugin's: a meeting's notice board) that the viewer may see, newest first:
    all of them with their counts for ``staff`` (the caller has checked that they moderate the circle), else those
    the viewer received, each with when they read it."""
    if viewer is None or not notice_ids:
        return []
    query = Notice.filter(id__in=list(notice_ids)).order_by("-id").limit(LISTED)
    if staff:
        notices = await query
        counts = await _counts(notices)
        return [NoticeSummary(notice, *counts.get(notice.id, (0, 0))) for notice in notices]
    receipts = {
        row.notice_id: row for row in await NoticeReceipt.filter(notice_id__in=list(notice_ids), user_id=viewer.id)
    }
    notices = await query.filter(id__in=list(receipts))
    return [NoticeSummary(notice, 0, 0, receipts[notice.id].read_at) for notice in notices]


async def mail_text(receipt_id: int) -> str:
    """What a notice's mail quotes: its text (the mail goes only to its recipient, checked when it is sent)."""
    receipt = await NoticeReceipt.get_or_none(id=receipt_id).select_related("notice")
    return plain_text_excerpt(receipt.notice.html, MAIL_TEXT) if receipt else ""
