"""Pages of accounts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.accounts import service
from core.web.auth import log_out, resolve_viewer
from core.web.forms import read_form, safe_next


async def logout(request: Request) -> Response:
    """Log out: every session of the account ends, on every device."""
    form = await read_form(request)
    viewer = await resolve_viewer(request)
    if viewer is not None:
        await service.end_sessions(viewer)
    log_out(request)
    next_path = form.get("next")
    return RedirectResponse(safe_next(next_path if isinstance(next_path, str) else None), status_code=303)


routes = [Route("/logout", logout, methods=["POST"])]
