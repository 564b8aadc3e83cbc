"""The hook contract between the core and its plugins: the hook specifications (``hookspecs``), the values handed
through them (``kinds``) and a plugin's manifest (``manifest``). The values and the manifest sit below the domains
that implement the hooks (the core's own features register through them as every plugin does); the specifications,
which name every layer's types, sit above them, and the plugin host loads them by name.

Plugins import all of this, and the rest of what they may use, from ``core.plugins``.
"""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("quanzi")
