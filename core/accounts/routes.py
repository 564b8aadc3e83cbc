"""Pages of accounts: sign up, log in and out, profiles and avatars, settings."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.access.scope import acting, require_actor
from core.accounts import limits, phone, service, sessions, wechat
from core.accounts.models import SessionKind, User
from core.accounts.passwords import passwords_of
from core.accounts.signin import current_session, log_in, log_out, offered_ways, offers
from core.accounts.signup import sign_up
from core.config import LOCALES
from core.contract.kinds import Slot
from core.errors import Message, QuanziError, ValidationError
from core.notifications import service as notifications
from core.pagination import parse_limit
from core.push import keys as push_keys
from core.threads import service as threads
from core.uploads.receive import chosen, receive_picture
from core.uploads.service import AVATAR, set_avatar
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form, safe_next
from core.web.pages import render
from core.web.site import site_of

SITE_ROLE_NAMES = {"member": Message("Member"), "moderator": Message("Moderator"), "admin": Message("Administrator")}
AVATAR_COLOURS = ("#0a5fb4", "#b4470a", "#0a8f6a", "#7a3fb4", "#b40a5f", "#4b6b0a", "#0a7fa3", "#a3630a")


async def _signed_in(request: Request) -> User:
    return require_actor(await resolve_viewer(request))


async def register_page(request: Request) -> Response:
    return await render(request, "register.html", {"form": Form(), "next": safe_next(request.query_params.get("next"))})


async def register_submit(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("username", "email", "password"))
    next_path = safe_next(str(data.get("next", "")))
    try:
        await sign_up(
            request, username=form.values["username"], email=form.values["email"], password=form.values["password"]
        )
    except ValidationError as error:
        form.errors = error.fields
        return await render(request, "register.html", {"form": form, "next": next_path}, status=400)
    return RedirectResponse(next_path, status_code=303)


async def _ways(request: Request, form: Form, next_path: str) -> dict[str, object]:
    """The log-in page's context: the ways into an account this site offers beside the password, WeChat's first
    (above the password) inside WeChat's browser."""
    ways = [way for way in await offered_ways(request) if way.path != "/login"]
    first = [way for way in ways if way.name == "wechat" and "MicroMessenger" in request.headers.get("user-agent", "")]
    return {
        "form": form,
        "next": next_path,
        "first_ways": first,
        "other_ways": [way for way in ways if way not in first],
    }


async def login_page(request: Request) -> Response:
    context = await _ways(request, Form(), safe_next(request.query_params.get("next")))
    return await render(request, "login.html", context)


async def login_submit(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ("login", "password"))
    next_path = safe_next(str(data.get("next", "")))
    site = site_of(request)
    try:
        await limits.check_login(site, request, form.values["login"])
        user = await service.authenticate(passwords_of(site.config), form.values["login"], form.values["password"])
    except QuanziError as error:
        if error.status == 429:
            raise
        form.errors = {"form": error.message}
        return await render(request, "login.html", await _ways(request, form, next_path), status=error.status)
    await log_in(request, user)
    return RedirectResponse(next_path, status_code=303)


async def logout(request: Request) -> Response:
    """Log this browser out; the member's other browsers and API tokens stay signed in. The browser forgets the
    pages its service worker kept, and the worker with its push subscription (whose row went with the session)."""
    form = await read_form(request)
    await log_out(request)
    next_path = form.get("next")
    response = RedirectResponse(safe_next(next_path if isinstance(next_path, str) else None), status_code=303)
    response.headers["clear-site-data"] = '"cache", "storage"'
    return response


def _language_answer(locale: str, next_path: str) -> Response:
    response = RedirectResponse(safe_next(next_path), status_code=303)
    if locale in LOCALES:
        response.set_cookie("quanzi_locale", locale, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


async def language(request: Request) -> Response:
    """Switch the language: a member's setting (and the browser's cookie)."""
    form = await read_form(request)
    locale = str(form.get("locale", ""))
    viewer = await resolve_viewer(request)
    if locale in LOCALES and (member := acting(viewer)) is not None:
        await service.update_profile(member, {"locale": locale})
    return _language_answer(locale, str(form.get("next", "")))


async def guest_language(request: Request) -> Response:
    """Switch a guest's language: only a cookie of this browser changes, so a plain link or GET form does it."""
    return _language_answer(request.query_params.get("locale", ""), request.query_params.get("next", ""))


async def profile(request: Request) -> Response:
    user = await service.get_user(request.path_params["username"])
    viewer = await resolve_viewer(request)
    page = await threads.recent_activity(viewer, user, request.query_params.get("after"), parse_limit(None))
    thread_count, post_count = await threads.visible_counts(viewer, user)
    context = {
        "profile": user,
        "thread_count": thread_count,
        "post_count": post_count,
        "activity": page.items,
        "next": page.next,
        "role_names": SITE_ROLE_NAMES,
    }
    return await render(request, "profile.html", context, slots=(Slot.PROFILE_TABS,))


async def avatar(request: Request) -> Response:
    """A generated avatar: the first letter of the name on a colour chosen by the name."""
    user = await service.get_user(request.path_params["username"])
    name = user.display_name or user.username
    colour = AVATAR_COLOURS[hashlib.sha256(user.username.encode()).digest()[0] % len(AVATAR_COLOURS)]
    svg = site_of(request).templates.get_template("avatar.svg").render(initial=name[:1].upper(), colour=colour)
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "public, max-age=3600"})


async def settings_page(request: Request, user: User, status: int = 200, **forms: object) -> Response:
    profile_values = {field: getattr(user, field) for field in PROFILE_FORM}
    context = {
        "profile_form": Form(profile_values),
        "password_form": Form(),
        "avatar_form": Form(),
        "email_form": Form(),
        "sessions": await sessions.of(user),
        "phone_offered": await offers(request, phone.PHONE),
        "wechat_offered": await offers(request, wechat.WECHAT),
        "ways_in": await service.ways_in(user),
        "phone_number": await phone.phone_of(user),
        "phone_form": Form(),
        "current_session": current_session(request),
        "push_key": push_keys.public_key(site_of(request).config.data_dir),
        "notification_choices": await notifications.choices(user),
        **await _reach_context(request, user),
        "notification_kinds": site_of(request).notification_kinds,
        "notice": request.query_params.get("done") and SETTINGS_NOTICES.get(request.query_params["done"]),
        **forms,
    }
    return await render(request, "settings.html", context, status=status)


async def _reach_context(request: Request, user: User) -> dict[str, object]:
    """The channels outside the site the member may choose for urgent kinds, and those they chose."""
    offered = await notifications.channels_for(user)
    reachable = [channel for channel, reaches in offered if reaches]
    return {
        "reach_channels": reachable,
        "reach_chosen": await notifications.reaches(user),
        "reach_hint": any(channel.name == "sms" for channel, _ in offered) and not reachable,
    }


PROFILE_FORM = ("display_name", "bio", "location", "website", "locale", "messages_from")
SETTINGS_NOTICES = {
    "profile": Message("Your profile is saved."),
    "password": Message("Your password is changed; your other sessions are logged out."),
    "token": Message("The token is revoked."),
    "session": Message("That session is logged out."),
    "phone": Message("Your phone number is confirmed: you can sign in with it."),
    "wechat": Message("WeChat is bound: you can sign in with it."),
    "unbound": Message("That way of signing in is removed."),
    "welcome": Message("Welcome! Choose the name others see, and add a password or an e-mail address if you like."),
    "avatar": Message("Your picture is saved."),
    "notifications": Message("Your notification settings are saved."),
    "push": Message("This device now receives notifications: choose below which ones come to it."),
    "push-off": Message("This device no longer receives notifications."),
    "reset": Message("Your new password is set; every other session of your account is logged out."),
    "email": Message("We mailed a link to your new address: it becomes your address when you open it."),
    "verify": Message("We mailed the link again. It works for a week."),
}


async def settings(request: Request) -> Response:
    return await settings_page(request, await _signed_in(request))


async def settings_profile(request: Request) -> Response:
    data = await read_form(request)
    user = await _signed_in(request)
    form = Form.of(data, PROFILE_FORM)
    changes = {field: value for field, value in form.values.items() if field != "messages_from" or value}
    try:
        await service.update_profile(user, changes)
    except ValidationError as error:
        form.errors = error.fields
        return await settings_page(request, user, status=400, profile_form=form)
    return RedirectResponse("/settings?done=profile", status_code=303)


async def settings_avatar(request: Request) -> Response:
    """Upload a picture (its centre square becomes the avatar) or remove it (the letter again)."""
    data = await read_form(request, files=("avatar",))
    user = await _signed_in(request)
    file = await chosen(data, "avatar")
    if data.get("remove"):
        await set_avatar(user, None)
    elif file is None:
        return await settings_page(
            request, user, status=400, avatar_form=Form(errors={"avatar": Message("Choose a picture first.")})
        )
    else:
        try:
            await set_avatar(user, await receive_picture(request, user, file, field="avatar", square=AVATAR))
        except ValidationError as error:
            return await settings_page(request, user, status=400, avatar_form=Form(errors=error.fields))
    return RedirectResponse("/settings?done=avatar", status_code=303)


async def settings_password(request: Request) -> Response:
    data = await read_form(request)
    user = await _signed_in(request)
    form = Form.of(data, ("current_password", "new_password"))
    try:
        await service.change_password(
            passwords_of(site_of(request).config),
            user,
            form.values["current_password"],
            form.values["new_password"],
            keep=current_session(request),
        )
    except ValidationError as error:
        form.errors = error.fields
        return await settings_page(request, user, status=400, password_form=form)
    return RedirectResponse("/settings?done=password", status_code=303)


async def settings_new_token(request: Request) -> Response:
    data = await read_form(request)
    user = await _signed_in(request)
    token = await sessions.create_token(user, str(data.get("name", "")))
    return await settings_page(request, user, new_token=token)


async def settings_revoke_token(request: Request) -> Response:
    await read_form(request)
    await sessions.end_one(await _signed_in(request), request.path_params["id"], SessionKind.TOKEN)
    return RedirectResponse("/settings?done=token", status_code=303)


async def settings_unbind(request: Request) -> Response:
    """Remove a way into the account (the phone number, WeChat), never the last one."""
    await read_form(request)
    user = await _signed_in(request)
    try:
        await service.unbind(user, request.path_params["method"])
    except QuanziError as error:
        return await settings_page(request, user, status=error.status, notice=error.message)
    return RedirectResponse("/settings?done=unbound", status_code=303)


async def settings_end_session(request: Request) -> Response:
    """End one of the member's sessions (this browser's: logged out here)."""
    await read_form(request)
    user = await _signed_in(request)
    if request.path_params["id"] == current_session(request):
        await log_out(request)
        return RedirectResponse("/", status_code=303)
    await sessions.end_one(user, request.path_params["id"])
    return RedirectResponse("/settings?done=session#sessions", status_code=303)


async def settings_end_every_session(request: Request) -> Response:
    """Log out everywhere: every browser and API token of the account, this one included."""
    await read_form(request)
    await sessions.end_all(await _signed_in(request))
    await log_out(request)
    return RedirectResponse("/login", status_code=303)


routes: list[BaseRoute] = [
    Route("/register", register_page, methods=["GET"]),
    Route("/register", register_submit, methods=["POST"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", language, methods=["POST"]),
    Route("/language", guest_language, methods=["GET"]),
    Route("/u/{username}", profile, methods=["GET"]),
    Route("/u/{username}/avatar.svg", avatar, methods=["GET"]),
    Route("/settings", settings, methods=["GET"]),
    Route("/settings/profile", settings_profile, methods=["POST"]),
    Route("/settings/password", settings_password, methods=["POST"]),
    Route("/settings/avatar", settings_avatar, methods=["POST"]),
    Route("/settings/tokens", settings_new_token, methods=["POST"]),
    Route("/settings/tokens/{id:int}/revoke", settings_revoke_token, methods=["POST"]),
    Route("/settings/sessions/{id:int}/end", settings_end_session, methods=["POST"]),
    Route("/settings/sessions/end", settings_end_every_session, methods=["POST"]),
    Route("/settings/sign-in/{method}/unbind", settings_unbind, methods=["POST"]),
]
