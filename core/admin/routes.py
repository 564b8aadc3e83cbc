"""The admin area: the site's settings, members, circles, plugins and scenario templates. Administrators only."""

from __future__ import annotations

from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import Q
from tortoise.functions import Count

from core.accounts import service as accounts
from core.accounts.models import Role, User
from core.accounts.names import username_key
from core.accounts.routes import SITE_ROLE_NAMES
from core.admin.pages import admin_only, admin_page
from core.circles.models import Circle, MemberRole, Membership, MemberStatus
from core.circles.routes import POLICY_NAMES
from core.circles.scenarios import apply_scenario, scenarios
from core.config import Config
from core.contract.manifest import Setting
from core.errors import ConfigError, Message, QuanziError, ValidationError
from core.pagination import paginate
from core.pluginhost import stored
from core.pluginhost.enabling import disable_plugin, enable_plugin, set_state
from core.site import service as site_service
from core.threads.models import Post, Thread
from core.times import available_timezones, is_timezone
from core.uploads.receive import chosen, receive_picture
from core.uploads.service import LOGO
from core.web.forms import Form, read_form
from core.web.pages import reader_locale
from core.web.site import site_of
from core.workers import can_restart, first_to_ask, restart_workers


async def overview(request: Request) -> Response:
    await admin_only(request)
    counts = {
        "users": await User.all().count(),
        "circles": await Circle.all().count(),
        "threads": await Thread.filter(deleted_at__isnull=True).count(),
        "posts": await Post.filter(deleted_at__isnull=True).count(),
    }
    search_problem = request.app.state.search.health.problem
    waiting = (
        await Membership.filter(status=MemberStatus.PENDING)
        .group_by("circle_id")
        .annotate(n=Count("id"))
        .values("circle_id", "n")
    )
    circles = {circle.id: circle for circle in await Circle.filter(id__in=[row["circle_id"] for row in waiting])}
    requests = [(circles[row["circle_id"]], row["n"]) for row in waiting if row["circle_id"] in circles]
    context = {"counts": counts, "search_problem": search_problem, "requests": requests}
    return await admin_page(request, "admin/index.html", context)


async def _settings_page(request: Request, form: Form, status: int = 200) -> Response:
    zones, chosen = available_timezones(), form.values.get("timezone", "")
    zones = (chosen, *zones) if chosen not in zones and is_timezone(chosen) else zones  # one set by hand stays shown
    context = {"form": form, "themes": site_service.installed_themes(), "timezones": zones}
    return await admin_page(request, "admin/settings.html", context, status)


async def settings(request: Request) -> Response:
    await admin_only(request)
    return await _settings_page(request, Form(dict(await site_of(request).settings.current())))


async def save_settings(request: Request) -> Response:
    data = await read_form(request, files=("logo",))
    admin = await admin_only(request)
    # A field the form did not send keeps its value (a form from before a setting existed still saves).
    sent = {
        key: value for key, value in Form.of(data, data.keys()).values.items() if key not in ("logo", "remove_logo")
    }
    form = Form({**await site_of(request).settings.current(), **sent})
    form.values.pop("csrf_token", None)
    try:
        logo = await chosen(data, "logo")
        if logo is not None:
            form.values["logo"] = (await receive_picture(request, admin, logo, field="logo", square=LOGO)).name
        elif data.get("remove_logo"):
            form.values["logo"] = ""
        await site_service.update_site_settings(admin, form.values)
    except ValidationError as error:
        form.errors = error.fields
        return await _settings_page(request, form, status=400)
    site_of(request).settings.forget()
    return RedirectResponse("/admin/settings?done=settings", status_code=303)


async def users(request: Request) -> Response:
    await admin_only(request)
    q = request.query_params.get("q", "").strip()
    query = User.all()
    if q:
        query = query.filter(Q(username_key__startswith=username_key(q)) | Q(email__startswith=q.lower()))
    page = await paginate(query, ["id"], request.query_params.get("after"), 50)
    return await admin_page(
        request, "admin/users.html", {"users": page.items, "next": page.next, "q": q, "role_names": SITE_ROLE_NAMES}
    )


async def save_user(request: Request) -> Response:
    data = await read_form(request)
    admin = await admin_only(request)
    user = await accounts.get_user(request.path_params["username"])
    if "role" in data:
        role = str(data["role"])
        if role not in SITE_ROLE_NAMES:
            raise ValidationError({"role": Message("Choose one of the roles offered.")})
        await accounts.set_role(admin, user, Role(role))
    if "suspended" in data:
        await accounts.set_suspended(admin, user, data["suspended"] == "yes")
    return RedirectResponse("/admin/users?done=user", status_code=303)


async def circles(request: Request) -> Response:
    await admin_only(request)
    page = await paginate(Circle.all(), ["id"], request.query_params.get("after"), 50)
    owners: dict[int, list[str]] = {}
    memberships = await Membership.filter(
        circle_id__in=[c.id for c in page.items], role=MemberRole.OWNER, status=MemberStatus.ACTIVE
    ).select_related("user")
    for membership in memberships:
        owners.setdefault(membership.circle_id, []).append(membership.user.username)
    context = {"circles": page.items, "next": page.next, "owners": owners, "policy_names": POLICY_NAMES}
    return await admin_page(request, "admin/circles.html", context)


async def _plugin_rows(request: Request, form_values: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    host = site_of(request).plugins
    config = site_of(request).config
    data = await stored.state(config)
    rows = []
    for name, plugin in sorted(host.installed.items()):
        manifest = plugin.manifest
        values = {setting.name: data.get(name, {}).get(setting.name, setting.default) for setting in manifest.settings}
        rows.append(
            {
                "name": name,
                "title": manifest.title,
                "version": manifest.version,
                "description": manifest.description,
                "origin": plugin.origin,
                "requires": manifest.requires,
                "settings": manifest.settings,
                "enabled": data.get(name, {}).get("enabled") is True,
                "running": name in host.enabled,
                "current": {**values, **(form_values or {}).get(name, {})},
            }
        )
    for name, broken in sorted(host.broken.items()):
        rows.append(
            {
                "name": name,
                "title": "",
                "version": "",
                "description": "",
                "origin": broken.origin,
                "requires": (),
                "settings": (),
                "enabled": data.get(name, {}).get("enabled") is True,
                "running": False,
                "current": {},
                "broken": broken.error,
            }
        )
    return rows


async def plugins(request: Request) -> Response:
    await admin_only(request)
    return await admin_page(
        request, "admin/plugins.html", {"plugins": await _plugin_rows(request), "form_errors": {}, "form": Form()}
    )


def _parse_setting(setting: Setting, raw: str) -> Any:
    if setting.type is bool:
        return raw == "true"
    if setting.type in (int, float):
        try:
            return setting.type(raw)
        except ValueError:
            return raw  # Setting.check reports it
    return raw


async def save_plugin_settings(request: Request) -> Response:
    data = await read_form(request)
    await admin_only(request)
    name = request.path_params["name"]
    plugin = site_of(request).plugins.installed.get(name)
    if plugin is None:
        raise ValidationError({"plugin": Message("No such plugin is installed.")})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for setting in plugin.manifest.settings:
        raw = data.getlist(setting.name)[-1] if setting.name in data else str(setting.default)
        value = _parse_setting(setting, str(raw))
        if reason := setting.check(value):
            errors[setting.name] = reason
        values[setting.name] = value
    if errors:
        context = {
            "plugins": await _plugin_rows(request, {name: values}),
            "form_errors": {name: errors},
            "form": Form(),
        }
        return await admin_page(request, "admin/plugins.html", context, status=400)
    config = site_of(request).config
    return _applied(config, await set_state(config, name, values))


def _applied(config: Config, state: str) -> Response:
    """After a change to the plugins' state: fresh workers load it once this answer is out (``serve``; unless one
    of them has already asked), or the notice asks for a restart (a server run another way). Every other machine's
    workers find the change themselves (core/pluginhost/stored.py)."""
    if not can_restart():
        return RedirectResponse("/admin/plugins?done=plugins", status_code=303)
    ask = BackgroundTask(restart_workers) if first_to_ask(config.data_dir, state) else None
    return RedirectResponse("/admin/plugins?done=plugins_applied", status_code=303, background=ask)


async def switch_plugin(request: Request) -> Response:
    await read_form(request)
    await admin_only(request)
    config = site_of(request).config
    name = request.path_params["name"]
    try:
        if request.path_params["action"] == "enable":
            state = await enable_plugin(config, name)
        else:
            state = await disable_plugin(config, name)
    except ConfigError as error:
        context = {"plugins": await _plugin_rows(request), "form_errors": {}, "form": Form(errors={"form": str(error)})}
        return await admin_page(request, "admin/plugins.html", context, status=409)
    return _applied(config, state)


async def _templates_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    host = site_of(request).plugins
    context = {
        "scenarios": list(scenarios(host).values()),
        "circles": await Circle.all().order_by("name"),
        "form": form or Form(),
    }
    return await admin_page(request, "admin/templates.html", context, status)


async def templates(request: Request) -> Response:
    await admin_only(request)
    return await _templates_page(request)


async def apply_template(request: Request) -> Response:
    """Apply a template without questions to any circle; one that asks something is applied from the circle's own
    templates page (where the admin, as every owner, answers it)."""
    data = await read_form(request)
    admin = await admin_only(request)
    name, slug = request.path_params["name"], str(data.get("circle", ""))
    try:
        locale = reader_locale(request, admin, await site_of(request).settings.current())
        await apply_scenario(
            site_of(request).plugins,
            name,
            slug,
            str(data.get("title", "")),
            again=bool(data.get("again")),
            actor=admin,
            locale=locale,
        )
    except ValidationError:
        return RedirectResponse(f"/c/{slug}/templates#template-{name}", status_code=303)
    except QuanziError as error:
        return await _templates_page(request, Form(errors={"form": error.message}), status=error.status)
    return RedirectResponse(f"/c/{slug}/templates?applied={name}#template-{name}", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin", overview, methods=["GET"]),
    Route("/admin/settings", settings, methods=["GET"]),
    Route("/admin/settings", save_settings, methods=["POST"]),
    Route("/admin/users", users, methods=["GET"]),
    Route("/admin/users/{username}", save_user, methods=["POST"]),
    Route("/admin/circles", circles, methods=["GET"]),
    Route("/admin/plugins", plugins, methods=["GET"]),
    Route("/admin/plugins/{name}/settings", save_plugin_settings, methods=["POST"]),
    Route("/admin/plugins/{name}/{action:str}", switch_plugin, methods=["POST"]),
    Route("/admin/templates", templates, methods=["GET"]),
    Route("/admin/templates/{name}", apply_template, methods=["POST"]),
]
