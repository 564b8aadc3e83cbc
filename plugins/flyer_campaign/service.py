"""Campaigns: the only code that writes them. A published campaign's page is public by design (a private circle's
campaign is its invitation) at an address nobody can guess; a draft's is its owners' until they publish it, and a
closed one's says it has ended. Its blocks, sign-ups, referral codes and funnel are the circle owners' alone."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from core.plugins import (
    PUBLIC,
    Circle,
    CircleAccess,
    Conflict,
    Field,
    Message,
    NotFound,
    Offer,
    User,
    ValidationError,
    admit,
    check_answers,
    circle_access,
    clean_fields,
    load_model,
    load_models,
    now,
    offers_of,
    ordered_answers,
    safe_next,
    set_uses,
    transaction,
)
from plugins.flyer_campaign.models import Block, BlockKind, Campaign, CampaignState, ReferralCode, Signup
from plugins.flyer_campaign.texts import texts

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TITLE_MAX, DESCRIPTION_MAX, TEXT_MAX, LABEL_MAX, URL_MAX, BLOCKS_MAX, QUESTIONS_MAX = 100, 300, 5000, 100, 500, 40, 10
USE = "flyer_campaign"  # what its pictures are recorded as used by (core.uploads)
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


async def create_campaign(owner: User, circle: Circle, title: str | None, locale: str) -> Campaign:
    """A draft campaign with a first version of its page, in ``locale``: a heading, a few words, a button to the
    circle, and the sign-up form. Nobody but its owners sees it until they publish it."""
    text = texts(locale)
    async with transaction():
        campaign = await Campaign.create(
            circle=circle,
            title=(title or text.title)[:TITLE_MAX],
            token=_token(),
            description=text.description.format(circle=circle.name)[:DESCRIPTION_MAX],
            locale=locale,
            consent=text.consent.format(circle=circle.name),
        )
        drafts = [
            Block(kind=BlockKind.HEADING, text=campaign.title),
            Block(kind=BlockKind.TEXT, text=text.intro.format(circle=circle.name)),
            Block(kind=BlockKind.SIGNUP, label=text.signup_label),
            Block(kind=BlockKind.BUTTON, label=text.button.format(circle=circle.name), url=f"/c/{circle.slug}"),
        ]
        for position, block in enumerate(drafts):
            block.campaign = campaign
            block.position = position
        await Block.bulk_create(drafts)
    return campaign


def _token() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


async def _by_token(token: str) -> Campaign:
    campaign = await load_model(Campaign, "token = ?", token) if 1 <= len(token) <= 16 else None
    if campaign is None:
        raise NotFound(Message("No such campaign."))
    return campaign


async def _circle(campaign: Campaign) -> Circle:
    circle = await load_model(Circle, "id = ?", campaign.circle_id)
    assert circle is not None  # a circle goes with its campaigns
    return circle


async def _owns(viewer: User | None, campaign: Campaign) -> CircleAccess | None:
    if viewer is None:
        return None
    access = await circle_access(viewer, await _circle(campaign))
    return access if access.is_owner else None


async def blocks_of(campaign: Campaign) -> list[Block]:
    """The campaign page's blocks, in order."""
    return await load_models(Block, "campaign_id = ?", campaign.id, order="position, id")


async def get_campaign(viewer: User | None, token: str) -> tuple[Campaign, Circle, list[Block]]:
    """The campaign at ``/f/{token}`` and its page's blocks, in order: published or closed, for everyone; a draft,
    for its owners only."""
    campaign = await _by_token(token)
    if campaign.state == CampaignState.DRAFT and await _owns(viewer, campaign) is None:
        raise NotFound(Message("No such campaign."))
    return campaign, await _circle(campaign), await blocks_of(campaign)


async def owned(viewer: User | None, token: str) -> tuple[Campaign, CircleAccess]:
    """The campaign, for its circle's owners only (everyone else: 404, as if the campaign had no back office)."""
    campaign = await _by_token(token)
    access = await _owns(viewer, campaign)
    if access is None:
        raise NotFound(Message("No such campaign."))
    return campaign, access


def check_open(campaign: Campaign) -> None:
    """Refuse a sign-up to a campaign that has ended (409 ``closed``)."""
    if campaign.state == CampaignState.CLOSED:
        raise Conflict(Message("This campaign has ended."), code="closed")


async def set_state(viewer: User | None, token: str, state: CampaignState) -> Campaign:
    """Publish a draft (or a closed campaign again), or close a campaign: its page then says it has ended."""
    campaign, _ = await owned(viewer, token)
    await Campaign.filter(id=campaign.id).update(state=state)
    campaign.state = state
    return campaign


async def delete_campaign(viewer: User | None, token: str) -> Circle:
    """Delete the campaign with its page, sign-up records and referral codes (the members it brought stay); the
    circle it was for."""
    campaign, access = await owned(viewer, token)
    await campaign.delete()
    await set_uses(USE, campaign.id, [])
    return access.circle


@dataclass(frozen=True)
class BlockDraft:
    kind: str
    text: str = ""
    label: str = ""
    url: str = ""
    picture: str = ""
    at: datetime | None = None
    item: str = ""  # a card's offer (its key)


def check_block(draft: BlockDraft, offered: Collection[str]) -> dict[str, Any]:
    """A block's values, checked; a card's ``item`` must be among the keys the circle ``offered``."""
    if draft.kind not in set(BlockKind):
        raise ValidationError({"kind": Message("One of: ") + ", ".join(BlockKind) + "."})
    text, label, url = draft.text.strip(), draft.label.strip(), draft.url.strip()
    if len(text) > TEXT_MAX or len(label) > LABEL_MAX:
        raise ValidationError({"text" if len(text) > TEXT_MAX else "label": Message("That is too long.")})
    if url and (len(url) > URL_MAX or not (safe_next(url, "") == url or url.startswith(("https://", "http://")))):
        raise ValidationError({"url": Message("Give an address on this site (/c/...) or one starting with https://.")})
    kind = BlockKind(draft.kind)
    if kind in (BlockKind.HEADING, BlockKind.TEXT) and not text:
        raise ValidationError({"text": Message("Please fill this in.")})
    if kind == BlockKind.BUTTON and not (label and url):
        raise ValidationError({"url": Message("A button needs a label and an address.")})
    if kind == BlockKind.CARD and draft.item not in offered:
        raise ValidationError({"item": Message("Choose one of the circle's events, products, group buys or surveys.")})
    if kind == BlockKind.IMAGE and not draft.picture:
        raise ValidationError({"picture": Message("Choose a picture.")})
    if kind == BlockKind.COUNTDOWN and draft.at is None:
        raise ValidationError({"at": Message("Give the date it counts down to.")})
    return dict(
        kind=kind,
        text=text,
        label=label,
        url=url,
        picture=draft.picture,
        at=draft.at,
        item=draft.item if kind == BlockKind.CARD else "",
    )


async def offers(circle: Circle) -> dict[str, Offer]:
    """What the circle offers that a card may feature (``core.plugins.offers_of``), by key."""
    return {offer.key: offer for offer in await offers_of(circle)}


async def _offered(campaign: Campaign, draft: BlockDraft) -> set[str]:
    if draft.kind != BlockKind.CARD:
        return set()
    return set(await offers(await Circle.get(id=campaign.circle_id)))


async def add_block(viewer: User | None, token: str, draft: BlockDraft) -> Block:
    campaign, _ = await owned(viewer, token)
    values = check_block(draft, await _offered(campaign, draft))
    async with transaction():
        count = await Block.filter(campaign_id=campaign.id).count()
        if count >= BLOCKS_MAX:
            raise ValidationError({"kind": Message("A page has at most %(n)s blocks.", n=BLOCKS_MAX)})
        block = await Block.create(campaign=campaign, position=count, **values)
    await _record_pictures(campaign)
    return block


async def _block(viewer: User | None, token: str, block_id: int) -> tuple[Campaign, Block]:
    campaign, _ = await owned(viewer, token)
    block = await Block.get_or_none(id=block_id, campaign_id=campaign.id)
    if block is None:
        raise NotFound(Message("No such block."))
    return campaign, block


async def update_block(viewer: User | None, token: str, block_id: int, draft: BlockDraft) -> Block:
    campaign, block = await _block(viewer, token, block_id)
    kept = BlockDraft(
        block.kind.value,
        draft.text,
        draft.label,
        draft.url,
        draft.picture or block.picture,
        draft.at,
        draft.item or block.item,
    )
    values = check_block(kept, await _offered(campaign, kept))
    await Block.filter(id=block.id).update(**values)
    await _record_pictures(campaign)
    return await Block.get(id=block.id)


async def move_block(viewer: User | None, token: str, block_id: int, step: int) -> None:
    """Move a block up (-1) or down (+1) the page: it swaps places with its neighbour."""
    campaign, _ = await _block(viewer, token, block_id)
    async with transaction():
        blocks = list(await Block.filter(campaign_id=campaign.id).order_by("position", "id"))
        index = next(i for i, block in enumerate(blocks) if block.id == block_id)
        other = index + step
        if 0 <= other < len(blocks):
            blocks[index], blocks[other] = blocks[other], blocks[index]
        for position, block in enumerate(blocks):
            await Block.filter(id=block.id).update(position=position)


async def remove_block(viewer: User | None, token: str, block_id: int) -> None:
    campaign, block = await _block(viewer, token, block_id)
    await Block.filter(id=block.id).delete()
    await _record_pictures(campaign)


async def _record_pictures(campaign: Campaign) -> None:
    """The pictures the campaign's page shows (its share picture, its blocks'), recorded as used and public: the
    page is seen by guests, and a picture nothing uses is forgotten."""
    campaign = await Campaign.get(id=campaign.id)
    names = [campaign.image, *await Block.filter(campaign_id=campaign.id).values_list("picture", flat=True)]
    await set_uses(USE, campaign.id, [str(name)[:64] for name in names if name], audience=PUBLIC)


@dataclass(frozen=True)
class CampaignSettings:
    title: str
    description: str
    consent: str
    image: str | None = None  # an upload's name; None keeps it
    questions: Sequence[Field] | None = None  # the sign-up's own questions; None keeps them


async def update_campaign(viewer: User | None, token: str, settings: CampaignSettings) -> Campaign:
    campaign, _ = await owned(viewer, token)
    title, description, consent = settings.title.strip(), settings.description.strip(), settings.consent.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationError({"title": Message("A title has 1 to %(n)s characters.", n=TITLE_MAX)})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": Message("At most %(n)s characters.", n=DESCRIPTION_MAX)})
    if not consent or len(consent) > TEXT_MAX:
        raise ValidationError({"consent": Message("Say what the sign-up's personal data is for.")})
    values: dict[str, Any] = dict(title=title, description=description, consent=consent)
    if settings.image is not None:
        values["image"] = settings.image
    if settings.questions is not None:
        values["questions"] = [
            question.as_json()
            for question in (
                clean_fields(settings.questions, max_fields=QUESTIONS_MAX, max_options=20) if settings.questions else []
            )
        ]
    await Campaign.filter(id=campaign.id).update(**values)
    await _record_pictures(campaign)
    return await Campaign.get(id=campaign.id)


# Sign-ups and referrals -------------------------------------------------------------------------------------------


async def referral_code(campaign: Campaign, user: User) -> str:
    """The member's own code for the campaign, made the first time it is asked for."""
    found = await ReferralCode.get_or_none(campaign_id=campaign.id, user_id=user.id)
    while found is None:
        try:
            found = await ReferralCode.create(
                campaign=campaign, user=user, code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
            )
        except IntegrityError:
            found = await ReferralCode.get_or_none(campaign_id=campaign.id, user_id=user.id)
    return found.code


async def referrer_of(campaign: Campaign, code: str) -> User | None:
    if not code or len(code) > 16 or not all(char in CODE_ALPHABET for char in code):
        return None
    found = await ReferralCode.get_or_none(campaign_id=campaign.id, code=code).select_related("user")
    return found.user if found else None


@dataclass(frozen=True)
class Arrival:
    """Where a visitor came from: a member's code and UTM values, carried in the page's form."""

    ref: str = ""
    utm: dict[str, str] | None = None


def clean_utm(values: dict[str, str]) -> dict[str, str]:
    return {name: values[name].strip()[:100] for name in UTM if values.get(name, "").strip()}


def check_signup_answers(campaign: Campaign, answers: Sequence[Any]) -> list[Any]:
    """The answers to the campaign's own questions, checked (errors name ``answers.N``)."""
    questions = [Field.of(question) for question in campaign.questions]
    return check_answers(questions, ordered_answers(questions, answers))


async def record_signup(
    campaign: Campaign,
    circle: Circle,
    user: User,
    arrival: Arrival,
    *,
    consented: bool,
    new_account: bool,
    answers: Sequence[Any] = (),
) -> Signup:
    """``user`` came through the campaign: they are made a member of its circle (the campaign counts as the owner's
    invitation) and their sign-up kept with its consent, referrer and UTM values."""
    if not consented:
        raise ValidationError({"consent": Message("Please agree to how your data is used.")})
    referrer = await referrer_of(campaign, arrival.ref)
    if referrer is not None and referrer.id == user.id:
        referrer = None
    joined = await admit(circle, user)
    try:
        return await Signup.create(
            campaign=campaign,
            user=user,
            referrer=referrer,
            utm=clean_utm(arrival.utm or {}),
            answers=list(answers),
            consent=campaign.consent,
            consented_at=now(),
            new_account=new_account,
            joined=joined or (await circle_access(user, circle)).is_member,
        )
    except IntegrityError:
        raise Conflict(Message("You came through this campaign already."), code="already_signed_up") from None


async def became_active(user: User, circle_id: int) -> None:
    """A newcomer's first act in the campaign's circle (a post, an event registration, an order): from now on they
    count as active (and for their referrer); once."""
    await Signup.filter(user_id=user.id, campaign__circle_id=circle_id, active_at__isnull=True).update(active_at=now())


# The funnel ----------------------------------------------------------------------------------------------------


@dataclass
class Funnel:
    views: int
    signups: int
    joined: int
    first_posts: int
    bots: int
    by_referrer: list[tuple[str, int, int]]  # username, sign-ups, of them active
    by_source: list[tuple[str, int, int]]  # utm_source, sign-ups, of them active


async def funnel(viewer: User | None, token: str, pending_views: int = 0) -> Funnel:
    campaign, _ = await owned(viewer, token)
    signups = list(await Signup.filter(campaign_id=campaign.id).select_related("referrer"))
    referrers: dict[str, list[int]] = {}
    sources: dict[str, list[int]] = {}
    for row in signups:
        for table, key in (
            (referrers, row.referrer.username if row.referrer else ""),
            (sources, row.utm.get("utm_source", "")),
        ):
            if key:
                counts = table.setdefault(key, [0, 0])
                counts[0] += 1
                counts[1] += row.active_at is not None
    return Funnel(
        views=campaign.views + pending_views,
        signups=len(signups),
        joined=sum(row.joined for row in signups),
        first_posts=sum(row.active_at is not None for row in signups),
        bots=campaign.bots,
        by_referrer=sorted(((name, c[0], c[1]) for name, c in referrers.items()), key=lambda row: (-row[2], -row[1])),
        by_source=sorted(((name, c[0], c[1]) for name, c in sources.items()), key=lambda row: -row[1]),
    )


async def signups(viewer: User | None, token: str) -> list[Signup]:
    campaign, _ = await owned(viewer, token)
    return list(await Signup.filter(campaign_id=campaign.id).select_related("user", "referrer").order_by("id"))
