"""A circle's scenario templates page (``/c/{slug}/templates``): its owners see every template, what each asks,
and what was applied before, and apply one (again, on purpose)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.circles import service
from core.circles.scenarios import apply_scenario, missing_plugins, scenarios, uses
from core.errors import NotFound, QuanziError, ValidationError
from core.forms.fields import answers_from_form
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.pages import reader_locale, render
from core.web.site import site_of


async def _page(request: Request, failed: str = "", form: Form | None = None, status: int = 200) -> Response:
    access = await service.access_by_slug(await resolve_viewer(request), request.path_params["slug"])
    if not access.is_owner:
        raise NotFound()
    host = site_of(request).plugins
    offered = scenarios(host)
    used = await uses(access.circle)
    applied = request.query_params.get("applied", "")
    context = {
        "circle": access.circle,
        "scenarios": list(offered.values()),
        "missing": {name: missing_plugins(host, scenario) for name, scenario in offered.items()},
        "used": used,
        "just_applied": used[applied][0] if applied in used else None,
        "failed": failed,  # the template whose form is shown again with its errors
        "form": form or Form(),
    }
    return await render(request, "circle_templates.html", context, status=status)


async def templates_page(request: Request) -> Response:
    return await _page(request)


async def apply_template(request: Request) -> Response:
    data = await read_form(request)
    slug, name = request.path_params["slug"], request.path_params["name"]
    site = site_of(request)
    scenario = scenarios(site.plugins).get(name)
    if scenario is None:
        raise NotFound()
    answers = answers_from_form(scenario.questions, data, "answers", named=True)
    given = {question.name: value for question, value in zip(scenario.questions, answers, strict=True)}
    form = Form({"title": str(data.get("title", "")), **{f"answers.{key}": value for key, value in given.items()}})
    viewer = await resolve_viewer(request)
    locale = reader_locale(request, viewer, await site.settings.current())
    try:
        await apply_scenario(
            site.plugins,
            name,
            slug,
            form.values["title"],
            again=bool(data.get("again")),
            answers={key: value for key, value in given.items() if value not in ("", None, [])},
            actor=viewer,
            locale=locale,
        )
    except ValidationError as error:
        form.errors = error.fields
        return await _page(request, name, form, status=400)
    except QuanziError as error:
        if error.status in (401, 404):
            raise
        form.errors = {"form": error.message}
        return await _page(request, name, form, status=error.status)
    return RedirectResponse(f"/c/{slug}/templates?applied={name}#template-{name}", status_code=303)


routes: list[BaseRoute] = [
    Route("/c/{slug}/templates", templates_page, methods=["GET"]),
    Route("/c/{slug}/templates/{name}", apply_template, methods=["POST"]),
]
