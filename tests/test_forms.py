"""The shared forms' checks, the CSV export and the QR codes, as a plugin uses them (the surveys of
plugins/polls show them through HTTP)."""

from __future__ import annotations

import csv
import io

import pytest
from starlette.datastructures import FormData

from core.errors import ValidationError
from core.forms.export import csv_response
from core.forms.fields import Field, FieldKind, answers_from_form, check_answers, clean_fields
from core.forms.guard import HONEYPOT, STAMP, guard_fields, is_bot
from core.web.share import qr_code

FORM = [
    Field("short_text", "Name 姓名", required=True),
    Field("phone", "Mobile 手机"),
    Field("email", "E-mail"),
    Field("number", "Guests"),
    Field("date", "Arrival"),
    Field("single", "Dinner?", ["Yes 是", "No 否"], required=True),
    Field("multiple", "Sessions", ["Morning", "Afternoon", "Evening"]),
    Field("rating", "How likely?"),
]


def test_answers_are_cleaned_as_people_write_them():
    values = ["  Wang Fang 王芳 ", "138 1234 5678", "Fang@Example.COM", "3", "2026-12-24", 0, [2, 0], 5]
    assert check_answers(FORM, values) == [
        "Wang Fang 王芳",
        "13812345678",
        "fang@example.com",
        "3",
        "2026-12-24",
        0,
        [0, 2],
        5,
    ]
    for phone, cleaned in [
        ("+86 138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ]:
        assert check_answers([Field("phone", "p")], [phone]) == [cleaned]
    assert check_answers([Field("number", "n")], ["12.50"]) == ["12.50"]
    assert check_answers(FORM, ["x", "", "", "", "", 1, [], None])[1:5] == [None, None, None, None]


def test_every_wrong_answer_is_named_at_once():
    values = ["", "12345", "not-an-address", "many", "24/12/2026", 7, [1, 1], 6]
    with pytest.raises(ValidationError) as raised:
        check_answers(FORM, values)
    assert sorted(raised.value.fields) == [f"answers.{index}" for index in range(8)]
    assert raised.value.fields["answers.0"] == "Please answer this question."
    assert raised.value.fields["answers.1"].msgid.startswith("Enter a mobile number")
    with pytest.raises(ValidationError) as raised:
        check_answers([Field("number", "n"), Field("short_text", "t")], [True, "x" * 201])
    assert set(raised.value.fields) == {"answers.0", "answers.1"}


def test_a_form_someone_builds_is_checked():
    assert clean_fields([Field("email", " Your e-mail ")], max_fields=5, max_options=5)[0].label == "Your e-mail"
    for fields, name in [
        ([], "questions"),
        ([Field("essay", "Why")], "questions.0.kind"),
        ([Field("single", "Pick", ["one"])], "questions.0.options"),
        ([Field("phone", "p", ["a", "b"])], "questions.0.options"),
        ([Field("date", " ")], "questions.0.text"),
    ]:
        with pytest.raises(ValidationError) as raised:
            clean_fields(fields, max_fields=5, max_options=5)
        assert name in raised.value.fields
    assert Field.of(FORM[5].as_json()) == FORM[5]  # stored with the answers, read back as it was


def test_an_html_form_reads_as_the_api_sends():
    data = FormData([("a0", "Li"), ("a5", "1"), ("a6", "0"), ("a6", "2"), ("a7", "x")])
    assert answers_from_form(FORM, data) == ["Li", "", "", "", "", 1, [0, 2], "x"]


def test_the_guard_tells_bots_from_people(monkeypatch):
    secret = "s" * 40
    stamp = str(guard_fields(secret)).split(f'name="{STAMP}" value="')[1].split('"')[0]
    assert is_bot(secret, FormData([(STAMP, stamp)]))  # sent at once: nobody reads a form that fast
    assert not is_bot(secret, FormData([(STAMP, stamp)]), min_seconds=0)
    assert is_bot(secret, FormData([(STAMP, stamp), (HONEYPOT, "http://spam")]), min_seconds=0)
    assert is_bot(secret, FormData([(STAMP, stamp + "x")]), min_seconds=0)  # forged
    assert is_bot("another site's secret key......", FormData([(STAMP, stamp)]), min_seconds=0)
    assert is_bot(secret, FormData([]))  # no stamp: not sent from the page
    assert not is_bot(secret, FormData([]), require_stamp=False)


def test_a_csv_export_opens_in_excel_and_runs_nothing():
    response = csv_response(
        "answers.csv", ["name", "=cmd"], [["王芳", '=HYPERLINK("http://evil")'], ["-2", "@SUM(A1)"]]
    )
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="answers.csv"'
    assert response.body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows == [["name", "'=cmd"], ["王芳", '\'=HYPERLINK("http://evil")'], ["'-2", "'@SUM(A1)"]]


def test_qr_codes_in_both_formats():
    assert qr_code("https://club.example/f/1").startswith(b"<?xml")
    png = qr_code("https://club.example/f/1", "png", 12)
    assert png.startswith(b"\x89PNG") and len(png) > 300


@pytest.mark.parametrize("kind", list(FieldKind))
def test_every_kind_has_a_field_in_the_macro(kind):
    from core.web.templating import Templates

    env = Templates().env
    macro = env.from_string(
        '{% import "forms/_fields.html" as f with context %}{{ f.form_field("a0", "Q", kind, ["x", "y"]) }}'
    )
    html = macro.render(kind=kind, gettext=str, _=str)
    assert 'name="a0"' in html and "<legend>Q" in html
