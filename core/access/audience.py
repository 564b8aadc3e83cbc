"""Audiences that are not circles: who may see a kind of object that belongs to people rather than to a circle's
members (a complaint: its filer and the desk's staff; an order: its buyer and the shop's managers).

A plugin declares one with the columns of its table that name those people, and the core derives every rendering
from that one declaration: the check for one object (``allows``), the SQL condition and the ORM filter for lists
(``sql``, ``q``), and the keys that search documents carry (``keys``, matched by ``Scope.audience_keys``).
Notifications about such an object (``notify_about``) follow it too, and so does the fetch of one object for a
viewer (``get``: "not found" to anyone outside it). An administrator sees every object; a site moderator sees one only
as whatever else it is (its filer, or staff of its circle).

    LETTER = Audience("letters.letter", "letters", user=("author_id", "recipient_id"))
    COMPLAINT = Audience("complaints.complaint", "complaints", user=("filer_id",), circle_staff=("circle_id",))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model

from core import sql
from core.access.scope import Scope, scope_of
from core.accounts.models import User
from core.errors import Message, NotFound

M = TypeVar("M", bound=Model)

# What a column may name: the viewer's own id, a circle where they are an active member, one they own or moderate.
GRANTS = ("user", "circle_member", "circle_staff")


def _ids(scope: Scope, grant: str) -> frozenset[int]:
    if scope.user is None:
        return frozenset()
    if grant == "user":
        return frozenset({scope.user.id})
    return scope.member_of if grant == "circle_member" else scope.staff_of


def _in(column: str, ids: frozenset[int]) -> dict[str, Any]:
    return {f"{column}__in": sorted(ids)}


def _value(obj: Any, column: str) -> Any:
    return obj[column] if isinstance(obj, Mapping) else getattr(obj, column)


@dataclass(frozen=True)
class Audience:
    """Who may see the objects of one kind (``name``, stored in ``table`` with the key ``id``): those the columns
    name, by grant (``user``: the member whose id it holds; ``circle_member`` / ``circle_staff``: the active
    members / owners and moderators of the circle whose id it holds)."""

    name: str
    table: str
    user: tuple[str, ...] = ()
    circle_member: tuple[str, ...] = ()
    circle_staff: tuple[str, ...] = ()

    def _grants(self) -> list[tuple[str, str]]:
        return [(grant, column) for grant in GRANTS for column in getattr(self, grant)]

    def allows(self, scope: Scope, obj: Any) -> bool:
        """May the viewer of ``scope`` see ``obj`` (a model instance or a row with the columns)?"""
        return scope.sees_all or any(_value(obj, column) in _ids(scope, grant) for grant, column in self._grants())

    def as_staff(self, scope: Scope, obj: Any) -> bool:
        """Does the viewer see ``obj`` as the staff of a circle it names (or as an administrator), rather than only
        as one of the people it names? Staff see all of it (a case's internal notes) and act on it."""
        return scope.sees_all or any(_value(obj, column) in scope.staff_of for column in self.circle_staff)

    async def get(
        self, viewer: User | None, model: type[M], missing: Message, *, related: tuple[str, ...] = (), **key: Any
    ) -> tuple[M, Scope]:
        """The one object of ``model`` that ``key`` names (``id=3``, or another unique column), loaded with
        ``related``, if the viewer may see it, with the viewer's scope; NotFound (``missing``) when it does not exist
        or they may not, never told apart. The ORM filter (``q``) decides, so one object and a list of them follow
        the same rule."""
        scope = await scope_of(viewer)
        query = model.filter(self.q(scope), **key)
        found = await (query.select_related(*related) if related else query).first()
        if found is None:
            raise NotFound(missing)
        return found, scope

    def sql(self, scope: Scope, alias: str) -> tuple[str, list[Any]]:
        """The same rule as a condition on ``table`` under ``alias``, with its parameters."""
        if scope.sees_all:
            return "1 = 1", []
        conditions: list[str] = []
        params: list[Any] = []
        for grant, column in self._grants():
            ids = sorted(_ids(scope, grant))
            if ids:
                conditions.append(f"{alias}.{column} IN ({sql.placeholders(len(ids))})")
                params.extend(ids)
        return (f"({' OR '.join(conditions)})", params) if conditions else ("1 = 0", [])

    def q(self, scope: Scope) -> Q:
        """The same rule as an ORM filter on the objects' model."""
        if scope.sees_all:
            return Q()
        granted = [Q(**_in(column, ids)) for grant, column in self._grants() if (ids := _ids(scope, grant))]
        return Q(*granted, join_type=Q.OR) if granted else Q(id__in=[])

    def keys(self, obj: Any) -> tuple[str, ...]:
        """The audience keys of ``obj`` for a search document (``SearchDocument.audience``): the viewers whose
        ``Scope.audience_keys`` hold one of them find it."""
        return tuple(
            f"{grant}:{value}" for grant, column in self._grants() if (value := _value(obj, column)) is not None
        )
