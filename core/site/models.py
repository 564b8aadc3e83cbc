"""Site-wide settings kept in the database (site name, the pending setup token, ...)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Setting(Model):
    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()

    class Meta:
        table = "settings"
