"""Applying scenario templates to circles."""

from __future__ import annotations

from core.accounts.models import User
from core.circles.models import Circle, MemberRole, Membership, MemberStatus
from core.contract.kinds import Scenario, ScenarioContext
from core.db import transaction
from core.errors import Conflict, NotFound
from core.pluginhost.host import PluginHost


def scenarios(host: PluginHost) -> dict[str, Scenario]:
    """Every scenario template the enabled plugins (and the core) offer, by name."""
    found: dict[str, Scenario] = {}
    for _, offered in host.call_startup("register_scenarios"):
        for scenario in offered:
            found[scenario.name] = scenario
    return found


async def apply_scenario(host: PluginHost, name: str, slug: str, title: str | None = None) -> Scenario:
    """Set the circle ``slug`` up with the scenario ``name``, all in one transaction: on any error, nothing changes."""
    scenario = scenarios(host).get(name)
    if scenario is None:
        raise NotFound(f"No scenario template is named {name!r}.")
    missing = [plugin for plugin in scenario.requires if plugin not in host.enabled]
    if missing:
        raise Conflict(
            f"The {name!r} template needs these plugins enabled first: {', '.join(missing)}.", code="plugins_missing"
        )
    circle = await Circle.get_or_none(slug=slug)
    if circle is None:
        raise NotFound(f"No circle has the address {slug!r}.")
    owner_membership = (
        await Membership.filter(circle=circle, role=MemberRole.OWNER, status=MemberStatus.ACTIVE).order_by("id").first()
    )
    owner = await User.get(id=owner_membership.user_id) if owner_membership else None
    if owner is None:
        raise Conflict("This circle has no owner to author the template's content.")
    async with transaction():
        await scenario.apply(ScenarioContext(circle=circle, owner=owner, title=title))
    return scenario
