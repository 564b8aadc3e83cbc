"""How often a member may try to create a circle: a guard against a flood of circles, and against probing for the
addresses of private circles (a taken address is refused whoever's circle holds it, so each try tells one bit)."""

from __future__ import annotations

from core.accounts.models import User
from core.web.site import Site

CREATE_PER_MEMBER = "20/hour"


async def check_create(site: Site, viewer: User | None) -> None:
    """Count an attempt to create a circle against the member; TooManyRequests when over."""
    if viewer is not None:
        await site.rate_limits.hit(CREATE_PER_MEMBER, f"circle-create:user:{viewer.id}")
