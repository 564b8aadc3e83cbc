"""The JSON API of pictures: ``POST /uploads``."""

from __future__ import annotations

from typing import Any

from core.errors import Message, ValidationError
from core.uploads.receive import chosen, receive_picture
from core.uploads.service import picture_of
from core.web.jsonapi import ApiCall, ApiRouter

router = ApiRouter("uploads")


@router.route(
    "POST",
    "/uploads",
    "Upload a picture (multipart, field file: JPEG, PNG, WebP or GIF)",
    status=201,
    auth=True,
    files=("file",),
)
async def upload(call: ApiCall[None]) -> dict[str, Any]:
    actor = call.actor
    async with call.request.form(max_files=1, max_fields=10) as form:
        data = await chosen(form, "file")
    if data is None:
        raise ValidationError({"file": Message("Choose a picture to upload (a multipart field named file).")})
    saved = await receive_picture(call.request, actor, data, field="file")
    picture = picture_of(saved)
    return {
        "id": saved.id,
        "url": picture.url,
        "width": picture.width,
        "height": picture.height,
        "thumb_url": picture.thumb_url,
        "srcset": picture.srcset,
        "markdown": f"![]({picture.url})",
    }
