"""Letters, plugged in: an audience of two, its search documents, notifications and API."""

from __future__ import annotations

from typing import Any

from core.plugins import (
    ApiCall,
    ApiRouter,
    Audience,
    Body,
    Message,
    NotFound,
    NotificationKind,
    SearchDocument,
    SearchSource,
    User,
    ValidationError,
    access_by_slug,
    hookimpl,
    index_later,
    notify_about,
    require_actor,
    scope_of,
    transaction,
)
from quanzi_letters.models import Letter

LETTER = Audience("letters.letter", "letters", user=("author_id", "recipient_id"))
LETTER_SENT = NotificationKind("letter", Message("%(actor)s wrote to you: “%(title)s”"))
router = ApiRouter("letters")


class LetterBody(Body):
    circle: str
    to: str
    subject: str
    body: str
    tell: list[str] = []  # others to notify: only those the letter's audience lets see it are told


def letter_json(letter: Letter) -> dict[str, Any]:
    return {"id": letter.id, "subject": letter.subject, "body": letter.body}


@router.route("POST", "/letters", "Write a letter to one member", body=LetterBody, auth=True, status=201)
async def write(call: ApiCall[LetterBody]) -> dict[str, Any]:
    author = require_actor(call.viewer)
    access = await access_by_slug(author, call.body.circle)
    recipient = await User.get_or_none(username=call.body.to)
    if recipient is None:
        raise ValidationError({"to": Message("No such member.")})
    async with transaction():
        letter = await Letter.create(
            circle=access.circle, author=author, recipient=recipient, subject=call.body.subject, body=call.body.body
        )
        await index_later("letter", letter.id)
    told = list(await User.filter(username__in=[call.body.to, *call.body.tell]))
    await notify_about(LETTER_SENT.name, told, author, LETTER, letter, letter.subject, f"/api/v1/letters/{letter.id}")
    return letter_json(letter)


@router.route("GET", "/letters", "The letters the viewer may read")
async def letters(call: ApiCall[None]) -> dict[str, Any]:
    visible = LETTER.q(await scope_of(call.viewer))
    return {"items": [letter_json(letter) for letter in await Letter.filter(visible).order_by("id")], "next": None}


@router.route("GET", "/letters/{id:int}", "One letter")
async def letter(call: ApiCall[None]) -> dict[str, Any]:
    found = await Letter.get_or_none(id=call.params["id"])
    if found is None or not LETTER.allows(await scope_of(call.viewer), found):
        raise NotFound(Message("No such letter."))
    return letter_json(found)


async def load(ids: list[int]) -> list[SearchDocument]:
    return [
        SearchDocument(
            kind="letter",
            id=letter.id,
            circle_id=letter.circle_id,
            thread_id=0,
            title=letter.subject,
            body=letter.body,
            author_id=letter.author_id,
            created_at=letter.created_at,
            url=f"/api/v1/letters/{letter.id}",
            audience=LETTER.keys(letter),
        )
        for letter in await Letter.filter(id__in=ids)
    ]


async def all_ids() -> list[int]:
    return list(await Letter.all().values_list("id", flat=True))  # type: ignore[arg-type]


@hookimpl
def register_audiences() -> list[Audience]:
    return [LETTER]


@hookimpl
def register_notification_kinds() -> list[NotificationKind]:
    return [LETTER_SENT]


@hookimpl
def register_search_sources() -> list[SearchSource]:
    return [SearchSource(kind="letter", load=load, all_ids=all_ids)]


@hookimpl
def register_api_routes() -> list[ApiRouter]:
    return [router]  # in this module, not an api.py: the layout would not find it
