"""Which approved template carries each kind of notification, set by an administrator: a template id and the
template's field names, each filled from the notification (``text``, ``title``, ``time``, ``site``). Templates
differ (the old ones' ``keyword1``, the new ones' ``thing1``, ``time2``...), so the owner names them; without names,
``keyword1=title keyword2=time``."""

from __future__ import annotations

import re

from core.access.site import site_admin
from core.accounts.models import User
from core.errors import Forbidden, Message, ValidationError
from core.site.models import Setting

PREFIX = "wechat_template:"  # Setting keys: "wechat_template:KIND", and "wechat_template:*" for every other kind
EVERY = "*"
SOURCES = ("text", "title", "time", "site")
DEFAULT_FIELDS = {"keyword1": "title", "keyword2": "time"}
TEMPLATE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
FIELD = re.compile(r"^([A-Za-z]+[0-9]*)=(\w+)$")


def parse(value: str) -> tuple[str, dict[str, str]]:
    """``"TEMPLATE_ID thing1=title time2=time"`` as (the id, {field: source}); a ValueError says what is wrong."""
    words = value.split()
    if not words or not TEMPLATE_ID.match(words[0]):
        raise ValueError(words[0] if words else value)
    fields: dict[str, str] = {}
    for word in words[1:]:
        found = FIELD.match(word)
        if found is None or found.group(2) not in SOURCES:
            raise ValueError(word)
        fields[found.group(1)] = found.group(2)
    return words[0], fields or dict(DEFAULT_FIELDS)


async def chosen() -> dict[str, str]:
    """The templates set, by kind (``*``: every kind without its own), as the administrator wrote them."""
    return {row.key.removeprefix(PREFIX): row.value for row in await Setting.filter(key__startswith=PREFIX)}


async def template_for(kind: str) -> tuple[str, dict[str, str]] | None:
    """The template that carries ``kind``, or None when the site set none for it (nor for every kind)."""
    rows = {row.key: row.value for row in await Setting.filter(key__in=[PREFIX + kind, PREFIX + EVERY])}
    value = rows.get(PREFIX + kind) or rows.get(PREFIX + EVERY)
    return parse(value) if value else None


async def set_templates(actor: User, changes: dict[str, str]) -> None:
    """Set (or, empty, remove) the template of each kind named; a ValidationError names each one misspelt."""
    if not site_admin(actor):
        raise Forbidden(Message("Only administrators change the site's settings."))
    errors: dict[str, str] = {}
    for kind, value in changes.items():
        try:
            if value.strip():
                parse(value)
        except ValueError as error:
            errors[kind] = Message(
                "Write the template id, then the template's fields as name=source: “%(wrong)s” does not fit.",
                wrong=str(error),
            )
    if errors:
        raise ValidationError(errors)
    for kind, value in changes.items():
        if value.strip():
            await Setting.update_or_create(defaults={"value": " ".join(value.split())}, key=PREFIX + kind)
        else:
            await Setting.filter(key=PREFIX + kind).delete()
