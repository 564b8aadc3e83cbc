"""Pages of a campaign: the landing page `/f/{token}` (blocks, share card, sign-up), its QR code and view
counter, the sign-up, a member's own referral link, and the owner's editor and funnel. Plain forms, no JavaScript."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import F

from core.plugins import (
    Circle,
    Conflict,
    Field,
    FieldKind,
    Form,
    Message,
    Offer,
    Picture,
    ShareCard,
    ValidationError,
    absolute_url,
    answers_from_form,
    chosen,
    circle_access,
    guest_check,
    mark_personal,
    parse_form_time,
    phone_offered,
    pictures,
    qr_response,
    read_form,
    receive_picture,
    render,
    resolve_viewer,
    share_image,
    sign_up,
    sign_up_by_phone,
    site_of,
    site_timezone,
    text_code,
    whole_number,
)
from plugins.flyer_campaign import service, views
from plugins.flyer_campaign.models import Block, BlockKind, Campaign, CampaignState
from plugins.flyer_campaign.poster import SIZES, draw_poster
from plugins.flyer_campaign.texts import texts

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
SIGNUP_FIELDS = ("username", "email", "password", "phone", "code", "with", "ref", *service.UTM)
BLOCK_FIELDS = ("kind", "text", "label", "url", "at", "item")
SETTINGS_FIELDS = ("title", "description", "consent", "questions")
STATES = {"publish": CampaignState.PUBLISHED, "close": CampaignState.CLOSED}  # the editor's buttons
KIND_NAMES = {
    BlockKind.HEADING: Message("Heading"),
    BlockKind.TEXT: Message("Text"),
    BlockKind.IMAGE: Message("Picture"),
    BlockKind.BUTTON: Message("Button"),
    BlockKind.CARD: Message("Card (an event, product, group buy or survey)"),
    BlockKind.COUNTDOWN: Message("Countdown"),
    BlockKind.SIGNUP: Message("Sign-up form"),
}


def _settings(request: Request) -> dict[str, Any]:
    return site_of(request).plugin_settings("flyer_campaign")


async def _zone(request: Request) -> Any:
    return site_timezone((await site_of(request).settings.current())["timezone"])


async def _card(request: Request, campaign: Campaign, circle: Circle) -> ShareCard:
    """What a chat app shows for the page's link: its title, a line, and a picture of at least 300 × 300 (the
    campaign's own, else the club's logo, else one drawn with its title), all with absolute addresses."""
    image = await share_image(request, campaign.image, title=campaign.title, tint=circle.tint)
    return ShareCard(
        campaign.title,
        absolute_url(request, campaign.path),
        campaign.description,
        qr=f"{campaign.path}/qr.svg",
        image=image,
    )


async def _offers(circle: Circle, blocks: list[Block]) -> dict[str, Offer]:
    """What the page's cards feature, as the circle offers it today (asked only when the page has cards)."""
    return await service.offers(circle) if any(block.item for block in blocks) else {}


async def _pictures(blocks: list[Block], offers: dict[str, Offer]) -> dict[str, Picture]:
    names = [block.picture[:64] for block in blocks if block.picture]
    return await pictures(names + [offer.picture[:64] for offer in offers.values() if offer.picture])


async def page(request: Request) -> Response:
    """The landing page: kept by the guest cache (it holds nothing of one visitor's); its sign-up button leads to
    the form's own page with the visitor's ``ref`` and ``utm_*`` values."""
    viewer = await resolve_viewer(request)
    campaign, circle, blocks = await service.get_campaign(viewer, request.path_params["token"])
    offers = await _offers(circle, blocks)
    shown = await _pictures(blocks, offers)
    member = viewer is not None and (await circle_access(viewer, circle)).is_member
    arrival = urlencode(
        {name: request.query_params[name][:100] for name in ("ref", *service.UTM) if request.query_params.get(name)}
    )
    return await render(
        request,
        "flyer_campaign/page.html",
        {
            "campaign": campaign,
            "circle": circle,
            "blocks": blocks,
            "pictures": shown,
            "member": member,
            "offers": offers,
            "arrival": arrival,
            "share_card": await _card(request, campaign, circle),
            "now": datetime.now(tz=await _zone(request)),
        },
        locale=campaign.locale,
    )


async def join(request: Request, form: Form | None = None, status: int = 200, notice: str = "") -> Response:
    """The sign-up form (a page of its own: it carries the visitor's CSRF token and form stamp): with a phone
    number and a texted code where the site sends text messages (``?with=password`` for a username and password),
    else with a username and password."""
    mark_personal(request)
    campaign, circle, _ = await service.get_campaign(await resolve_viewer(request), request.path_params["token"])
    if campaign.state == CampaignState.CLOSED:
        return RedirectResponse(f"{campaign.path}#signup", status_code=303)  # the page says it has ended
    if form is None:
        form = Form({name: request.query_params.get(name, "")[:100] for name in ("ref", "with", *service.UTM)})
    return await render(
        request,
        "flyer_campaign/join.html",
        {
            "campaign": campaign,
            "circle": circle,
            "form": form,
            "questions": [Field.of(question) for question in campaign.questions],
            "by_phone": await _by_phone(request, form),
            "notice": notice,
        },
        status=status,
        locale=campaign.locale,
    )


async def _by_phone(request: Request, form: Form) -> bool:
    """Whether a guest signs up with a phone number and a code (the site sends text messages, and they did not
    ask for a username and password)."""
    return form.values.get("with") != "password" and await phone_offered(request)


async def pixel(request: Request) -> Response:
    mark_personal(request)
    campaign, _, _ = await service.get_campaign(await resolve_viewer(request), request.path_params["token"])
    await views.count(campaign.id)
    return Response(PIXEL, media_type="image/gif", headers={"cache-control": "no-store"})


async def _target(campaign: Campaign, ref: str) -> str:
    """The page's address, with a member's referral code when it is one of the campaign's."""
    return campaign.path + (f"?ref={ref}" if ref and await service.referrer_of(campaign, ref) else "")


async def qr(request: Request) -> Response:
    campaign, _, _ = await service.get_campaign(await resolve_viewer(request), request.path_params["token"])
    target = await _target(campaign, request.query_params.get("ref", ""))
    return qr_response(absolute_url(request, target), request.url.path.rpartition(".")[2], public=True)


async def poster(request: Request) -> Response:
    """The campaign's poster as a PNG (``?size=a4`` or ``phone``; ``?ref=CODE`` for a member's own)."""
    campaign, _, _ = await service.get_campaign(await resolve_viewer(request), request.path_params["token"])
    size = request.query_params.get("size", "a4")
    if size not in SIZES:
        size = "a4"
    target = await _target(campaign, request.query_params.get("ref", ""))
    picture = await site_of(request).store.get(campaign.image) if campaign.image else None
    data = await run_in_threadpool(
        draw_poster,
        size,
        campaign.title,
        campaign.description,
        absolute_url(request, target),
        texts(campaign.locale).poster,
        picture,
    )
    return Response(
        data,
        media_type="image/png",
        headers={
            "cache-control": "public, max-age=300",
            "content-disposition": f'inline; filename="campaign-{campaign.token}-{size}.png"',
        },
    )


async def share_check(request: Request) -> Response:
    """What WeChat and other apps will show for the page's link, and what would make it better (the owners)."""
    viewer = await resolve_viewer(request)
    campaign, access = await service.owned(viewer, request.path_params["token"])
    card = await _card(request, campaign, access.circle)
    shown = await pictures([campaign.image[:64]]) if campaign.image else {}
    picture = shown.get(campaign.image[:64]) if campaign.image else None
    problems = []
    if "/share-card.png" in card.image:
        problems.append(
            Message(
                "No picture of its own: apps show a card with the title. Give the campaign a picture "
                "(or the club a logo) to show something better."
            )
        )
    elif picture is not None and min(picture.width, picture.height) < 300:
        problems.append(Message("The picture is smaller than 300 × 300: some apps leave it out."))
    if len(campaign.title) > 14:
        problems.append(Message("Chat apps cut a title after some 14 Chinese characters."))
    if not campaign.description:
        problems.append(Message("No line under the title: apps show the address instead."))
    if not card.url.startswith("https://"):
        problems.append(Message("The address is not https: set QUANZI_BASE_URL to the site's public https address."))
    return await render(request, "flyer_campaign/card.html", {"campaign": campaign, "card": card, "problems": problems})


async def signup(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    campaign, circle, _ = await service.get_campaign(viewer, request.path_params["token"])
    if campaign.state == CampaignState.CLOSED:
        return RedirectResponse(f"{campaign.path}#signup", status_code=303)  # the page says it has ended
    form = Form.of(data, SIGNUP_FIELDS)
    arrival = service.Arrival(form.values["ref"], {name: form.values[name] for name in service.UTM})
    consented = bool(data.get("consent"))
    questions = [Field.of(question) for question in campaign.questions]
    given = answers_from_form(questions, data)
    form.values.update({f"a{index}": value for index, value in enumerate(given)})
    try:
        if viewer is None and data.get("step") == "send" and await _by_phone(request, form):
            form.values["phone"] = await text_code(request, form.values["phone"])
            notice = Message("We texted a code to %(phone)s. It is valid for 10 minutes.", phone=form.values["phone"])
            return await join(request, form, notice=notice)
        answers = service.check_signup_answers(campaign, given)
        if viewer is None:
            settings = _settings(request)
            if not await guest_check(
                request,
                data,
                action="flyer:signup",
                per_hour=settings["signups_per_hour"],
                min_seconds=settings["guest_min_seconds"],
            ):
                await Campaign.filter(id=campaign.id).update(bots=F("bots") + 1)
                return await render(request, "flyer_campaign/welcome.html", {"campaign": campaign, "circle": None})
            if not consented:
                raise ValidationError({"consent": Message("Please agree to how your data is used.")})
            if await _by_phone(request, form):
                viewer, made = await sign_up_by_phone(request, form.values["phone"], form.values["code"])
            else:
                made, viewer = (
                    True,
                    await sign_up(
                        request,
                        username=form.values["username"],
                        email=form.values["email"],
                        password=form.values["password"],
                    ),
                )
            await service.record_signup(
                campaign, circle, viewer, arrival, consented=True, new_account=made, answers=answers
            )
        else:
            await service.record_signup(
                campaign, circle, viewer, arrival, consented=consented, new_account=False, answers=answers
            )
    except ValidationError as error:
        form.errors = error.fields
        return await join(request, form, status=400)
    except Conflict:
        pass  # came through this campaign before: on to the circle all the same
    return RedirectResponse(f"/c/{circle.slug}?welcome=1", status_code=303)


async def invite(request: Request) -> Response:
    """A member's own link and QR code for the campaign: the sign-ups it brings are credited to them once the
    newcomers take part."""
    viewer = await resolve_viewer(request)
    campaign, circle, _ = await service.get_campaign(viewer, request.path_params["token"])
    if viewer is None or not (await circle_access(viewer, circle)).is_member:
        return RedirectResponse(f"/login?next={campaign.path}/invite", status_code=303)
    code = await service.referral_code(campaign, viewer)
    return await render(
        request,
        "flyer_campaign/invite.html",
        {
            "campaign": campaign,
            "link": absolute_url(request, f"{campaign.path}?ref={code}"),
            "code": code,
        },
    )


async def _draft(request: Request, form: Form, data: Any) -> service.BlockDraft:
    picture = await chosen(data, "picture")
    name = ""
    if picture is not None:
        name = (await receive_picture(request, await resolve_viewer(request), picture, field="picture")).name
    at = parse_form_time(form.values["at"], await _zone(request), "at")
    return service.BlockDraft(
        form.values["kind"],
        form.values["text"],
        form.values["label"],
        form.values["url"],
        name,
        at,
        form.values["item"],
    )


async def editor(request: Request, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    campaign, access = await service.owned(viewer, request.path_params["token"])
    circle, blocks = access.circle, await service.blocks_of(campaign)
    offers = await service.offers(circle)
    shown = await _pictures(blocks, offers)
    settings = Form(
        {
            "title": campaign.title,
            "description": campaign.description,
            "consent": campaign.consent,
            "questions": "\n".join(question["label"] for question in campaign.questions),
        }
    )
    return await render(
        request,
        "flyer_campaign/edit.html",
        {
            "campaign": campaign,
            "circle": circle,
            "blocks": blocks,
            "kinds": KIND_NAMES,
            "pictures": shown,
            "offers": offers,
            "settings": settings,
            "errors": errors or {},
        },
        status=status,
    )


async def edit_action(request: Request) -> Response:
    """The editor's buttons: the campaign's settings, add a block, change, move or remove one; publish, close or
    delete the campaign."""
    viewer = await resolve_viewer(request)
    token = request.path_params["token"]
    data = await read_form(request, files=("picture", "image"))
    action = request.path_params["action"]
    block_id = whole_number(str(data.get("block", ""))) or 0
    try:
        if action == "settings":
            form = Form.of(data, SETTINGS_FIELDS)
            image = await chosen(data, "image")
            name = (await receive_picture(request, viewer, image, field="image")).name if image else None
            questions = [
                Field(FieldKind.SHORT_TEXT, line.strip(), [], False)
                for line in form.values["questions"].splitlines()
                if line.strip()
            ]
            await service.update_campaign(
                viewer,
                token,
                service.CampaignSettings(
                    form.values["title"], form.values["description"], form.values["consent"], name, questions
                ),
            )
        elif action == "add":
            await service.add_block(viewer, token, await _draft(request, Form.of(data, BLOCK_FIELDS), data))
        elif action == "change":
            await service.update_block(
                viewer, token, block_id, await _draft(request, Form.of(data, BLOCK_FIELDS), data)
            )
        elif action in ("up", "down"):
            await service.move_block(viewer, token, block_id, -1 if action == "up" else 1)
        elif action == "remove":
            await service.remove_block(viewer, token, block_id)
        elif action in STATES:
            await service.set_state(viewer, token, STATES[action])
        elif action == "delete":
            circle = await service.delete_campaign(viewer, token)
            return RedirectResponse(f"/c/{circle.slug}", status_code=303)
        else:
            raise ValidationError({"action": Message("There is no such action.")})
    except ValidationError as error:
        return await editor(request, error.fields, status=400)
    return RedirectResponse(f"/f/{token}/edit?saved=1#{'state' if action in STATES else 'blocks'}", status_code=303)


async def funnel_page(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    campaign, _ = await service.owned(viewer, request.path_params["token"])
    await views.flush()
    found = await service.funnel(viewer, campaign.token)
    return await render(request, "flyer_campaign/funnel.html", {"campaign": campaign, "funnel": found})


routes: list[BaseRoute] = [
    Route("/f/{token}", page),
    Route("/f/{token}/v.gif", pixel),
    Route("/f/{token}/qr.svg", qr),
    Route("/f/{token}/qr.png", qr),
    Route("/f/{token}/poster.png", poster),
    Route("/f/{token}/card", share_check),
    Route("/f/{token}/join", join),
    Route("/f/{token}/signup", signup, methods=["POST"]),
    Route("/f/{token}/invite", invite),
    Route("/f/{token}/edit", editor),
    Route("/f/{token}/edit/{action}", edit_action, methods=["POST"]),
    Route("/f/{token}/funnel", funnel_page),
]
