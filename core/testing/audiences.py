"""The audience table (``core.access.audience``): every rendering of an audience, asked about one object for a table
of viewers, must give the answer the test expects — the check for one object, the SQL condition, the ORM filter, the
search keys and the fetch of one object.

    people = audience_people(client, "club", owner)  # its staff, the site's staff, a member, an outsider, a guest
    people["buyer"] = buyer
    check_audience(client, ORDER, Order, people, sees={"buyer", "owner", "moderator", "admin"}, id=order_id)
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient
from tortoise.models import Model

from core import sql
from core.access.audience import Audience
from core.access.scope import scope_of
from core.accounts.models import Role, User
from core.errors import Message, NotFound
from core.testing import Member, register


def audience_people(client: TestClient, slug: str, owner: Member, prefix: str = "") -> dict[str, Member | None]:
    """A viewer of each kind for circle ``slug``, owned by ``owner``: ``owner``, ``moderator`` (the circle's),
    ``member``, ``sitemod`` and ``admin`` (the site's moderator and administrator), ``outsider`` and ``guest``
    (None). The names made start with ``prefix``."""
    moderator, member = register(client, f"{prefix}moderator"), register(client, f"{prefix}member")
    for person, role in ((moderator, "moderator"), (member, "member")):
        client.put(f"/api/v1/circles/{slug}/members/{person.username}", json={"role": role}, headers=owner.auth)
        assert client.post(f"/api/v1/circles/{slug}/join", headers=person.auth).status_code == 200
    return {
        "owner": owner,
        "moderator": moderator,
        "member": member,
        "sitemod": register(client, f"{prefix}sitemod", Role.MODERATOR),
        "admin": register(client, f"{prefix}admin", Role.ADMIN),
        "outsider": register(client, f"{prefix}outsider"),
        "guest": None,
    }


async def renderings(
    audience: Audience, model: type[Model], key: dict[str, Any], username: str | None
) -> dict[str, bool]:
    """What each rendering of ``audience`` says of the object of ``model`` that ``key`` names, for one viewer."""
    viewer = await User.get(username=username) if username else None
    scope = await scope_of(viewer)
    found = await model.get(**key)
    object_id = found.pk
    condition, params = audience.sql(scope, "o")
    by_sql = await sql.fetch(f"SELECT o.id FROM {audience.table} o WHERE o.id = ? AND {condition}", object_id, *params)
    try:
        await audience.get(viewer, model, Message("Not found."), id=object_id)
        fetched = True
    except NotFound:
        fetched = False
    return {
        "allows": audience.allows(scope, found),
        "sql": bool(by_sql),
        "orm": await model.filter(audience.q(scope), id=object_id).exists(),
        "search": scope.sees_all or bool(set(audience.keys(found)) & scope.audience_keys()),
        "get": fetched,
    }


def check_audience(
    client: TestClient,
    audience: Audience,
    model: type[Model],
    people: dict[str, Member | None],
    sees: set[str],
    **key: Any,
) -> None:
    """Every rendering of ``audience`` lets exactly the ``people`` named in ``sees`` see the object of ``model``
    that ``key`` names (``id=3``)."""
    assert sees <= people.keys(), sees - people.keys()
    for name, person in people.items():
        username = person.username if person else None
        answers = client.portal.call(renderings, audience, model, key, username)  # type: ignore[union-attr]
        assert set(answers.values()) == {name in sees}, (audience.name, name, answers)
