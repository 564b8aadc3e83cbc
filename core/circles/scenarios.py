"""Applying scenario templates to circles: by the circle's owners (the API, its page), site administrators (the
admin area) and the CLI. Each use is recorded with what it made, so that applying a template a second time is a
choice (``again``) and not an accident."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from core.accounts.models import User
from core.circles.models import Circle, MemberRole, Membership, MemberStatus, TemplateUse
from core.circles.service import access_by_slug
from core.config import LOCALES
from core.contract.kinds import Created, Scenario, ScenarioContext
from core.db import transaction
from core.errors import Conflict, Forbidden, Message, NotFound, ValidationError
from core.forms.fields import check_answers
from core.pluginhost.host import PluginHost
from core.pluginhost.running import on_behalf
from core.site.models import Setting
from core.site.service import SITE_DEFAULTS

TITLE_MAX = 200


def scenarios(host: PluginHost) -> dict[str, Scenario]:
    """Every scenario template the enabled plugins (and the core) offer, by name."""
    found: dict[str, Scenario] = {}
    for _, offered in host.call_startup("register_scenarios"):
        for scenario in offered:
            found[scenario.name] = scenario
    return found


@dataclass(frozen=True)
class Applied:
    scenario: Scenario
    created: list[Created]


def missing_plugins(host: PluginHost, scenario: Scenario) -> list[str]:
    return [plugin for plugin in scenario.requires if plugin not in host.enabled]


async def uses(circle: Circle) -> dict[str, list[TemplateUse]]:
    """The templates applied to ``circle``, each with its uses, the latest first."""
    found: dict[str, list[TemplateUse]] = {}
    for use in await TemplateUse.filter(circle_id=circle.id).order_by("-id"):
        found.setdefault(use.template, []).append(use)
    return found


async def _circle_owner(circle: Circle) -> User:
    membership = (
        await Membership.filter(circle=circle, role=MemberRole.OWNER, status=MemberStatus.ACTIVE).order_by("id").first()
    )
    if membership is None:
        raise Conflict(Message("This circle has no owner to author the template's content."))
    return await User.get(id=membership.user_id)


def _answers(scenario: Scenario, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to the template's questions, checked (errors name ``answers.NAME``)."""
    questions = scenario.questions
    unknown = set(answers) - {question.name for question in questions}
    if unknown:
        raise ValidationError({f"answers.{name}": Message("The template asks no such question.") for name in unknown})
    try:
        cleaned = check_answers(questions, [answers.get(question.name) for question in questions])
    except ValidationError as error:
        names = {f"answers.{index}": f"answers.{question.name}" for index, question in enumerate(questions)}
        raise ValidationError({names.get(key, key): message for key, message in error.fields.items()}) from None
    return {question.name: value for question, value in zip(questions, cleaned, strict=True)}


async def apply_scenario(
    host: PluginHost,
    name: str,
    slug: str,
    title: str | None = None,
    *,
    answers: dict[str, Any] | None = None,
    again: bool = False,
    actor: User | None = None,
    locale: str = "",
) -> Applied:
    """Set the circle ``slug`` up with the scenario ``name``, all in one transaction: on any error, nothing changes.
    With an ``actor`` (the API, the pages), only the circle's owners and site administrators may; without one (the
    CLI), the site's operator does. A template applied before is refused (Conflict ``already_applied``, with what
    it made) unless ``again``. What it writes is in ``locale`` (the site's language by default)."""
    scenario = scenarios(host).get(name)
    if scenario is None:
        raise NotFound(Message("No scenario template is named %(name)s.", name=name), code="no_such_template")
    missing = missing_plugins(host, scenario)
    if missing:
        raise Conflict(
            Message("This template needs these plugins enabled first: %(plugins)s.", plugins=", ".join(missing)),
            code="plugins_missing",
        )
    if actor is not None:
        access = await access_by_slug(actor, slug)
        if not access.is_owner:
            raise Forbidden(Message("Only the circle's owners apply templates to it."))
        circle = access.circle
    else:
        found = await Circle.get_or_none(slug=slug)
        if found is None:
            raise NotFound(Message("No circle has the address %(slug)s.", slug=slug))
        circle = found
    title = (title or "").strip() or None
    if title is not None and len(title) > TITLE_MAX:
        raise ValidationError({"title": Message("At most %(n)s characters.", n=TITLE_MAX)})
    cleaned = _answers(scenario, answers or {})
    owner = await _circle_owner(circle)
    if locale not in LOCALES:
        stored = await Setting.get_or_none(key="default_locale")
        locale = stored.value if stored else SITE_DEFAULTS["default_locale"]
    zone = await Setting.get_or_none(key="timezone")
    latest = await TemplateUse.filter(circle_id=circle.id, template=name).order_by("-number").first()
    if latest is not None and not again:
        raise _applied_before(latest)
    number = latest.number + 1 if latest is not None else 1
    try:
        async with transaction():
            # claimed first: of two owners applying it at the same moment, the second one's number is taken
            use = await TemplateUse.create(circle=circle, template=name, number=number, applied_by=actor)
            context = ScenarioContext(
                circle=circle,
                owner=owner,
                title=title,
                answers=cleaned,
                locale=locale,
                timezone=zone.value if zone else SITE_DEFAULTS["timezone"],
            )
            with on_behalf():  # the owner's deliberate act: no newcomer limits, no club points
                created = await scenario.apply(context) or []
            use.created = [asdict(item) for item in created]
            await use.save(update_fields=["created"])
    except IntegrityError:
        latest = await TemplateUse.filter(circle_id=circle.id, template=name).order_by("-number").first()
        if latest is None or latest.number < number:
            raise  # not the use's number: a plugin's own constraint
        raise _applied_before(latest) from None
    return Applied(scenario, created)


def _applied_before(use: TemplateUse) -> Conflict:
    return Conflict(
        Message("This template was applied to this circle before; apply it again to make a second set."),
        code="already_applied",
        details={"created": use.created, "applied_at": use.applied_at.isoformat()},
    )
