"""The site object: what every request may need, built once per process (``core.app.create_app``) and reached
from a request with ``site_of(request)`` (or ``call.site`` in an API handler)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from starlette.requests import Request

if TYPE_CHECKING:
    from core.accounts.models import User
    from core.config import Config
    from core.contract.kinds import ContentKind, NotificationKind
    from core.pluginhost.host import PluginHost
    from core.site.service import SiteSettings
    from core.uploads.storage import Store
    from core.web.i18n import Catalogues
    from core.web.jsonapi import Endpoint
    from core.web.pagecache import GuestCache
    from core.web.ratelimit import RateLimits
    from core.web.templating import Templates


@dataclass
class Site:
    """What every request may need, built once per process."""

    config: Config
    plugins: PluginHost
    rate_limits: RateLimits
    templates: Templates
    catalogues: Catalogues
    settings: SiteSettings
    content_kinds: dict[str, ContentKind]
    page_cache: GuestCache
    notification_kinds: dict[str, NotificationKind]
    endpoints: list[Endpoint]
    store: Store  # where pictures' files are kept (core.uploads)

    def plugin_settings(self, plugin: str) -> dict[str, Any]:
        """A plugin's settings from plugins.toml, its manifest's defaults filled in."""
        return self.plugins.plugin_settings(plugin)

    def base_url(self, request: Request) -> str:
        """The site's address for absolute links: ``QUANZI_BASE_URL``, else the one this request came to."""
        return self.config.base_url or str(request.base_url).rstrip("/")

    async def limit_address(self, request: Request, rule: str, action: str) -> None:
        """Count ``action`` against the client's address under ``rule`` (``"60/hour"``); TooManyRequests when over."""
        from core.web.ratelimit import client_address

        await self.rate_limits.hit(rule, f"{action}:ip:{client_address(request, self.config.trusted_proxies)}")

    async def limit_member(self, user: User, rule: str, action: str) -> None:
        """Count ``action`` against the member under ``rule`` (``"5/hour"``); TooManyRequests when over."""
        await self.rate_limits.hit(rule, f"{action}:user:{user.id}")


def site_of(request: Request) -> Site:
    """The site serving ``request``."""
    return cast(Site, request.app.state.site)
