"""Site-wide settings kept in the database (site name, the pending setup token, ...)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Setting(Model):
    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()

    class Meta:
        table = "settings"


class PluginState(Model):
    """Whether a plugin is enabled, and its settings, for every machine of the site (``plugins.toml`` seeds it)."""

    name = fields.CharField(max_length=64, primary_key=True)
    enabled = fields.BooleanField(default=False)
    settings: dict[str, Any] = fields.JSONField(
        default=dict
    )  # only the settings set: a setting left out has its default
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "plugin_states"
