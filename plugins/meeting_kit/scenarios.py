"""The meeting-kit scenario template: one meeting, set up in one step, answered with the addresses of what it made."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.plugins import Created, Message, Scenario, ScenarioContext, now, site_timezone
from plugins.meeting_kit import service
from plugins.meeting_kit.texts import texts

WEEKS_AHEAD = 4  # the first draft's date: four weeks on, at nine in the morning (the organisers change it)


def first_date(zone_name: str) -> datetime:
    zone = site_timezone(zone_name)
    day = (now().astimezone(zone) + timedelta(weeks=WEEKS_AHEAD)).date()
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone)


async def _apply(context: ScenarioContext) -> list[Created]:
    text = texts(context.locale)
    meeting = await service.create_meeting(
        context.owner,
        context.circle.slug,
        context.title,
        context.locale,
        start=first_date(context.timezone),
        zone=context.timezone,
        max_length=32_000,
    )
    view_title = context.title or text.title
    event = await meeting.event
    home = f"/meetings/{meeting.id}"
    return [
        Created("meeting", f"{text.labels['meeting']}: {view_title}", home),
        Created("event", view_title, f"/t/{event.thread_id}"),
        Created("agenda", text.labels["agenda"], f"{home}#agenda"),
        Created("notices", text.labels["notices"], f"{home}#notices"),
        Created("survey", text.survey_title, f"/surveys/{meeting.survey_id}"),
        Created("checkin", text.labels["checkin"], f"/events/{event.id}/checkin"),
        Created("badges", text.labels["badges"], f"{home}/badges"),
    ]


SCENARIO = Scenario(
    name="meeting-kit",
    title=Message("Meeting kit"),
    description=Message(
        "One meeting, set up at once: its page, registration (name, organisation, phone) with tickets and check-in, "
        "an agenda, a notice board that reaches every registered member, feedback polls per agenda item, a closing "
        "survey and printable name badges."
    ),
    apply=_apply,
    requires=("events", "polls"),
)
