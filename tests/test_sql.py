"""core/sql.py: the plain statements of the hot reads, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

from conftest import make_circle, make_thread

from core import sql
from core.accounts.models import User
from core.db import transaction
from core.sql import _postgres


def test_parameters_are_numbered_for_postgresql():
    assert _postgres("SELECT 1 WHERE a = ? AND b IN (?, ?)") == "SELECT 1 WHERE a = $1 AND b IN ($2, $3)"


def test_timestamps_read_the_same_from_either_database():
    moment = datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC)
    assert sql.timestamp("2026-11-23 10:00:00.123456+00:00") == moment
    assert sql.timestamp(moment) is moment and sql.timestamp(None) is None


def test_a_read_inside_a_transaction_sees_what_it_wrote_and_models_load_whole(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club")

    async def scenario() -> tuple[str, str, str]:
        async with transaction():
            await User.filter(username="alice").update(display_name="Alice in the transaction")
            inside = await sql.fetch_one("SELECT display_name FROM users WHERE username = ?", "alice")
            row = await sql.fetch_one(f"SELECT {sql.columns(User, 'u')} FROM users u WHERE u.username = ?", "alice")
            user = sql.instance(User, row, "u")
        first = await sql.fetch_one("SELECT title FROM threads WHERE id = ?", thread["id"])
        return inside["display_name"], user.display_name + "/" + user.username, first["title"]

    assert client.portal.call(scenario) == (
        "Alice in the transaction",
        "Alice in the transaction/alice",
        "Hello",
    )


def test_models_made_from_one_row_are_each_the_callers_own(client):
    """A remembered row is made into a model once and copied for each caller: what one caller changes — a field,
    a JSON value inside, a relation — the next one made from the same row does not see."""
    from core.circles.models import TemplateUse

    row = {f"u__{column}": value for column, value in {"id": 1, "circle_id": 1, "template": "meeting-kit"}.items()}
    row |= {"u__number": 1, "u__applied_by_id": None, "u__applied_at": "2026-12-07 10:00:00+00:00"}
    row["u__created"] = [{"kind": "thread", "url": "/t/1"}]

    first = sql.instance(TemplateUse, row, "u")
    first.template = "changed"
    first.created.append({"kind": "event", "url": "/e/1"})
    first._await_when_save["x"] = object()
    second = sql.instance(TemplateUse, row, "u")
    assert second.template == "meeting-kit"
    assert second.created == [{"kind": "thread", "url": "/t/1"}] and second._await_when_save == {}
    assert second.applied_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC) and second._saved_in_db
    assert second is not first and sql.instance(TemplateUse, dict(row), "u").template == "meeting-kit"
