"""A plugin for the tests: letters between two members, seen by those two only (an audience that is not a circle),
kept private in lists, search and notifications. It uses only ``core.plugins``, as every plugin must."""

from core.plugins import PluginManifest

PLUGIN = PluginManifest(name="letters", version="1.0.0", description="Letters seen by their writer and reader only")
