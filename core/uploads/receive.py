"""Taking a picture from a request: the API's multipart body or a plain form's file field (no JavaScript needed),
with the site's limits and a rate limit per member."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from core.access.scope import require_actor
from core.accounts.models import User
from core.uploads.models import Upload
from core.uploads.service import MB, Limits, save_picture
from core.web.site import site_of

RATE = "60/hour"  # pictures a member may send


async def limits(request: Request) -> Limits:
    settings = await site_of(request).settings.current()
    return Limits(int(settings["upload_max_mb"]) * MB, int(settings["upload_quota_mb"]) * MB)


async def chosen(form: FormData, field: str) -> bytes | None:
    """The bytes of the file chosen in ``field``, or None when none was (a form's empty file field sends a
    nameless part). The file is closed."""
    value = form.get(field)
    if not isinstance(value, UploadFile):
        return None
    try:
        return await value.read() if value.filename or value.size else None
    finally:
        await value.close()


async def receive_picture(
    request: Request, viewer: User | None, data: bytes, *, field: str, square: int | None = None
) -> Upload:
    """Save the picture ``data`` for ``viewer``; ValidationError naming ``field`` when it is refused."""
    user = require_actor(viewer)
    site = site_of(request)
    await site.rate_limits.hit(RATE, f"upload:user:{user.id}")
    return await save_picture(user, data, site.store, await limits(request), field=field, square=square)


async def picture_markdown(
    request: Request, viewer: User | None, form: FormData, body: str, field: str = "picture"
) -> str:
    """``body`` with the picture chosen in the form's ``field`` put at its end as Markdown (a post's form)."""
    data = await chosen(form, field)
    if data is None:
        return body
    upload = await receive_picture(request, viewer, data, field=field)
    return f"{body.rstrip()}\n\n![]({upload.url})\n".lstrip()
