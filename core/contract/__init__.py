"""The hook contract between the core and its plugins: the hook specifications (``hookspecs``), the values handed
through them (``kinds``) and a plugin's manifest (``manifest``). It sits below the domains that implement it: the
core's own features register through these hooks as every plugin does.

Plugins import all of this, and the rest of what they may use, from ``core.plugins``.
"""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("quanzi")
