"""Pictures: taking one from a member (checked, made anew, sized, stored, counted against their quota), recording
where pictures are used, deciding who may see one, and forgetting those nothing uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import anyio
import anyio.to_thread
from tortoise.exceptions import IntegrityError

from core import sql
from core.access.circles import CircleAccess
from core.access.scope import GUEST, Scope, scope_of
from core.accounts.models import User
from core.circles.models import Circle, Visibility
from core.db import transaction
from core.errors import Message, ValidationError
from core.jobs.queue import enqueue_job
from core.times import now
from core.uploads.images import BadPicture, Picture, Prepared, prepare
from core.uploads.models import PUBLIC, Upload, UploadUse
from core.uploads.storage import Store

FORGET = "uploads.forget"  # the job that removes a picture nothing uses, a day after it was last let go
UNUSED_FOR = timedelta(days=1)
MB = 1024 * 1024
# Pictures are decoded and resized off the event loop, two at a time in a worker process: each holds at most
# MAX_PIXELS (core.uploads.images) decoded, so a worker's pictures never hold more than about a gigabyte however many
# members send at once; the others wait their turn while the worker goes on answering.
PICTURE_WORK = anyio.CapacityLimiter(2)


@dataclass(frozen=True)
class Limits:
    """The site's limits on pictures (site settings ``upload_max_mb``, ``upload_quota_mb``)."""

    max_bytes: int
    quota_bytes: int


async def save_picture(
    user: User, data: bytes, store: Store, limits: Limits, *, field: str = "file", square: int | None = None
) -> Upload:
    """Take the picture ``data`` from ``user``: ValidationError naming ``field`` when it is refused, and then
    nothing is stored. The same picture sent twice by a member is one upload."""
    prepared = await check_picture(data, limits, field=field, square=square)
    sha = prepared.sha
    known = await Upload.get_or_none(user_id=user.id, sha=sha)
    if known is not None:
        return known
    size = len(prepared.display.data) + (len(prepared.thumb.data) if prepared.thumb else 0)
    picture = Picture(sha, prepared.ext, prepared.display.width, prepared.display.height)
    if prepared.thumb:
        picture = Picture(sha, prepared.ext, picture.width, picture.height, prepared.thumb.width, prepared.thumb.height)
    try:
        async with transaction():
            # the member's row is held until commit: their parallel uploads count against the quota one at a time
            # (PostgreSQL; SQLite writes one transaction at a time)
            await User.filter(id=user.id).select_for_update().only("id").first()
            used = await sql.fetch_one("SELECT COALESCE(SUM(size), 0) AS used FROM uploads WHERE user_id = ?", user.id)
            if used is not None and int(used["used"]) + size > limits.quota_bytes:
                raise ValidationError(
                    {field: Message("Your pictures fill your %(n)s MB; remove some first.", n=limits.quota_bytes // MB)}
                )
            upload = await Upload.create(
                user=user,
                sha=sha,
                ext=picture.ext,
                width=picture.width,
                height=picture.height,
                size=size,
                thumb_width=picture.thumb_width,
                thumb_height=picture.thumb_height,
            )
    except IntegrityError:  # sent twice at once (a double tap)
        return await Upload.get(user_id=user.id, sha=sha)
    await store.put(picture.name, prepared.display.data)
    if prepared.thumb:
        await store.put(picture.thumb_url.removeprefix("/uploads/"), prepared.thumb.data)
    await _forget_later(sha)
    return upload


async def check_picture(data: bytes, limits: Limits, *, field: str = "file", square: int | None = None) -> Prepared:
    """The picture ``data`` checked and made anew (nothing stored); ValidationError naming ``field`` when it is
    refused."""
    if len(data) > limits.max_bytes:
        raise ValidationError({field: Message("A picture may have at most %(n)s MB.", n=limits.max_bytes // MB)})
    try:
        return await anyio.to_thread.run_sync(lambda: prepare(data, square=square), limiter=PICTURE_WORK)
    except BadPicture as error:
        raise ValidationError({field: error.message}) from None


def picture_of(upload: Upload) -> Picture:
    return Picture(upload.sha, upload.ext, upload.width, upload.height, upload.thumb_width, upload.thumb_height)


async def pictures(shas: Iterable[str]) -> dict[str, Picture]:
    """The stored pictures among ``shas``, by content hash."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    return {upload.sha: picture_of(upload) for upload in await Upload.filter(sha__in=wanted)}


async def picture_named(name: str) -> Picture | None:
    """The stored picture of a file name kept in a setting or a column (a circle's cover, the site's logo)."""
    return (await pictures([name[:64]])).get(name[:64]) if name else None


async def visible_pictures(viewer: User | None, shas: Iterable[str]) -> dict[str, Picture]:
    """The pictures among ``shas`` that ``viewer`` may see (a post shows only those its author may: one cannot
    show others a private circle's picture by its address)."""
    found = await pictures(shas)
    return {sha: picture for sha, picture in found.items() if await access(viewer, sha) is not None}


async def add_uses(
    kind: str, ref: int, shas: Iterable[str], *, circle_id: int | None = None, audience: str = ""
) -> None:
    """The ``kind`` object ``ref`` shows the pictures ``shas`` too (a post, and each of its edits)."""
    for sha in sorted(set(shas)):
        if not await UploadUse.exists(sha=sha, kind=kind, ref=ref):
            try:
                await UploadUse.create(sha=sha, kind=kind, ref=ref, circle_id=circle_id, audience=audience)
            except IntegrityError:
                pass  # recorded meanwhile


async def set_uses(
    kind: str, ref: int, shas: Iterable[str], *, circle_id: int | None = None, audience: str = ""
) -> None:
    """The ``kind`` object ``ref`` now shows exactly the pictures ``shas`` (an avatar, a product's photos), seen by
    those who see ``circle_id`` (its visibility) or ``audience`` (``public``, or an audience key: ``user:3``); those
    it no longer shows are forgotten a day later unless something else uses them."""
    keep = set(shas)
    gone = [use.sha for use in await UploadUse.filter(kind=kind, ref=ref) if use.sha not in keep]
    if gone:
        await UploadUse.filter(kind=kind, ref=ref, sha__in=gone).delete()
    await UploadUse.filter(kind=kind, ref=ref, sha__in=sorted(keep)).update(circle_id=circle_id, audience=audience)
    await add_uses(kind, ref, keep, circle_id=circle_id, audience=audience)
    for sha in gone:
        await _forget_later(sha)


AVATAR = 256  # pixels: an avatar is the centre square of the picture sent, this size
LOGO = 512  # the site's logo, a square too: chat apps show it beside a shared link (at least 300 × 300)


async def set_avatar(user: User, upload: Upload | None) -> None:
    """The member's avatar is now ``upload`` (a square, public like their profile), or their letter again."""
    name = upload.name if upload is not None else ""
    await User.filter(id=user.id).update(avatar=name)
    user.avatar = name
    await set_uses("avatar", user.id, [upload.sha] if upload is not None else [], audience=PUBLIC)


USES_SQL = (
    "SELECT uu.kind, uu.audience, uu.circle_id, c.visibility, p.id AS post_id, p.deleted_at AS post_deleted, "
    "t.deleted_at AS thread_deleted FROM upload_uses uu LEFT JOIN circles c ON c.id = uu.circle_id "
    "LEFT JOIN posts p ON uu.kind = 'post' AND p.id = uu.ref LEFT JOIN threads t ON t.id = p.thread_id "
    "WHERE uu.sha = ?"
)


async def access(viewer: User | None, sha: str) -> Literal["public", "private"] | None:
    """Who may see the picture ``sha``: ``public`` (everyone: a guest may), ``private`` (this viewer, not
    everyone) or None (not this viewer)."""
    uses = await sql.fetch(USES_SQL, sha)
    if any(_sees(GUEST, use) for use in uses):
        return "public"
    scope = await scope_of(viewer)
    if scope.user is None:
        return None
    if scope.sees_all or any(_sees(scope, use) for use in uses):
        return "private"
    return "private" if await Upload.exists(sha=sha, user_id=scope.user.id) else None


def _sees(scope: Scope, use: sql.Row) -> bool:
    if use["audience"] == PUBLIC or use["audience"] in scope.audience_keys():
        return True
    if use["circle_id"] is None:
        return False
    where = CircleAccess(Circle(id=use["circle_id"], visibility=Visibility(use["visibility"])), scope)
    if not where.can_view:
        return False
    if use["kind"] != "post":
        return True
    removed = use["post_id"] is None or use["post_deleted"] is not None or use["thread_deleted"] is not None
    return not removed or where.can_moderate  # a removed post's pictures, as the post: for its moderators


async def _forget_later(sha: str) -> None:
    await enqueue_job(FORGET, {"sha": sha}, at=now() + UNUSED_FOR, key=f"{FORGET}:{sha}")


async def forget_unused(sha: str, store: Store) -> bool:
    """Remove the uploads of the picture ``sha`` sent over a day ago if nothing uses it, and its files once no
    upload is left; whether any was removed."""
    if await UploadUse.exists(sha=sha):
        return False
    old = await Upload.filter(sha=sha, created_at__lte=now() - UNUSED_FOR)
    await Upload.filter(id__in=[upload.id for upload in old]).delete()
    if old and not await Upload.exists(sha=sha):
        picture = picture_of(old[0])
        await store.delete(picture.name)
        if picture.thumb_width:
            await store.delete(picture.thumb_url.removeprefix("/uploads/"))
    return bool(old)
