"""Pictures and where they are used.

An ``Upload`` is a picture one member sent (the same picture sent twice by them is one upload); its files are named
by the content hash (``sha``) of the display size, so members who send the same picture share its files. An
``UploadUse`` says where a picture appears (a post, an avatar, a circle's cover, a plugin's product): whoever may
see one of those places may see the picture, and so may the members who sent it; nobody else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User
from core.circles.models import Circle

PUBLIC = "public"  # the audience of a use that everyone may see (an avatar, the site's logo)


class Upload(Model):
    id = fields.IntField(primary_key=True)
    sha = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    ext = fields.CharField(max_length=8)
    width = fields.IntField()
    height = fields.IntField()
    size = fields.IntField()  # bytes of its files together: what counts against the member's quota
    thumb_width = fields.IntField(default=0)  # 0: the picture is narrow enough to have no thumbnail
    thumb_height = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:
        user_id: int | None

    class Meta:
        table = "uploads"
        unique_together = (("user", "sha"),)
        indexes = (("sha",),)

    @property
    def name(self) -> str:
        return f"{self.sha}.{self.ext}"

    @property
    def url(self) -> str:
        return f"/uploads/{self.name}"


class UploadUse(Model):
    """The picture ``sha`` appears in the ``kind`` object ``ref`` (``post`` 12, ``avatar`` 3, ``shop.product`` 8):
    seen by whoever sees that object. ``circle`` is the circle it belongs to (its visibility decides, and deleting
    the circle ends the use); ``audience`` is ``public`` or an audience key (``user:3``, ``circle_staff:7``)."""

    id = fields.IntField(primary_key=True)
    sha = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=40)
    ref = fields.IntField()
    circle: fields.ForeignKeyNullableRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name=False, null=True, on_delete=fields.CASCADE
    )
    audience = fields.CharField(max_length=64, default="")
    if TYPE_CHECKING:
        circle_id: int | None

    class Meta:
        table = "upload_uses"
        unique_together = (("sha", "kind", "ref"),)
        indexes = (("kind", "ref"),)
