"""Finding a request's route among some hundreds without trying each in turn.

Starlette's router asks every route in order whether it matches, and a member's page waited for some 150 of them
(a tenth of an API call's time). A route whose path begins with a fixed segment (``/t/{id}``, ``/c/{slug}/chat``,
``/static``) can only match a path that begins with that segment, so ``IndexedRouter`` tries only the routes of the
request's first segment and those whose first segment is not fixed (``/{slug}``, a route of another kind), in their
order: the first that matches is the one Starlette would have found. Whatever finds no full match here (a wrong
method, a missing slash, nothing at all) is left to Starlette's own router as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

FIXED = re.compile(r"^/([^/{}]*)(?:/|$)")  # a path's first segment, when it holds no parameter


def first_segment(route: BaseRoute) -> str | None:
    """The fixed first segment of the paths ``route`` can match ("" for ``/``), or None when any may match."""
    if isinstance(route, (Route, Mount)):
        found = FIXED.match(route.path or "/")
        if found is not None:
            return found.group(1)
    return None


class IndexedRouter(Router):
    """A Router that tries only the routes that may match the request's first path segment."""

    _indexed: tuple[int, int] | None = None  # the route list indexed (its identity and length)
    _anywhere: Sequence[BaseRoute] = ()
    _by_segment: dict[str, Sequence[BaseRoute]]

    def _candidates(self, path: str) -> Sequence[BaseRoute]:
        if self._indexed != (id(self.routes), len(self.routes)):
            self._index()
        return self._by_segment.get(path[1:].partition("/")[0], self._anywhere)

    def _index(self) -> None:
        segments = [(route, first_segment(route)) for route in self.routes]
        self._anywhere = [route for route, segment in segments if segment is None]
        self._by_segment = {
            fixed: [route for route, segment in segments if segment in (fixed, None)]
            for fixed in {segment for _, segment in segments if segment is not None}
        }
        self._indexed = (id(self.routes), len(self.routes))

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self._candidates(get_route_path(scope)):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)
