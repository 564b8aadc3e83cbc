"""A plugin for the tests: background jobs that write down each run in the data dir (``chores.log``, a line per
run: the job's number, the process and the try), so that a test sees which ran, where and how often; a scenario
template with questions; and ``members.log``, a line per account made (``member_registered``). It uses only ``core.plugins``, as every plugin must."""

from core.plugins import PluginManifest

PLUGIN = PluginManifest(name="chores", version="1.0.0", description="Background jobs that log their runs")
