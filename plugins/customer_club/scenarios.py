"""The customer-club scenario template: the club around a circle, set up in one step — its welcome and rules, the
ideas circle and the VIP circle, the points rules and levels, the showcase with a first trial, the complaints desk, a
first meet-up and a satisfaction survey — answered with the addresses of what it made."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.plugins import Created, Message, Scenario, ScenarioContext, create_thread, now, site_timezone
from plugins.customer_club import service
from plugins.customer_club.texts import texts
from plugins.events import for_plugins as events
from plugins.polls import for_plugins as polls
from plugins.shop import for_plugins as shop

MAX_LENGTH = 32_000


def _in_weeks(zone_name: str, weeks: int, hour: int) -> datetime:
    zone = site_timezone(zone_name)
    day = (now().astimezone(zone) + timedelta(weeks=weeks)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=zone)


async def _apply(context: ScenarioContext) -> list[Created]:
    text, owner, circle = texts(context.locale), context.owner, context.circle
    club = await service.create_club(owner, circle, text, context.timezone)
    home = f"/clubs/{club.id}"
    names = {"circle": circle.name, "club": home}
    welcome = await create_thread(
        owner, circle.slug, text.welcome_title.format(**names), text.welcome_body.format(**names), max_length=MAX_LENGTH
    )
    rules = await create_thread(
        owner, circle.slug, text.rules_title, text.rules_body.format(**names), max_length=MAX_LENGTH
    )
    product = await shop.create_product(
        owner, circle.slug, shop.ProductDraft(text.product, text.product_description, "0", stock=20)
    )
    apply_until = _in_weeks(context.timezone, 2, 20)
    trial = await shop.create_trial(
        owner,
        circle.slug,
        shop.TrialDraft(
            product.id, 10, apply_until, apply_until + timedelta(weeks=4), text.trial_title, text.trial_body
        ),
        max_length=MAX_LENGTH,
    )
    starts = _in_weeks(context.timezone, 3, 19)
    event = await events.create_event(
        owner,
        circle.slug,
        text.event_title,
        text.event_body,
        events.EventDraft(
            starts_at=starts, ends_at=starts + timedelta(hours=2), timezone=context.timezone, capacity=30
        ),
        max_length=MAX_LENGTH,
    )
    survey = await polls.create_survey(
        owner,
        circle.slug,
        polls.SurveyDraft(text.survey_title, text.survey_body, list(text.survey)),
        max_length=MAX_LENGTH,
        max_options=20,
        max_questions=30,
    )
    labels = text.labels
    vip, ideas = await club.vip_circle, await club.ideas_circle
    return [
        Created("club", labels["club"], home),
        Created("thread", labels["welcome"], f"/t/{welcome.id}"),
        Created("thread", labels["rules"], f"/t/{rules.id}"),
        Created("ideas", labels["ideas"], f"{home}/ideas"),
        Created("circle", labels["vip"], f"/c/{vip.slug}"),
        Created("circle", ideas.name, f"/c/{ideas.slug}"),
        Created("shop", labels["shop"], f"/c/{circle.slug}/shop"),
        Created("trial", labels["trial"], f"/t/{trial.thread_id}"),
        Created("complaints", labels["complaints"], f"/c/{circle.slug}/complaints/new"),
        Created("event", labels["event"], f"/events/{event.id}"),
        Created("survey", labels["survey"], f"/surveys/{survey.id}"),
    ]


SCENARIO = Scenario(
    name="customer-club",
    title=Message("Customer club"),
    description=Message(
        "Turns the circle into a customer club: points and levels earned by taking part, a VIP circle opened by "
        "level, an ideas board, the showcase with a first trial, the complaints desk, a meet-up and a satisfaction "
        "survey."
    ),
    apply=_apply,
    requires=("shop", "complaints", "events", "polls"),
)
