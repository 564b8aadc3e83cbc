"""JSON API of accounts: registration, tokens, sessions, the signed-in member, profiles."""

from __future__ import annotations

from typing import Any, Literal

import pydantic

from core.access.scope import require_actor
from core.accounts import limits, phone, reset, service, sessions, signup, verify
from core.accounts.models import Role, Session, SessionKind
from core.accounts.passwords import passwords_of
from core.accounts.serialize import me_json, profile_json
from core.accounts.signin import current_session, log_in, log_out
from core.errors import BadRequest, Message
from core.pagination import parse_limit
from core.threads import service as threads
from core.threads.serialize import post_json
from core.web.auth import check_csrf, csrf_token
from core.web.i18n import negotiate
from core.web.jsonapi import ApiCall, ApiRouter, Body
from core.web.pages import browser_locale

router = ApiRouter("accounts")


class Registration(Body):
    username: str
    email: str
    password: str


class Credentials(Body):
    login: str
    password: str
    name: str = ""
    expires_in_days: int | None = None


class ResetRequest(Body):
    email: str


class ResetConfirmation(Body):
    token: str
    password: str


class EmailChange(Body):
    email: str
    password: str


class EmailConfirmation(Body):
    token: str


class PhoneNumber(Body):
    phone: str


class PhoneCode(Body):
    phone: str
    code: str


class PhoneBinding(Body):
    phone: str
    code: str | None = None


class SessionLogin(Body):
    login: str
    password: str


class ProfileChanges(Body):
    display_name: str | None = None
    bio: str | None = None
    location: str | None = None
    website: str | None = None
    locale: str | None = None
    messages_from: str | None = None

    @pydantic.model_validator(mode="after")
    def _no_nulls(self) -> ProfileChanges:
        nulls = [name for name in self.model_fields_set if getattr(self, name) is None]
        if nulls:
            raise ValueError(f"{', '.join(nulls)}: send a string, not null")
        return self


class PasswordChange(Body):
    current_password: str
    new_password: str


class UserModeration(Body):
    role: Literal["member", "moderator", "admin"] | None = None
    suspended: bool | None = None


@router.route("POST", "/auth/register", "Create an account", body=Registration, status=201)
async def register(call: ApiCall[Registration]) -> dict[str, Any]:
    site = call.site
    await limits.check_sign_up(site, call.request)
    user = await service.register(
        passwords_of(site.config),
        username=call.body.username,
        email=call.body.email,
        password=call.body.password,
        locale=browser_locale(call.request),
    )
    return me_json(user)


@router.route("POST", "/auth/token", "Create an API token from a login and password", body=Credentials, status=201)
async def create_token(call: ApiCall[Credentials]) -> dict[str, Any]:
    await limits.check_login(call.site, call.request, call.body.login)
    user = await service.authenticate(passwords_of(call.site.config), call.body.login, call.body.password)
    token = await sessions.create_token(user, call.body.name, call.body.expires_in_days)
    return {"token": token, "user": me_json(user)}


@router.route(
    "POST",
    "/auth/phone/code",
    "Text a sign-in code to a number (the same answer whether or not it has an account)",
    body=PhoneNumber,
    status=202,
)
async def send_phone_code(call: ApiCall[PhoneNumber]) -> dict[str, Any]:
    await signup.send_phone_code(call.request, call.body.phone, phone.SIGN_IN, browser_locale(call.request))
    return {}


@router.route(
    "POST",
    "/auth/phone/verify",
    "Sign in with the texted code: an API token for the account that holds the number, or a new account",
    body=PhoneCode,
    status=201,
)
async def verify_phone_code(call: ApiCall[PhoneCode]) -> dict[str, Any]:
    user, created = await signup.phone_account(call.request, call.body.phone, call.body.code)
    token = await sessions.create_token(user, "phone")
    return {"token": token, "created": created, "user": me_json(user)}


@router.route(
    "POST",
    "/me/phone",
    "Bind a number to one's account: {phone} texts a code to it, {phone, code} binds it",
    body=PhoneBinding,
    auth=True,
)
async def bind_phone(call: ApiCall[PhoneBinding]) -> dict[str, Any]:
    if call.body.code is None:
        await signup.send_phone_code(call.request, call.body.phone, phone.BIND, call.actor.locale)
        return {"sent": True}
    await signup.require_phone(call.request)
    number = phone.parse_phone(call.body.phone)
    await limits.check_phone_try(call.site, call.request)
    await phone.bind(call.site.config.secret_key, call.actor, number, call.body.code)
    return {"phone": number}


@router.route(
    "DELETE",
    "/me/sign-in/{method}",
    "Unbind a way into one's account (phone, wechat); 409 when it is the last",
    auth=True,
    status=204,
)
async def unbind_sign_in(call: ApiCall[None]) -> None:
    await service.unbind(call.actor, call.params["method"])


@router.route("GET", "/me/sign-in", "The ways into one's account: password, phone, wechat", auth=True)
async def ways_in(call: ApiCall[None]) -> dict[str, Any]:
    return {"ways": sorted(await service.ways_in(call.actor)), "phone": await phone.phone_of(call.actor)}


@router.route(
    "POST",
    "/auth/password-reset",
    "Mail a one-time link to set a new password (the same answer for any address)",
    body=ResetRequest,
    status=202,
)
async def request_password_reset(call: ApiCall[ResetRequest]) -> dict[str, Any]:
    await limits.check_reset_request(call.site, call.request, call.body.email)
    locale = negotiate(call.request.headers.get("accept-language")) or ""
    await reset.request_reset(call.site.config.secret_key, call.body.email, locale)
    return {}


@router.route(
    "POST",
    "/auth/password-reset/confirm",
    "Set a new password with the mailed link's token; every session ends",
    body=ResetConfirmation,
)
async def confirm_password_reset(call: ApiCall[ResetConfirmation]) -> dict[str, Any]:
    await limits.check_reset(call.site, call.request)
    user = await reset.reset_password(
        passwords_of(call.site.config), call.site.config.secret_key, call.body.token, call.body.password
    )
    return {"user": me_json(user)}


@router.route(
    "POST", "/auth/verify-email", "Confirm an e-mail address with the mailed link's token", body=EmailConfirmation
)
async def verify_email(call: ApiCall[EmailConfirmation]) -> dict[str, Any]:
    await limits.check_reset(call.site, call.request)
    return {"user": me_json(await verify.confirm(call.site.config.secret_key, call.body.token))}


@router.route(
    "POST",
    "/me/email",
    "Change one's address: a link goes to the new one, which counts once opened",
    body=EmailChange,
    auth=True,
    status=202,
)
async def change_email(call: ApiCall[EmailChange]) -> dict[str, Any]:
    user = require_actor(call.viewer)
    await limits.check_reset_request(call.site, call.request, user.email)
    await verify.request_change(
        call.site.config.secret_key, passwords_of(call.site.config), user, call.body.email, call.body.password
    )
    return {}


@router.route("POST", "/me/email/verify", "Mail the link that confirms one's address again", auth=True, status=202)
async def resend_verification(call: ApiCall[None]) -> dict[str, Any]:
    user = require_actor(call.viewer)
    await limits.check_reset_request(call.site, call.request, user.email)
    await verify.send_link(call.site.config.secret_key, user)
    return {}


@router.route("DELETE", "/auth/token", "Revoke the token this request is made with", auth=True, status=204)
async def revoke_token(call: ApiCall[None]) -> None:
    if call.request.scope.get("auth") != "token":
        raise BadRequest(Message("This request carries no API token to revoke."), code="no_token")
    await sessions.end(call.request.headers["authorization"].partition(" ")[2].strip(), SessionKind.TOKEN)


@router.route("GET", "/auth/csrf", "The CSRF token of this browser session")
async def get_csrf(call: ApiCall[None]) -> dict[str, Any]:
    return {"csrf_token": csrf_token(call.request)}


@router.route("POST", "/auth/session", "Log in this browser (cookie session; needs X-CSRF-Token)", body=SessionLogin)
async def create_session(call: ApiCall[SessionLogin]) -> dict[str, Any]:
    check_csrf(call.request, call.request.headers.get("x-csrf-token"))
    await limits.check_login(call.site, call.request, call.body.login)
    user = await service.authenticate(passwords_of(call.site.config), call.body.login, call.body.password)
    await log_in(call.request, user)
    return {"user": me_json(user), "csrf_token": csrf_token(call.request)}


@router.route(
    "DELETE",
    "/auth/session",
    "Log out everywhere: every browser session and API token of this account ends, this one included",
    auth=True,
    status=204,
)
async def end_every_session(call: ApiCall[None]) -> None:
    await sessions.end_all(call.actor)
    await log_out(call.request)


def session_json(session: Session, current: int | None) -> dict[str, Any]:
    return {
        "id": session.id,
        "kind": session.kind.value,
        "name": session.name,
        "created_at": session.created_at.isoformat(),
        "last_seen_at": session.last_seen_at.isoformat() if session.last_seen_at else None,
        "expires_at": session.expires_at.isoformat() if session.expires_at else None,
        "current": session.id == current,
    }


@router.route("GET", "/me/sessions", "Where one is signed in: each browser session and API token", auth=True)
async def list_sessions(call: ApiCall[None]) -> dict[str, Any]:
    current = current_session(call.request)
    return {"items": [session_json(found, current) for found in await sessions.of(call.actor)], "next": None}


@router.route(
    "DELETE", "/me/sessions/{id:int}", "End one of one's sessions (a browser, or a token)", auth=True, status=204
)
async def delete_session(call: ApiCall[None]) -> None:
    await sessions.end_one(call.actor, call.params["id"])
    if call.params["id"] == current_session(call.request) and call.request.scope.get("auth") == "session":
        call.request.session.clear()


@router.route("GET", "/me", "The signed-in member", auth=True)
async def get_me(call: ApiCall[None]) -> dict[str, Any]:
    return me_json(call.viewer)  # type: ignore[arg-type]


@router.route("PATCH", "/me", "Change one's profile", body=ProfileChanges, auth=True)
async def patch_me(call: ApiCall[ProfileChanges]) -> dict[str, Any]:
    user = await service.update_profile(call.actor, call.body.sent())
    return me_json(user)


@router.route(
    "POST", "/me/password", "Change one's password; other sessions end", body=PasswordChange, auth=True, status=204
)
async def change_password(call: ApiCall[PasswordChange]) -> None:
    user = call.actor
    browser = current_session(call.request) if call.request.scope.get("auth") == "session" else None
    await service.change_password(
        passwords_of(call.site.config), user, call.body.current_password, call.body.new_password, keep=browser
    )


@router.route("GET", "/me/tokens", "One's API tokens (never the tokens themselves)", auth=True)
async def list_tokens(call: ApiCall[None]) -> dict[str, Any]:
    tokens = await sessions.of(call.actor, SessionKind.TOKEN)
    current = current_session(call.request)
    return {"items": [session_json(token, current) for token in tokens], "next": None}


@router.route("DELETE", "/me/tokens/{id:int}", "Revoke one of one's API tokens", auth=True, status=204)
async def delete_token(call: ApiCall[None]) -> None:
    await sessions.end_one(call.actor, call.params["id"], SessionKind.TOKEN)


@router.route("GET", "/users/{username}", "A member's profile and the recent activity the viewer may see")
async def get_user(call: ApiCall[None]) -> dict[str, Any]:
    user = await service.get_user(call.params["username"])
    page = await threads.user_activity(call.viewer, user, None, 10)
    counts = await threads.visible_counts(call.viewer, user)
    return {**profile_json(user, counts), "recent_activity": [post_json(post, with_thread=True) for post in page.items]}


@router.route("GET", "/users/{username}/posts", "A member's posts that the viewer may see", query=("limit", "cursor"))
async def get_user_posts(call: ApiCall[None]) -> dict[str, Any]:
    user = await service.get_user(call.params["username"])
    page = await threads.user_activity(call.viewer, user, call.query("cursor"), parse_limit(call.query("limit")))
    return {"items": [post_json(post, with_thread=True) for post in page.items], "next": page.next}


@router.route(
    "PATCH", "/users/{username}", "Change a member's role or suspend them (staff)", body=UserModeration, auth=True
)
async def moderate_user(call: ApiCall[UserModeration]) -> dict[str, Any]:
    user = await service.get_user(call.params["username"])
    changes = call.body.sent()
    if changes.get("role") is not None:
        await service.set_role(call.actor, user, Role(changes["role"]))
    if changes.get("suspended") is not None:
        await service.set_suspended(call.actor, user, changes["suspended"])
    return profile_json(user, await threads.visible_counts(call.actor, user))
