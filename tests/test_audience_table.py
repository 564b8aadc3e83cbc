"""The audience table (``core.access.audience``): each audience the core and the plugins declare is held to a table of
viewers (the people it names, the circle's staff, the site's moderator and administrator, a member, an outsider, a
guest) through every rendering — here the core's own; each plugin's in its tests, beside its pages and API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.accounts.models import User
from core.circles.models import Circle
from core.messages.models import Participant
from core.messages.notices import PLACE
from core.moderation.models import Flag
from core.moderation.service import FLAG
from core.notifications.hooks import ACCOUNT, CIRCLE_MEMBERS, CIRCLE_STAFF
from core.notifications.models import NoticeReceipt
from core.notifications.notices import RECEIPT
from core.testing import Member, make_circle, make_thread, register
from core.testing.audiences import audience_people, check_audience

ROOT = Path(__file__).resolve().parents[1]
STAFF = {"owner", "moderator", "admin"}


@pytest.fixture(scope="module")
def world(module_site: Any) -> tuple[TestClient, dict[str, Member | None]]:
    site: TestClient = module_site()
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    people = audience_people(site, "club", owner)
    people["flagger"] = flagger = register(site, "flagger")
    assert site.post("/api/v1/circles/club/join", headers=flagger.auth).status_code == 200
    thread = make_thread(site, owner, "club", "Spring tasting", "Who comes?")
    flagged = site.post(
        f"/api/v1/posts/{thread['first_post']['id']}/flags", json={"reason": "spam"}, headers=flagger.auth
    )
    assert flagged.status_code == 201
    notice = {"title": "Moved to Friday", "body": "See you then."}
    assert site.post("/api/v1/circles/club/notices", json=notice, headers=owner.auth).status_code == 201
    talk = {"to": ["member"], "body": "A word in private"}
    assert site.post("/api/v1/conversations", json=talk, headers=owner.auth).status_code == 201
    return site, people


def test_a_flag_is_its_flaggers(world):
    site, people = world
    check_audience(site, FLAG, Flag, people, sees={"flagger", "admin"}, user__username="flagger")


def test_a_notices_receipt_is_its_recipients(world):
    site, people = world
    check_audience(site, RECEIPT, NoticeReceipt, people, sees={"member", "admin"}, user__username="member")


def test_a_circles_staff_and_members_audiences(world):
    site, people = world
    check_audience(site, CIRCLE_STAFF, Circle, people, sees=STAFF, slug="club")
    check_audience(site, CIRCLE_MEMBERS, Circle, people, sees={*STAFF, "member", "flagger"}, slug="club")


def test_an_account_is_its_members_own(world):
    site, people = world
    check_audience(site, ACCOUNT, User, people, sees={"member", "admin"}, username="member")


def test_a_place_in_a_conversation_is_its_members_own(world):
    """The audience of the notifications a new message sends: the member's own place (it holds no text). The
    conversation itself admits its participants alone, administrators not included (tests/test_messages.py)."""
    site, people = world
    check_audience(site, PLACE, Participant, people, sees={"member", "admin"}, user__username="member")


def test_every_declared_audience_is_held_to_the_table():
    """Each ``NAME = Audience(...)`` in the core or a plugin has a ``check_audience(..., NAME, ...)`` test."""
    declared, checked = set(), set()
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("plugins/**/*.py")]:
        text = path.read_text()
        if "/tests/" in str(path) or path.name == "audience.py":
            checked.update(re.findall(r"check_audience\(\w+, (\w+),", text))
        else:
            declared.update(re.findall(r"^([A-Z_]+) = Audience\(", text, re.MULTILINE))
    for path in ROOT.glob("tests/*.py"):
        checked.update(re.findall(r"check_audience\(\w+, (\w+),", path.read_text()))
    assert declared and declared <= checked, declared - checked
