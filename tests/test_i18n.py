"""Dates in the page's language: the kept texts are the ones Babel would write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime, format_timedelta

from core.web import i18n

DELTAS = [0, 1, 59, 66, 67, 90, 3599, 3960, 3961, 7000, 86400, 95040, 95041, 604800, 2592000, 31536000, 10**8]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("seconds", [*DELTAS, *(-delta for delta in DELTAS)])
def test_relative_times_read_as_babel_writes_them(locale, seconds):
    value = datetime.now(UTC) + timedelta(seconds=seconds + 0.5)  # half a second from a boundary
    expected = format_timedelta(
        value - datetime.now(UTC),
        add_direction=True,
        threshold=i18n.RELATIVE_THRESHOLD,
        locale=i18n.BABEL_LOCALES[locale],
    )
    if abs(seconds) < 60:  # under a minute: "just now", never "30秒钟前"
        expected = {"zh_CN": "刚刚", "en": "just now"}[locale]
    assert i18n._ago({"locale": locale}, value) == expected


def test_a_minute_ago_reads_as_people_say_it():
    value = datetime.now(UTC) - timedelta(seconds=65.5)
    assert i18n._ago({"locale": "zh_CN"}, value) == "1分钟前"
    assert i18n._ago({"locale": "en"}, value) == "1 minute ago"


def test_short_english_dates_write_the_year_in_full():
    value = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert i18n._datetime({"locale": "en", "timezone": UTC}, value, "short") == "Dec 1, 2026, 10:00 AM"
    assert i18n._datetime({"locale": "zh_CN", "timezone": UTC}, value, "short") == "2026/12/1 10:00"


def test_dates_are_shown_in_the_sites_time_zone():
    value = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    shanghai = i18n._datetime({"locale": "en", "timezone": ZoneInfo("Asia/Shanghai")}, value, "short")
    assert shanghai == format_datetime(value, i18n.SHORT["en"], tzinfo=ZoneInfo("Asia/Shanghai"), locale="en")
    assert "6:00" in shanghai


def test_a_plugins_catalogue_never_changes_the_cores_words():
    """The circle form's "Name" is a circle's (名称) even with the events plugin on, whose registrations ask for a
    person's (its own "Full name", 姓名): the core's translation wins, and no bundled plugin translates a text of
    the core's, or of another plugin's, otherwise (the catalogues are one for the pages)."""
    from babel.messages.pofile import read_po

    from core.config import ROOT
    from core.web.i18n import Catalogues

    plugin_locales = sorted((ROOT / "plugins").glob("*/locale"))
    assert Catalogues(plugin_locales).get("zh_CN").gettext("Name") == "名称"

    def translations(path):
        with path.open("rb") as file:
            return {message.id: message.string for message in read_po(file) if message.id}

    seen = translations(ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po")  # the core's, then each plugin's
    for folder in plugin_locales:
        own = translations(folder / "zh_CN" / "LC_MESSAGES" / "messages.po")
        differing = {msgid: (seen[msgid], text) for msgid, text in own.items() if msgid in seen and seen[msgid] != text}
        assert differing == {}, (
            f"{folder.parent.name} translates words of the core or another plugin otherwise: {differing}"
        )
        seen = {**own, **seen}
