"""Chinese and English: the locale of each request, its translations, and localised dates and numbers.

Every UI string goes through gettext; the catalogues live in ``locale/`` (compiled by ``make``), plugins may add
their own ``locale/`` folders (merged over the core's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import TIMEDELTA_UNITS, format_datetime, format_timedelta, get_timezone_location
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from core.config import LOCALES, ROOT
from core.errors import Message
from core.times import site_timezone

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}
LOCALE_DIR = ROOT / "locale"


class Catalogues:
    """The translations of every supported locale, loaded once per process."""

    def __init__(self, extra_dirs: list[Path] | None = None) -> None:
        self._translations: dict[str, NullTranslations] = {}
        for locale in LOCALES:
            translations = Translations.load(str(LOCALE_DIR), [locale])
            for folder in extra_dirs or []:
                extra = Translations.load(str(folder), [locale])
                if isinstance(translations, Translations) and isinstance(extra, Translations):
                    translations.merge(extra)
            core = Translations.load(str(LOCALE_DIR), [locale])
            if extra_dirs and isinstance(translations, Translations) and isinstance(core, Translations):
                # A text the core translates keeps the core's words: a plugin's catalogue adds, never replaces.
                translations.merge(core)
            self._translations[locale] = translations

    def get(self, locale: str) -> NullTranslations:
        return self._translations.get(locale) or self._translations["en"]


@functools.lru_cache(maxsize=256)
def negotiate(accept_language: str | None) -> str | None:
    """The best supported locale for an Accept-Language header, or None (browsers send a few headers: each read
    once)."""
    if not accept_language:
        return None
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((quality, tag.strip()))
    for _, tag in sorted(weighted, key=lambda item: -item[0]):
        try:
            locale = Locale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        if locale.language == "zh":
            return "zh_CN"
        if locale.language == "en":
            return "en"
    return None


def choose_locale(member_locale: str, accept_language: str | None, site_default: str) -> str:
    """The member's own setting, else what the browser asks for, else the site's default."""
    if member_locale in LOCALES:
        return member_locale
    return negotiate(accept_language) or (site_default if site_default in LOCALES else "en")


def _formatting(gettext: Callable[[str], str]) -> Callable[..., str]:
    """``_("Hello %(name)s", name=...)``: translated, then filled in (the template escapes the result)."""

    def translate(msgid: str, /, **params: object) -> str:
        text = gettext(msgid)
        return text % params if params else text

    return translate


def template_context(catalogues: Catalogues, locale: str) -> dict[str, Any]:
    translations = catalogues.get(locale)
    gettext = _formatting(translations.gettext)
    return {
        "locale": locale,
        "lang": locale.replace("_", "-"),
        "_": gettext,
        "gettext": gettext,
        "ngettext": translations.ngettext,
    }


# Parsed once: Babel looks a locale name up among every locale it knows each time it is given a string.
BABEL_LOCALES = {locale: Locale.parse(locale) for locale in LOCALES}


# English's short format writes two-digit years (12/6/26): the year in full, the month by name
SHORT = {"en": "MMM d, y, h:mm a"}
JUST_NOW = {"zh_CN": "刚刚", "en": "just now"}  # under a minute either way (Babel writes "30秒钟前")


# Babel takes tens of microseconds a date, and a page shows two per post: the texts are kept. A date's text never
# changes (for a format, zone and language); a relative time's depends only on its unit, count and direction, a
# few hundred texts in all.
@functools.lru_cache(maxsize=8192)
def _format_datetime(value: datetime, format: str, zone: tzinfo, locale: str) -> str:
    pattern = SHORT.get(locale, format) if format == "short" else format
    return format_datetime(value, format=pattern, tzinfo=zone, locale=BABEL_LOCALES[locale])


RELATIVE_THRESHOLD = 1.0  # a unit is used from one whole of it: "59 seconds", then "1 minute" (not "65 seconds")
_relative_texts: dict[tuple[str, int, bool, str], str] = {}


def _locale_name(context: Context) -> str:
    locale = context.get("locale", "en")
    return locale if locale in BABEL_LOCALES else "en"


@pass_context
def _datetime(context: Context, value: datetime | str | None, format: str = "medium", zone: str = "") -> str:
    """A time in the page's language and the site's zone, or in ``zone`` (an event's own); ``value`` may be ISO
    text (a time in a mail's context)."""
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return _format_datetime(
        when, format, site_timezone(zone) if zone else context.get("timezone", UTC), _locale_name(context)
    )


@pass_context
def _ago(context: Context, value: datetime | None) -> str:
    """'3 minutes ago' / '3分钟前'."""
    return relative_time(value, _locale_name(context))


def relative_time(value: datetime | None, locale: str, now: datetime | None = None) -> str:
    """How long ago (or until) ``value`` is, in ``locale`` (one the site speaks): '3 minutes ago' / '3分钟前'; as of
    ``now`` (a page of many times asks the clock once)."""
    if value is None:
        return ""
    delta = value - (now or datetime.now(UTC))
    seconds = delta.days * 86400 + delta.seconds  # whole seconds, as format_timedelta counts them
    if abs(seconds) < 60:
        return JUST_NOW[locale]
    for unit, unit_seconds in TIMEDELTA_UNITS:  # the unit and count that format_timedelta chooses
        count = abs(seconds) / unit_seconds
        if count >= RELATIVE_THRESHOLD or unit == "second":
            key = (unit, round(count), seconds >= 0, locale)
            text = _relative_texts.get(key)
            if text is None:
                text = _relative_texts[key] = format_timedelta(
                    seconds, add_direction=True, threshold=RELATIVE_THRESHOLD, locale=BABEL_LOCALES[locale]
                )
            return text
    return ""


@pass_context
def _zone_name(context: Context, zone: str) -> str:
    """A time zone as people call it, in the page's language (中国（上海）时间, China (Shanghai) Time)."""
    return _zone_location(zone, _locale_name(context)) if zone else ""


@functools.lru_cache(maxsize=2048)
def _zone_location(zone: str, locale: str) -> str:
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    try:
        return get_timezone_location(zone, locale=BABEL_LOCALES[locale])
    except LookupError:
        return zone


@pass_context
def _number(context: Context, value: int | float) -> str:
    return _format_number(value, _locale_name(context))


@functools.lru_cache(maxsize=4096)
def _format_number(value: int | float, locale: str) -> str:
    """Babel takes tens of microseconds a number, and counts repeat (a circle's members, a thread's replies)."""
    return format_decimal(value, locale=BABEL_LOCALES[locale])


@pass_context
def _translate(context: Context, message: object) -> str:
    """A message from the code (``core.errors.Message``) in the page's language."""
    gettext = context.get("gettext") or str
    if isinstance(message, Message):
        translated: str = gettext(message.msgid)
        return translated % message.params if message.params else translated
    return str(gettext(str(message)))


@pass_context
def _translate_format(context: Context, msgid: str, **params: object) -> str:
    """A message with parameters (member-written text among them), translated, then filled in; the template
    escapes the result."""
    gettext = context.get("gettext") or str
    return str(gettext(msgid)) % params


def install_filters(env: Environment) -> None:
    env.add_extension("jinja2.ext.i18n")
    env.filters.update(
        datetime=_datetime, ago=_ago, number=_number, t=_translate, t_format=_translate_format, zone_name=_zone_name
    )
    env.globals["language_names"] = LANGUAGE_NAMES
