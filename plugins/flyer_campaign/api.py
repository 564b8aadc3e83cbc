"""JSON API of campaigns (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from core.plugins import ApiCall, ApiRouter, csv_response
from plugins.flyer_campaign import service, views
from plugins.flyer_campaign.models import Campaign, CampaignState

router = ApiRouter("flyer_campaign")


@router.route(
    "GET",
    "/flyers/{token}/funnel",
    "A campaign's funnel: views, sign-ups, joined, first posts, and "
    "per referrer and per utm_source (the circle's owners)",
    auth=True,
)
async def funnel(call: ApiCall[None]) -> dict[str, Any]:
    await views.flush()
    found = await service.funnel(call.viewer, call.params["token"])
    return {
        "views": found.views,
        "signups": found.signups,
        "joined": found.joined,
        "first_posts": found.first_posts,
        "bots": found.bots,
        "referrers": [
            {"username": name, "signups": count, "active": active} for name, count, active in found.by_referrer
        ],
        "sources": [
            {"utm_source": name, "signups": count, "active": active} for name, count, active in found.by_source
        ],
    }


def _campaign_json(campaign: Campaign) -> dict[str, Any]:
    return {"token": campaign.token, "title": campaign.title, "state": campaign.state.value, "url": campaign.path}


@router.route(
    "POST",
    "/flyers/{token}/publish",
    "Publish a draft campaign (or open a closed one again): its page "
    "is public to whoever has the address (the circle's owners)",
    auth=True,
)
async def publish(call: ApiCall[None]) -> dict[str, Any]:
    return _campaign_json(await service.set_state(call.viewer, call.params["token"], CampaignState.PUBLISHED))


@router.route(
    "POST",
    "/flyers/{token}/close",
    "Close a campaign: its page says it has ended and takes no more sign-ups (the circle's owners)",
    auth=True,
)
async def close(call: ApiCall[None]) -> dict[str, Any]:
    return _campaign_json(await service.set_state(call.viewer, call.params["token"], CampaignState.CLOSED))


@router.route(
    "DELETE",
    "/flyers/{token}",
    "Delete a campaign with its page and sign-up records (the circle's owners)",
    auth=True,
    status=204,
)
async def delete(call: ApiCall[None]) -> None:
    await service.delete_campaign(call.viewer, call.params["token"])


@router.route(
    "GET", "/flyers/{token}/signups.csv", "A campaign's sign-ups with their consent (the circle's owners)", auth=True
)
async def signups_csv(call: ApiCall[None]) -> Response:
    rows = await service.signups(call.viewer, call.params["token"])
    campaign, _ = await service.owned(call.viewer, call.params["token"])
    labels = [question["label"] for question in campaign.questions]
    header = [
        "username",
        "email",
        "signed_up_at",
        "referrer",
        *service.UTM,
        "joined",
        "active_at",
        "consent",
        "consented_at",
        *labels,
    ]
    table = [
        [
            row.user.username,
            row.user.email,
            row.created_at.isoformat(),
            row.referrer.username if row.referrer else "",
            *(row.utm.get(name, "") for name in service.UTM),
            row.joined,
            row.active_at.isoformat() if row.active_at else "",
            row.consent,
            row.consented_at.isoformat(),
            *(str(answer or "") for answer in row.answers),
        ]
        for row in rows
    ]
    return csv_response(f"campaign-{call.params['token']}-signups.csv", header, table)
