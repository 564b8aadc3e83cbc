"""The site itself: its settings, and the one-time setup of the first administrator."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time

from core.access.site import site_admin
from core.accounts import service as accounts
from core.accounts.models import Role, User
from core.accounts.passwords import Passwords
from core.config import LOCALES, ROOT
from core.db import transaction
from core.errors import Forbidden, Message, NotFound, ValidationError
from core.pluginhost.running import emit
from core.site.models import Setting
from core.times import is_timezone
from core.uploads.models import PUBLIC
from core.uploads.service import set_uses
from core.uploads.storage import NAME

SETUP_TOKEN = "setup_token_sha256"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_setup_token() -> str | None:
    """A new one-time setup token while the site has no administrator (None once it has one)."""
    if await accounts.has_admin():
        await Setting.filter(key=SETUP_TOKEN).delete()
        return None
    token = secrets.token_urlsafe(24)
    await Setting.update_or_create(defaults={"value": _digest(token)}, key=SETUP_TOKEN)
    return token


async def setup_token_valid(token: str) -> bool:
    setting = await Setting.get_or_none(key=SETUP_TOKEN)
    return setting is not None and bool(token) and secrets.compare_digest(setting.value, _digest(token))


async def complete_setup(
    hasher: Passwords, token: str, *, username: str, email: str, password: str, site: dict[str, str] | None = None
) -> User:
    """Create the first administrator with the setup token, which is used up (only one setup can win), and set the
    site's name and description (``site``) if given."""
    site = {key: value.strip() for key, value in (site or {}).items() if value.strip()}
    if errors := _settings_errors(site):
        raise ValidationError(errors)
    async with transaction():
        if not token or not await Setting.filter(key=SETUP_TOKEN, value=_digest(token)).delete():
            raise NotFound(Message("This setup link is not valid (any more)."), code="invalid_setup_token")
        user = await accounts.register(
            hasher, username=username, email=email, password=password, role=Role.ADMIN, announce=False
        )
        for key, value in site.items():
            await Setting.update_or_create(defaults={"value": value}, key=key)
    await emit("member_registered", user=user)
    return user


SITE_DEFAULTS = {
    "site_name": "Quanzi 圈子",
    "site_description": "",
    "default_locale": "zh_CN",
    "theme": "default",
    "timezone": "Asia/Shanghai",
    "verified_email_to_post": "0",  # "1": members post only once they have confirmed their e-mail address
    "verified_phone_to_post": "0",  # "1": only once they have confirmed a phone number (mainland China: 后台实名)
    "sign_in_phone": "1",  # "0": no sign-in by phone, even with a text-message sender configured
    "sign_in_wechat": "1",  # "0": no sign-in with WeChat, even with a WeChat app configured
    "accent_color": "",  # the club's colour (#rrggbb) for links and buttons; empty: the theme's
    "upload_max_mb": "8",  # the largest picture a member may send
    "upload_quota_mb": "300",  # all the pictures one member may send together
    "logo": "",  # the file name of the club's logo (core.uploads), a square; "": none
    "flags_to_hide": "3",  # flags from distinct members that hide a post until a moderator reviews it
}
UPLOAD_LIMITS_MB = {"upload_max_mb": (1, 50), "upload_quota_mb": (10, 100_000)}
ACCENT_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
THEMES_DIR = ROOT / "themes"


def installed_themes() -> list[str]:
    return sorted(path.name for path in THEMES_DIR.iterdir() if (path / "templates").is_dir())


class SiteSettings:
    """The site's settings, read from the database at most every few seconds, so that a change made through one
    worker reaches every worker soon, and a page costs no query for them. When they are due, one request reads
    them and those that come meanwhile wait for that read (every request of a busy worker would read them at once,
    each waiting for the others' reads)."""

    def __init__(self, ttl: float = 5.0) -> None:
        self._ttl = ttl
        self._values: dict[str, str] = dict(SITE_DEFAULTS)
        self._loaded_at = float("-inf")
        self._loading: asyncio.Future[None] | None = None
        self._changes = 0  # how often they were forgotten: a read begun before is not kept

    async def current(self) -> dict[str, str]:
        if time.monotonic() - self._loaded_at > self._ttl:
            if self._loading is None:
                self._loading = asyncio.ensure_future(self._load())
            await asyncio.shield(self._loading)
        return self._values

    async def _load(self) -> None:
        began = self._changes
        try:
            stored = {row.key: row.value for row in await Setting.filter(key__in=list(SITE_DEFAULTS))}
            if began == self._changes:
                self._values = {**SITE_DEFAULTS, **stored}
                self._loaded_at = time.monotonic()
        finally:
            if self._loading is asyncio.current_task():
                self._loading = None

    def forget(self) -> None:
        self._changes += 1
        self._loaded_at = float("-inf")
        self._loading = None


async def update_site_settings(actor: User, changes: dict[str, str]) -> None:
    """Change the site's name, description, default locale, time zone, theme, colour or who may post
    (administrators)."""
    if not site_admin(actor):
        raise Forbidden(Message("Only administrators change the site's settings."))
    if errors := _settings_errors(changes):
        raise ValidationError(errors)
    async with transaction():
        for key, value in changes.items():
            await Setting.update_or_create(defaults={"value": value.strip()}, key=key)
        if "logo" in changes:  # seen by everyone, on every page
            await set_uses("site_logo", 1, [changes["logo"][:64]] if changes["logo"] else [], audience=PUBLIC)


def _settings_errors(changes: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = changes.get("site_name", "x").strip()
    if not 1 <= len(name) <= 60:
        errors["site_name"] = Message("A name has 1 to %(n)s characters.", n=60)
    if len(changes.get("site_description", "")) > 500:
        errors["site_description"] = Message("At most %(n)s characters.", n=500)
    if changes.get("default_locale", "en") not in LOCALES:
        errors["default_locale"] = Message("Choose one of the languages offered.")
    if not is_timezone(changes.get("timezone", "UTC")):
        errors["timezone"] = Message("Choose a time zone from the list.")
    if changes.get("theme", "default") not in installed_themes():
        errors["theme"] = Message("Choose one of the installed themes.")
    accent = changes.get("accent_color", "").strip()
    if accent and not ACCENT_PATTERN.match(accent):
        errors["accent_color"] = Message("A colour is written #rrggbb, e.g. #0a5fb4.")
    for key, (low, high) in UPLOAD_LIMITS_MB.items():
        value = changes.get(key, str(low)).strip()
        if not value.isdigit() or not low <= int(value) <= high:
            errors[key] = Message("A whole number of MB from %(low)s to %(high)s.", low=low, high=high)
    if changes.get("logo") and not NAME.match(changes["logo"]):
        errors["logo"] = Message("Choose a picture to upload.")
    flags = changes.get("flags_to_hide", "3").strip()
    if not flags.isdigit() or not 1 <= int(flags) <= 20:
        errors["flags_to_hide"] = Message("A whole number from %(low)s to %(high)s.", low=1, high=20)
    for choice in ("verified_email_to_post", "verified_phone_to_post", "sign_in_phone", "sign_in_wechat"):
        if changes.get(choice, "0") not in ("0", "1"):
            errors[choice] = Message("Choose one of the options offered.")
    unknown = set(changes) - set(SITE_DEFAULTS)
    for field in unknown:
        errors[field] = Message("Unknown or read-only field.")
    return errors
