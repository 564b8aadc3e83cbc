"""Members hear of new messages through their channels (in the app, by mail, by the phone channels they chose):
once per conversation until they read it, with who wrote but never what (push services and WeChat would see it)."""

from __future__ import annotations

from core import sql
from core.access.audience import Audience
from core.accounts.models import User
from core.contract.kinds import NotificationKind
from core.errors import Message
from core.messages.models import Conversation, Participant
from core.notifications.models import Notification
from core.notifications.service import notify_about
from core.times import now

# A notification about a conversation is about the member's own place in it: it goes when they leave
PLACE = Audience("core.conversation", "conversation_participants", user=("user_id",))
MESSAGE = NotificationKind(
    "message",
    Message("%(actor)s sent you a private message"),
    email=True,
    urgent=True,
    label=Message("Private messages to you"),
)


async def tell(conversation: Conversation, author: User) -> None:
    """Tell the other participants of a new message, unless they have an unread notice of this conversation."""
    places = await Participant.filter(conversation_id=conversation.id).exclude(user_id=author.id).select_related("user")
    unread = Notification.filter(
        kind=MESSAGE.name, subject=PLACE.name, subject_id__in=[place.id for place in places], read_at__isnull=True
    )
    waiting = {notification.subject_id for notification in await unread.only("id", "subject_id")}
    for place in places:
        if place.id not in waiting:
            await notify_about(MESSAGE.name, [place.user], author, PLACE, place, "", f"/messages/{conversation.id}")


UNREAD_SQL = "SELECT 1 FROM notifications WHERE kind = ? AND subject = ? AND subject_id = ? AND read_at IS NULL LIMIT 1"


async def seen(place: Participant) -> None:
    """The member read the conversation: its notice is read too (looked for first, with a remembered read: most
    readings find none, and write nothing)."""
    if await sql.fetch_one(UNREAD_SQL, MESSAGE.name, PLACE.name, place.id) is None:
        return
    await Notification.filter(kind=MESSAGE.name, subject=PLACE.name, subject_id=place.id, read_at__isnull=True).update(
        read_at=now()
    )
