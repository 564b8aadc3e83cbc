"""Questions that forms ask — a survey's, an event's registration, a complaint's intake, a campaign's sign-up —
and the checks of their answers, with translated errors that name the field.

A form is a list of ``Field`` (kept as JSON with what answered it, so that an answer always shows the question it
answered). ``clean_fields`` checks a form someone built; ``check_answers`` checks every answer at once and gives
them back cleaned (a phone number normalised, a date as ``YYYY-MM-DD``); ``answers_from_form`` reads them from an
HTML form rendered with the ``form_field`` macro (``forms/_fields.html``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from starlette.datastructures import FormData

from core.accounts.names import EMAIL_MAX, EMAIL_PATTERN
from core.errors import Message, ValidationError
from core.numbers import whole_number


class FieldKind(StrEnum):
    SHORT_TEXT = "short_text"  # a line: a name, an organisation
    TEXT = "text"  # a paragraph
    SINGLE = "single"  # one of the options
    MULTIPLE = "multiple"  # any of the options
    EMAIL = "email"
    PHONE = "phone"  # a mainland mobile number (13812345678) or an international one (+44 20 7946 0958)
    NUMBER = "number"
    DATE = "date"
    RATING = "rating"  # 1 to 5


CHOICE_KINDS = (FieldKind.SINGLE, FieldKind.MULTIPLE)
LABEL_MAX = 300
OPTION_MAX = 200
SHORT_TEXT_MAX = 200
TEXT_MAX = 2000
RATINGS = range(1, 6)
NUMBER_MAX = Decimal(10) ** 12
MAINLAND_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
INTERNATIONAL = re.compile(r"^(?:\+|00)([1-9]\d{6,14})$")


@dataclass(frozen=True)
class Field:
    kind: str
    label: str
    options: list[str] = field(default_factory=list)
    required: bool = False
    name: str = ""  # where the code names it (a scenario's ``title``, a registration's ``phone``)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Field:
        return cls(
            data["kind"],
            data["label"],
            list(data.get("options", [])),
            bool(data.get("required")),
            str(data.get("name", "")),
        )


def clean_options(options: Sequence[str], limit: int, name: str = "options") -> list[str]:
    """Options as written, trimmed: 2 to ``limit`` of them, none empty, none twice."""
    cleaned = [option.strip() for option in options]
    if not 2 <= len(cleaned) <= limit:
        raise ValidationError({name: Message("Give 2 to %(n)s options.", n=limit)})
    if any(not option for option in cleaned):
        raise ValidationError({name: Message("An option may not be empty.")})
    if any(len(option) > OPTION_MAX for option in cleaned):
        raise ValidationError({name: Message("An option has at most %(n)s characters.", n=OPTION_MAX)})
    if len({option.casefold() for option in cleaned}) != len(cleaned):
        raise ValidationError({name: Message("Each option may appear only once.")})
    return cleaned


def clean_fields(drafts: Sequence[Field], *, max_fields: int, max_options: int, name: str = "questions") -> list[Field]:
    """A form someone built, checked: 1 to ``max_fields`` fields of known kinds, with labels, and options where the
    kind has them (errors name ``questions.N.label`` and the like)."""
    if not 1 <= len(drafts) <= max_fields:
        raise ValidationError({name: Message("Ask 1 to %(n)s questions.", n=max_fields)})
    cleaned = []
    for index, draft in enumerate(drafts):
        at = f"{name}.{index}"
        if draft.kind not in set(FieldKind):
            raise ValidationError({f"{at}.kind": Message("One of: ") + ", ".join(FieldKind) + "."})
        label = draft.label.strip()
        if not 1 <= len(label) <= LABEL_MAX:
            raise ValidationError({f"{at}.text": Message("A question has 1 to %(n)s characters.", n=LABEL_MAX)})
        options: list[str] = []
        if draft.kind in CHOICE_KINDS:
            options = clean_options(draft.options, max_options, f"{at}.options")
        elif draft.options:
            raise ValidationError({f"{at}.options": Message("Only single and multiple choice questions have options.")})
        cleaned.append(Field(draft.kind, label, options, draft.required, draft.name))
    return cleaned


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ValueError(Message("Write the answer as text."))
    if len(value) > limit:
        raise ValueError(Message("An answer has at most %(n)s characters.", n=limit))
    return value.strip()


def _phone(value: Any) -> str:
    digits = re.sub(r"[\s\-().]", "", _text(value, 40))
    if found := MAINLAND_MOBILE.match(digits):
        return found[1]
    if found := INTERNATIONAL.match(digits):
        return "+" + found[1]
    raise ValueError(Message("Enter a mobile number (13812345678) or an international one starting with +."))


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (int, float, str)) and value != "" else None
    except InvalidOperation:
        number = None
    if number is None or isinstance(value, bool) or not number.is_finite() or abs(number) >= NUMBER_MAX:
        raise ValueError(Message("Enter a number."))
    return str(int(number)) if number == number.to_integral_value() else format(number, "f")


def _date(value: Any) -> str:
    try:
        return date.fromisoformat(_text(value, 10)).isoformat()
    except ValueError:
        raise ValueError(Message("Enter a date as YYYY-MM-DD.")) from None


def check_answer(question: Field, value: Any) -> Any:
    """One answer, cleaned (None when left empty); ValueError with the reason when it does not fit."""
    if value is None or value == [] or (isinstance(value, str) and not value.strip()):
        if question.required:
            raise ValueError(Message("Please answer this question."))
        return None
    kind, options = question.kind, range(len(question.options))
    if kind == FieldKind.SINGLE:
        if not _is_int(value) or value not in options:
            raise ValueError(Message("Choose one of the options."))
        return value
    if kind == FieldKind.MULTIPLE:
        if not isinstance(value, list) or not all(_is_int(item) and item in options for item in value):
            raise ValueError(Message("Choose among the options."))
        if len(set(value)) != len(value):
            raise ValueError(Message("Choose each option only once."))
        return sorted(value)
    if kind == FieldKind.RATING:
        if not _is_int(value) or value not in RATINGS:
            raise ValueError(Message("Give a rating from 1 to 5."))
        return value
    if kind == FieldKind.EMAIL:
        email = _text(value, EMAIL_MAX).lower()
        if not EMAIL_PATTERN.match(email):
            raise ValueError(Message("Enter a valid e-mail address."))
        return email
    if kind == FieldKind.PHONE:
        return _phone(value)
    if kind == FieldKind.NUMBER:
        return _number(value)
    if kind == FieldKind.DATE:
        return _date(value)
    return _text(value, SHORT_TEXT_MAX if kind == FieldKind.SHORT_TEXT else TEXT_MAX)


def check_answers(questions: Sequence[Field], values: Sequence[Any], name: str = "answers") -> list[Any]:
    """Every answer, cleaned, in question order; one ValidationError naming every answer that does not fit
    (``answers.N``)."""
    cleaned, errors = [], {}
    for index, (question, value) in enumerate(zip(questions, values, strict=True)):
        try:
            cleaned.append(check_answer(question, value))
        except ValueError as error:
            errors[f"{name}.{index}"] = error.args[0]
    if errors:
        raise ValidationError(errors)
    return cleaned


def answers_from_form(
    questions: Sequence[Field], data: FormData, prefix: str = "a", *, named: bool = False
) -> list[Any]:
    """The fields ``a0``, ``a1``, ... of an HTML form (or ``a.NAME`` by each field's name, ``named``) as
    ``check_answers`` takes them (numbers where a question wants an option or a rating; what is not a number stays
    as written, to be refused with its reason)."""

    def number(value: str) -> int | str:
        found = whole_number(value)
        return value if found is None else found

    answers: list[Any] = []
    for index, question in enumerate(questions):
        name = f"{prefix}.{question.name}" if named else f"{prefix}{index}"
        if question.kind == FieldKind.MULTIPLE:
            answers.append([number(str(value)) for value in data.getlist(name)])
        elif question.kind in (FieldKind.SINGLE, FieldKind.RATING):
            answers.append(number(str(data.get(name, ""))) if data.get(name) else None)
        else:
            answers.append(str(data.get(name, "")))
    return answers


def ordered_answers(
    questions: Sequence[Field],
    answers: Sequence[Any] | dict[str, Any],
    name: str = "answers",
) -> list[Any]:
    """Answers in question order, from a list (one per question; missing ones at the end are empty) or an object
    keyed by each question's ``name`` or its number from 0 (``{"phone": "138...", "0": "Mei"}``)."""
    count = len(questions)
    if isinstance(answers, dict):
        keys = {question.name: index for index, question in enumerate(questions) if question.name}
        keys.update({str(index): index for index in range(count)})
        unknown = [key for key in answers if key not in keys]
        if unknown:
            raise ValidationError({f"{name}.{unknown[0]}": Message("There is no such question.")})
        found: list[Any] = [None] * count
        for key, value in answers.items():
            found[keys[key]] = value
        return found
    if len(answers) > count:
        raise ValidationError({name: Message("There are only %(n)s questions.", n=count)})
    return [*answers, *[None] * (count - len(answers))]


def answer_text(question: Field, value: Any) -> str:
    """A checked answer as people read it (a list, an export): the chosen options' texts, or the value as text."""
    if value is None:
        return ""
    if question.kind == FieldKind.SINGLE:
        return str(question.options[value])
    if question.kind == FieldKind.MULTIPLE:
        return "; ".join(question.options[item] for item in value)
    return str(value)
