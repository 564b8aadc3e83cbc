"""Private conversations: the only code that reads or writes them. A conversation is seen by its participants
alone (``participation``): not by site administrators, not by a member who left it; a flagged message, and only
that message, by the site's moderators who review it (core/messages/flags.py).

Who may start one with a member is theirs to choose (``User.messages_from``): everyone, members who share a circle
with them (the default), or nobody; a member they blocked never may, and writes nothing more to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from core import sql
from core.access.scope import acting, check_not_silenced, require_actor
from core.accounts.models import User
from core.accounts.names import username_key
from core.accounts.rows import Author
from core.accounts.service import get_user
from core.db import transaction
from core.errors import Forbidden, Message, NotFound, ValidationError
from core.messages import notices
from core.messages.models import Block, Conversation, DirectMessage, Participant
from core.pagination import Page, paginate_sql
from core.sql import Row, timestamp
from core.threads.service import check_body, render_body
from core.times import now

MOST_PEOPLE = 9  # in one conversation, its starter included
NOT_FOUND = Message("No such conversation.")
NOT_ACCEPTED = Message("%(name)s does not take messages from you.")


def _refused(user: User) -> Forbidden:
    return Forbidden(Message(NOT_ACCEPTED, name=user.display_name or user.username), code="not_accepted")


SHARE_A_CIRCLE_SQL = (
    "SELECT 1 FROM memberships a JOIN memberships b ON b.circle_id = a.circle_id "
    "WHERE a.user_id = ? AND b.user_id = ? AND a.status = 'active' AND b.status = 'active' LIMIT 1"
)


async def accepts(recipient: User, sender: User) -> bool:
    """Whether ``recipient`` takes a new conversation (or a place in one) from ``sender``: their choice, their
    blocks, and an account that is open."""
    if recipient.suspended or await Block.exists(user_id=recipient.id, blocked_id=sender.id):
        return False
    if recipient.messages_from == "everyone":
        return True
    if recipient.messages_from == "circles":
        return await sql.fetch_one(SHARE_A_CIRCLE_SQL, recipient.id, sender.id) is not None
    return False


async def _recipients(sender: User, usernames: Sequence[str]) -> list[User]:
    keys = list(dict.fromkeys(username_key(name.strip().lstrip("@")) for name in usernames if name.strip()))
    if not 1 <= len(keys) <= MOST_PEOPLE - 1:
        raise ValidationError({"to": Message("Write to 1 to %(n)s people.", n=MOST_PEOPLE - 1)})
    found = {user.username_key: user for user in await User.filter(username_key__in=keys)}
    missing = [key for key in keys if key not in found]
    if missing:
        raise ValidationError({"to": Message("No member is called %(name)s.", name=missing[0])})
    recipients = [found[key] for key in keys if found[key].id != sender.id]
    if not recipients:
        raise ValidationError({"to": Message("Write to someone other than yourself.")})
    return recipients


async def start(viewer: User | None, usernames: Sequence[str], body: str, *, max_length: int) -> Conversation:
    """A new conversation with ``usernames`` (1 to 8 others) opening with ``body``; between two members, their
    conversation if they have one already (the message joins it)."""
    user = require_actor(viewer)
    check_not_silenced(user)
    recipients = await _recipients(user, usernames)
    body = check_body(body, max_length)
    for recipient in recipients:
        if not await accepts(recipient, user):
            raise _refused(recipient)
    if len(recipients) == 1 and (existing := await _between(user, recipients[0])) is not None:
        await send(user, existing.id, body, max_length=max_length)
        return existing
    html, _ = await render_body(body, user)
    at = now()
    async with transaction():
        conversation = await Conversation.create(
            is_group=len(recipients) > 1, created_by=user, created_at=at, last_message_at=at
        )
        await Participant.bulk_create(
            [Participant(conversation=conversation, user=person) for person in (user, *recipients)]
        )
        message = await DirectMessage.create(conversation=conversation, author=user, body=body, html=html)
        await _written(conversation, user, message)
    await notices.tell(conversation, user)
    return conversation


BETWEEN_SQL = (
    "SELECT c.id FROM conversations c JOIN conversation_participants a ON a.conversation_id = c.id "
    "JOIN conversation_participants b ON b.conversation_id = c.id "
    "WHERE NOT c.is_group AND a.user_id = ? AND b.user_id = ? ORDER BY c.id LIMIT 1"
)


async def _between(one: User, other: User) -> Conversation | None:
    row = await sql.fetch_one(BETWEEN_SQL, one.id, other.id)
    return await Conversation.get(id=row["id"]) if row else None


async def _written(conversation: Conversation, author: User, message: DirectMessage) -> None:
    """Inside the writing transaction: the conversation's latest message, read by its author."""
    # parallel writers commit in any order: the latest stays the one with the highest id
    await Conversation.filter(id=conversation.id, last_message_id__lt=message.id).update(
        last_message_at=message.created_at, last_message_id=message.id
    )
    await Participant.filter(conversation_id=conversation.id, user_id=author.id, last_read_id__lt=message.id).update(
        last_read_id=message.id
    )
    conversation.last_message_id, conversation.last_message_at = message.id, message.created_at


@dataclass(frozen=True)
class Participation:
    """A conversation as one of its participants sees it: who else is in it."""

    conversation: Conversation
    me: Participant
    people: list[User]  # every participant, the viewer included, in the order they came

    @property
    def others(self) -> list[User]:
        return [person for person in self.people if person.id != self.me.user_id]


async def participation(viewer: User | None, conversation_id: int) -> Participation:
    """The conversation, if the viewer takes part in it; NotFound otherwise (a site administrator too)."""
    viewer = acting(viewer)
    if viewer is None:
        raise NotFound(NOT_FOUND)
    rows = await sql.fetch(_participation_sql(), conversation_id)
    places = [sql.instance(Participant, row, "p") for row in rows]
    me = next((place for place in places if place.user_id == viewer.id), None)
    if me is None:
        raise NotFound(NOT_FOUND)
    return Participation(sql.instance(Conversation, rows[0], "c"), me, [sql.instance(User, row, "u") for row in rows])


@cache
def _participation_sql() -> str:
    """The conversation with its participants and their accounts, in the order they came (plain SQL: one statement
    instead of three as models, every page of a conversation asks)."""
    return (
        f"SELECT {sql.columns(Conversation, 'c')}, {sql.columns(Participant, 'p')}, {sql.columns(User, 'u')} "
        "FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id "
        "JOIN users u ON u.id = p.user_id WHERE p.conversation_id = ? ORDER BY p.id"
    )


async def send(viewer: User | None, conversation_id: int, body: str, *, max_length: int) -> DirectMessage:
    """A message to a conversation the viewer takes part in. Between two members, not once the other blocked the
    viewer (or closed their account)."""
    user = require_actor(viewer)
    seen = await participation(user, conversation_id)
    check_not_silenced(user)
    body = check_body(body, max_length)
    if not seen.conversation.is_group:
        for other in seen.others:
            if other.suspended or await Block.exists(user_id=other.id, blocked_id=user.id):
                raise _refused(other)
    html, _ = await render_body(body, user)
    async with transaction():
        message = await DirectMessage.create(conversation_id=conversation_id, author=user, body=body, html=html)
        await _written(seen.conversation, user, message)
    message.author = user
    await notices.tell(seen.conversation, user)
    return message


async def messages(seen: Participation, cursor: str | None, limit: int) -> Page[MessageItem]:
    """A conversation's messages, newest first (a page reverses them), for one of its participants (``seen``)."""
    return await paginate_sql(
        MessageItem.COLUMNS,
        "m.conversation_id = ?",
        [seen.conversation.id],
        [("m.id", "-id")],
        cursor,
        limit,
        MessageItem.of,
        shared=True,
    )


async def mark_read(seen: Participation) -> None:
    """The participant has seen the conversation up to its latest message, and its notice (nothing is written
    when they had: a reader's page that writes would make every page be read afresh, core/remembered.py)."""
    latest = seen.conversation.last_message_id
    if seen.me.last_read_id < latest:
        await Participant.filter(id=seen.me.id, last_read_id__lt=latest).update(last_read_id=latest)
    await notices.seen(seen.me)


async def add(viewer: User | None, conversation_id: int, username: str) -> User:
    """A participant brings another member into a group conversation (up to ``MOST_PEOPLE``), if that member takes
    messages from them."""
    user = require_actor(viewer)
    seen = await participation(user, conversation_id)
    check_not_silenced(user)
    if not seen.conversation.is_group:
        raise ValidationError({"username": Message("A conversation of two stays between those two: start a group.")})
    (newcomer,) = await _recipients(user, [username])
    if any(person.id == newcomer.id for person in seen.people):
        raise ValidationError({"username": Message("%(name)s is in this conversation already.", name=username)})
    if len(seen.people) >= MOST_PEOPLE:
        raise ValidationError({"username": Message("A conversation has at most %(n)s people.", n=MOST_PEOPLE)})
    if not await accepts(newcomer, user):
        raise _refused(newcomer)
    # they read from where they join: what was said before is theirs to see, but not unread
    await Participant.create(
        conversation_id=conversation_id, user=newcomer, last_read_id=seen.conversation.last_message_id
    )
    return newcomer


async def leave(viewer: User | None, conversation_id: int) -> None:
    """Leave a group conversation: it is no longer seen, nor heard of."""
    user = require_actor(viewer)
    seen = await participation(user, conversation_id)
    if not seen.conversation.is_group:
        raise ValidationError({"conversation": Message("Only a group conversation can be left.")})
    await Participant.filter(id=seen.me.id).delete()


async def block(viewer: User | None, username: str) -> User:
    """The viewer takes no more messages from ``username``."""
    user = require_actor(viewer)
    other = await get_user(username)
    if other.id == user.id:
        raise ValidationError({"username": Message("You cannot block yourself.")})
    await Block.get_or_create(user_id=user.id, blocked_id=other.id)
    return other


async def unblock(viewer: User | None, username: str) -> None:
    user = require_actor(viewer)
    other = await get_user(username)
    await Block.filter(user_id=user.id, blocked_id=other.id).delete()


async def blocked(viewer: User) -> list[User]:
    ids = await Block.filter(user_id=viewer.id).values_list("blocked_id", flat=True)
    return list(await User.filter(id__in=ids).order_by("username"))


async def is_blocked(viewer: User, other: User) -> bool:
    """Whether ``viewer`` blocked ``other`` (every profile a member opens asks: plain SQL)."""
    row = await sql.fetch_one("SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?", viewer.id, other.id)
    return row is not None


# Lists ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageItem:
    """A message as a conversation's page and the API show it."""

    id: int
    conversation_id: int
    author: Author | None  # None once its author's account is gone
    body: str
    html: str
    created_at: datetime
    removed_at: datetime | None

    @property
    def author_id(self) -> int | None:
        return self.author.id if self.author else None

    COLUMNS = (
        "m.id, m.conversation_id, m.author_id, u.username, u.display_name, u.avatar, m.body, m.html, m.created_at, "
        "m.removed_at FROM direct_messages m LEFT JOIN users u ON u.id = m.author_id"
    )

    @classmethod
    def of(cls, row: Row) -> MessageItem:
        author = row["author_id"]
        return cls(
            row["id"],
            row["conversation_id"],
            Author(author, row["username"], row["display_name"], row["avatar"]) if author is not None else None,
            row["body"],
            row["html"],
            timestamp(row["created_at"]),
            timestamp(row["removed_at"]),
        )


@dataclass(frozen=True, slots=True)
class ConversationItem:
    """A conversation as the member's list shows it."""

    id: int
    group: bool
    last_message_at: datetime
    unread: int
    others: list[Author] = field(default_factory=list)  # the other participants, in the order they came (filled)

    @classmethod
    def of(cls, row: Row) -> ConversationItem:
        return cls(row["id"], bool(row["is_group"]), timestamp(row["last_message_at"]), int(row["unread"]))


LIST_COLUMNS = (
    "c.id, c.is_group, c.last_message_at, "
    "(SELECT COUNT(*) FROM direct_messages m WHERE m.conversation_id = c.id AND m.id > p.last_read_id "
    "AND m.author_id <> p.user_id) AS unread "
    "FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id"
)


async def conversations(viewer: User | None, cursor: str | None, limit: int) -> Page[ConversationItem]:
    """The viewer's conversations, the latest active first, each with its unread count and the others in it."""
    user = require_actor(viewer)
    page = await paginate_sql(
        LIST_COLUMNS,
        "p.user_id = ?",
        [user.id],
        [("c.last_message_at", "-last_message_at"), ("c.id", "-id")],
        cursor,
        limit,
        ConversationItem.of,
    )
    listed = {item.id: item for item in page.items}
    if listed:
        rows = await sql.fetch(
            "SELECT p.conversation_id, u.id, u.username, u.display_name, u.avatar FROM conversation_participants p "
            f"JOIN users u ON u.id = p.user_id WHERE p.conversation_id IN ({sql.placeholders(len(listed))}) "
            "AND p.user_id <> ? ORDER BY p.id",
            *listed,
            user.id,
        )
        for row in rows:
            author = Author(row["id"], row["username"], row["display_name"], row["avatar"])
            listed[row["conversation_id"]].others.append(author)
    return page


UNREAD_SQL = (
    "SELECT COUNT(*) AS n FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id "
    "JOIN direct_messages m ON m.conversation_id = c.id AND m.id > p.last_read_id AND m.author_id <> p.user_id "
    "WHERE p.user_id = ? AND c.last_message_id > p.last_read_id"
)


async def unread_count(viewer: User) -> int:
    """Messages to the viewer not yet seen, in all their conversations (every page's header shows it)."""
    row = await sql.fetch_one(UNREAD_SQL, viewer.id)
    return int(row["n"]) if row else 0
