"""Flagged messages: a participant flags a message (not their own) they find abusive; the site's moderators see that
message, and only that one (never the rest of its conversation), with its flags, and keep it or remove it."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from core.access.scope import require_actor
from core.access.site import site_staff
from core.accounts.models import User
from core.errors import Conflict, Forbidden, Message, NotFound, ValidationError
from core.messages.models import DirectMessage, MessageFlag
from core.messages.service import participation
from core.moderation.models import FlagReason
from core.moderation.service import NOTE_MAX
from core.times import now

REMOVED = Message("This message was removed by a moderator.")


async def flaggable(viewer: User | None, message_id: int) -> DirectMessage:
    """A message the viewer may flag: in a conversation they take part in (NotFound to anyone else), not theirs."""
    user = require_actor(viewer)
    message = await DirectMessage.get_or_none(id=message_id, removed_at__isnull=True).select_related("author")
    if message is None:
        raise NotFound(Message("No such message."))
    await participation(user, message.conversation_id)
    if message.author_id == user.id:
        raise Forbidden(Message("You cannot flag your own message."))
    return message


async def flag(viewer: User | None, message_id: int, reason: str, note: str) -> DirectMessage:
    """Flag a message, once; the message."""
    user = require_actor(viewer)
    message = await flaggable(user, message_id)
    if reason not in set(FlagReason):
        raise ValidationError({"reason": Message("One of: ") + ", ".join(FlagReason) + "."})
    note = note.strip()
    if len(note) > NOTE_MAX or (reason == FlagReason.OTHER and not note):
        raise ValidationError({"note": Message("Say what is wrong (at most %(n)s characters).", n=NOTE_MAX)})
    try:
        await MessageFlag.create(message=message, flagger=user, reason=reason, note=note)
    except IntegrityError:
        raise Conflict(Message("You flagged this message already."), code="flagged") from None
    return message


@dataclass(frozen=True)
class Flagged:
    """A flagged message as its reviewers see it: the message alone, and its flags."""

    message: DirectMessage
    flags: list[MessageFlag]


def _require_staff(viewer: User | None) -> User:
    if not site_staff(viewer):
        raise NotFound(Message("No such page."))
    assert viewer is not None
    return viewer


async def queue(viewer: User | None) -> list[Flagged]:
    """The flagged messages waiting for the site's moderators, oldest flag first."""
    _require_staff(viewer)
    waiting = await MessageFlag.filter(decided_at__isnull=True).select_related("flagger").order_by("id")
    ids = list(dict.fromkeys(flag.message_id for flag in waiting))
    messages = {m.id: m for m in await DirectMessage.filter(id__in=ids).select_related("author")}
    return [Flagged(messages[id_], [flag for flag in waiting if flag.message_id == id_]) for id_ in ids]


async def decide(viewer: User | None, message_id: int, action: str) -> None:
    """Keep the message (its flags are dismissed) or remove it (its text is gone for every participant)."""
    user = _require_staff(viewer)
    if action not in ("keep", "remove"):
        raise ValidationError({"action": Message("One of: ") + "keep, remove."})
    pending = MessageFlag.filter(message_id=message_id, decided_at__isnull=True)
    if not await pending.exists():
        raise NotFound(Message("No such message."))
    if action == "remove":
        await DirectMessage.filter(id=message_id).update(removed_at=now(), body="", html="")
    await pending.update(decided_at=now(), decided_by_id=require_actor(user).id)
