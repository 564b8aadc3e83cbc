"""The router tries only the routes a request's first path segment may match (core/web/routing.py): for every route
of the site, with every bundled plugin, it finds what Starlette's router would have found by trying each in turn,
and a wrong method, a missing slash or an unknown path are answered as before."""

from __future__ import annotations

import re

from starlette.routing import Match, Mount, Route

from core.web.routing import IndexedRouter

SAMPLES = {"int": "7", "path": "a/b", "str": "x"}


def _sample(path: str) -> str:
    """A path that ``path``'s pattern matches: each parameter given a value of its kind."""
    return re.sub(r"\{[^}:]+(?::([a-z]+))?\}", lambda found: SAMPLES.get(found.group(1) or "str", "x"), path)


def _routes(router, prefix=""):
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, IndexedRouter):
            yield from _routes(route.app, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix, router, route


def test_every_route_is_found_as_starlette_finds_it(client):
    checked = 0
    for prefix, router, route in _routes(client.app.router):
        path = _sample(route.path)
        for method in route.methods or {"GET"}:
            scope = {"type": "http", "path": prefix + path, "root_path": prefix, "method": method}
            expected = next(each for each in router.routes if each.matches(scope)[0] is Match.FULL)
            found = next(each for each in router._candidates(path) if each.matches(scope)[0] is Match.FULL)
            assert found is expected, (method, prefix + path)
            checked += 1
    assert checked > 300  # the pages and the API, every bundled plugin's too


def test_a_wrong_method_a_missing_slash_and_an_unknown_path_are_answered_as_before(client):
    assert client.get("/api/v1/conversations").status_code == 401  # found in the API's own router
    assert client.put("/api/v1/search").status_code == 405
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/api/v1/no-such-thing").status_code == 404
    assert client.get("/login").status_code == 200
    moved = client.get("/login/", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"].endswith("/login")
