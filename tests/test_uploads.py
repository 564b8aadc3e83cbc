"""Pictures: sent through the API and through plain forms, checked by their bytes and made anew, shown in posts
with their sizes, seen only by those who may see where they are used, and forgotten when nothing uses them."""

from __future__ import annotations

import io
import re
import zlib
from datetime import timedelta

import pytest
from conftest import make_circle, make_thread, reply
from pages import browser
from PIL import Image

from core.accounts.models import Role, User
from core.site.models import Setting
from core.testing import another_browser, at_once, buckets, fresh_database, make_config, register
from core.testing.live import server_command
from core.times import now
from core.uploads.models import Upload, UploadUse
from core.uploads.service import FORGET, forget_unused
from core.uploads.storage import pictures_folder


def jpeg(width=1200, height=800, *, gps=False, colour=(180, 40, 40)) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # a home in Shanghai
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(width=64, height=64) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def bomb_png(side=20_000) -> bytes:
    """A 20,000 × 20,000 PNG of a few kilobytes: 400 megapixels once unpacked."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])  # 1 bit per pixel, grey
    rows = zlib.compress(b"\x00" * ((side // 8 + 1) * side), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def sliver_png(width=39_999_999) -> bytes:
    """A 38 KB PNG of 39,999,999 × 1 pixels: under the megapixel limit, but seconds and gigabytes to resize."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])  # 8 bits, grey
    rows = zlib.compress(b"\x00" + b"\x80" * width, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def long_gif(frames=200, side=720) -> bytes:
    """A small GIF of 200 frames of 720 × 720: 100 million pixels to make anew, frame by frame."""
    images = [Image.new("P", (side, side), index % 250) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=40)
    return out.getvalue()


def noise_png(side: int, seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((side, side), 60 + seed).convert("RGB").save(out, "PNG")
    return out.getvalue()


BAD_FILES = {
    "a PHP file named .jpg": ("shell.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg", "not a JPEG, PNG"),
    "an SVG with a script": (
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
        "image/svg+xml", "SVG",
    ),
    "a 20,000 x 20,000 PNG": ("huge.png", bomb_png(), "image/png", "too many pixels"),
    "a 39,999,999 x 1 PNG": ("sliver.png", sliver_png(), "image/png", "too long"),
    "a GIF of 200 frames of 720 x 720": ("long.gif", long_gif(), "image/gif", "too long or too large"),
    "a truncated JPEG": ("cut.jpg", jpeg()[:3000], "image/jpeg", "damaged or incomplete"),
    "a JPEG that is also a page": ("poly.jpg", jpeg() + b"<html><script>alert(1)</script></html>", "image/jpeg",
                                   "hides something"),
    "a GIF that is also a zip": ("poly.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
                                 b"\x00\x02\x02D\x01\x00;PK\x03\x04\x14\x00\x00\x00", "image/gif", "hides something"),
    "an empty file": ("empty.png", b"", "image/png", "empty"),
}  # fmt: skip


async def make_admin(username: str) -> None:
    await User.filter(username=username).update(role=Role.ADMIN)


def upload(client, who, data, name="photo.jpg", content_type="image/jpeg"):
    return client.post("/api/v1/uploads", files={"file": (name, data, content_type)}, headers=who.auth)


def count_uploads(client) -> int:
    async def count():
        return await Upload.all().count()

    return client.portal.call(count)


@pytest.fixture(params=["data dir", "bucket"])
def config(request, tmp_path):
    """Every test of pictures twice: kept in the data dir, and in an S3 bucket (a real S3 protocol server)."""
    storage = (
        {"storage_url": request.getfixturevalue("bucket_server").new_bucket()} if request.param == "bucket" else {}
    )
    with fresh_database(make_config(tmp_path, **storage)) as config:
        yield config


def stored_files(client) -> list[str]:
    config = client.app.state.site.config
    folder = pictures_folder(config)
    if folder is None:
        return sorted(key.rpartition("/")[2] for key in buckets.running.keys(config.storage_url))
    assert not (config.data_dir / "uploads").exists() or folder == config.data_dir / "uploads"
    return sorted(path.name for path in folder.glob("??/??/*")) if folder.exists() else []


def test_a_picture_is_made_anew_without_its_exif_and_gps(client, member):
    alice = member("alice")
    original = jpeg(3000, 2000, gps=True)
    assert b"PhoneMaker" in original
    response = upload(client, alice, original)
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["width"], made["height"]) == (1600, 1067)  # the display size
    assert re.fullmatch(r"/uploads/[0-9a-f]{64}\.jpg", made["url"]) and made["markdown"] == f"![]({made['url']})"
    served = client.get(made["url"], headers=alice.auth)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["cache-control"].startswith("private")  # used nowhere yet: its sender's only
    assert b"PhoneMaker" not in served.content and b"Exif" not in served.content
    assert Image.open(io.BytesIO(served.content)).getexif().get(0x8825) is None  # no GPS
    thumb = client.get(made["thumb_url"], headers=alice.auth)
    assert Image.open(io.BytesIO(thumb.content)).size == (720, 480)
    assert upload(client, alice, original).json()["id"] == made["id"]  # sent twice: one upload
    assert client.get(made["url"]).status_code == 404  # a guest
    assert client.get(made["url"], headers=member("bob").auth).status_code == 404  # another member


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_refused_with_a_clear_message_and_change_nothing(client, member, case):
    alice = member("alice")
    name, data, content_type, says = BAD_FILES[case]
    response = upload(client, alice, data, name, content_type)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert says in error["fields"]["file"]
    assert count_uploads(client) == 0 and stored_files(client) == []


def test_an_upload_needs_a_member_and_a_file(client, member):
    assert upload(client, type("Guest", (), {"auth": {}})(), png()).status_code == 401
    alice = member("alice")
    missing = client.post("/api/v1/uploads", data={"other": "x"}, headers=alice.auth)
    assert missing.status_code == 400 and "file" in missing.json()["error"]["fields"]
    as_json = client.post("/api/v1/uploads", json={"file": "x"}, headers=alice.auth)
    assert as_json.status_code == 400


def test_the_size_limit_and_the_quota_are_site_settings(client, member):
    alice = member("alice")
    noisy = Image.effect_noise((1500, 1500), 100).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    large = out.getvalue()
    assert len(large) > 1024 * 1024
    admin = another_browser(client)
    admin.headers["accept-language"] = "en"
    csrf = browser(admin, "admin")
    client.portal.call(make_admin, "admin")
    refused = admin.post("/admin/settings", data={"csrf_token": csrf, "upload_max_mb": "0"})
    assert refused.status_code == 400 and "from 1 to 50" in refused.text
    assert admin.post("/admin/settings", data={"csrf_token": csrf, "upload_max_mb": "1"}).status_code == 200
    refused = upload(client, alice, large, "noise.png", "image/png")
    assert refused.status_code == 400 and "at most 1 MB" in refused.json()["error"]["fields"]["file"]

    async def tiny_quota():
        await Setting.update_or_create(defaults={"value": "0"}, key="upload_quota_mb")

    client.portal.call(tiny_quota)
    client.app.state.site.settings.forget()
    full = upload(client, alice, png())
    assert full.status_code == 400 and "fill your" in full.json()["error"]["fields"]["file"]
    assert count_uploads(client) == 0


def test_parallel_uploads_stay_within_the_quota(client, member):
    alice = member("alice")

    async def small_quota():
        await Setting.update_or_create(defaults={"value": "1"}, key="upload_quota_mb")

    client.portal.call(small_quota)
    client.app.state.site.settings.forget()
    pictures = [noise_png(300, seed) for seed in range(16)]  # about 270 KB each, made anew: four fit in 1 MB
    codes = [
        answer.status_code
        for answer in at_once(client, 16, lambda http, i: upload(http, alice, pictures[i], "noise.png", "image/png"))
    ]
    assert set(codes) == {201, 400} and 3 <= codes.count(201) <= 4, codes

    async def stored() -> int:
        return sum(row.size for row in await Upload.filter(user_id__isnull=False))

    assert client.portal.call(stored) <= 1024 * 1024


def test_a_private_circles_picture_is_seen_only_by_its_members(client, member):
    owner, insider, outsider = member("owner"), member("insider"), member("outsider")
    make_circle(client, owner, "board", visibility="private")
    client.post("/api/v1/circles/board/invitations", json={"username": "insider"}, headers=owner.auth)
    client.post("/api/v1/circles/board/join", headers=insider.auth)
    picture = upload(client, owner, jpeg()).json()
    thread = make_thread(client, owner, "board", "Minutes", f"The whiteboard:\n\n![]({picture['url']})")
    assert "<img" in client.get(f"/api/v1/threads/{thread['id']}", headers=owner.auth).json()["first_post"]["html"]
    seen = client.get(picture["url"], headers=insider.auth)
    assert seen.status_code == 200 and seen.headers["cache-control"].startswith("private")
    assert client.get(picture["url"]).status_code == 404  # guests and search engines
    assert client.get(picture["url"], headers=outsider.auth).status_code == 404
    assert client.get(picture["thumb_url"], headers=outsider.auth).status_code == 404

    # An outsider who learnt the address cannot show it to the world from a public circle
    make_circle(client, outsider, "open")
    leak = make_thread(client, outsider, "open", "Look", f"![]({picture['url']})")
    assert "<img" not in leak["first_post"]["html"]
    assert client.get(picture["url"]).status_code == 404


def test_a_public_circles_picture_is_public_and_cached_no_longer_than_it_stays_public(client, member):
    alice = member("alice")
    make_circle(client, alice, "hikers")
    picture = upload(client, alice, jpeg(2000, 1000)).json()
    thread = make_thread(client, alice, "hikers", "Saturday", "What a view")
    post = reply(client, alice, thread["id"], f"From the top ![the summit]({picture['url']})")
    html = post["html"]
    assert f'width="{picture["width"]}" height="{picture["height"]}"' in html
    assert f'srcset="{picture["thumb_url"]} 720w, {picture["url"]} 1600w"' in html and 'alt="the summit"' in html
    guest = client.get(picture["url"])
    assert guest.status_code == 200 and guest.headers["cache-control"] == "public, max-age=3600"  # not a year
    assert client.get(picture["url"], headers={"if-none-match": guest.headers["etag"]}).status_code == 304
    page = client.get(f"/t/{thread['id']}").text
    assert f'src="{picture["url"]}"' in page

    # a private circle is private at once: its pictures too
    client.patch("/api/v1/circles/hikers", json={"visibility": "private"}, headers=alice.auth)
    assert client.get(picture["url"]).status_code == 404
    # a deleted post's picture is no longer shown to members, only to moderators
    client.patch("/api/v1/circles/hikers", json={"visibility": "public"}, headers=alice.auth)
    client.delete(f"/api/v1/posts/{post['id']}", headers=alice.auth)
    assert client.get(picture["url"], headers=member("reader").auth).status_code == 404
    seen = client.get(picture["url"], headers=alice.auth)
    assert seen.status_code == 200  # the owner moderates (and sent it)
    assert seen.headers["cache-control"] == "private, no-cache"  # asked again each time: a 304 while still allowed


def test_pictures_from_other_sites_are_links_not_images(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    thread = make_thread(client, alice, "club", "Pixels", "![tracker](https://tracker.example/p.gif?u=1)")
    html = thread["first_post"]["html"]
    assert "<img" not in html and 'href="https://tracker.example/p.gif?u=1"' in html


def test_a_reply_with_a_photo_through_the_plain_form(client, member):
    client.headers["accept-language"] = "en"
    owner = member("owner")
    make_circle(client, owner, "club")
    thread = make_thread(client, owner, "club")
    csrf = browser(client, "writer")
    client.post("/c/club/join", data={"csrf_token": csrf})
    form = client.get(f"/t/{thread['id']}").text
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    sent = client.post(
        f"/t/{thread['id']}/reply",
        data={"csrf_token": csrf, "body": "Our hike"},
        files={"picture": ("hike.jpg", jpeg(), "image/jpeg")},
    )
    assert sent.status_code == 200, sent.text  # followed to the thread
    assert re.search(r'<img src="/uploads/[0-9a-f]{64}\.jpg"[^>]* width="1200" height="800"', sent.text)
    bad = client.post(
        f"/t/{thread['id']}/reply",
        data={"csrf_token": csrf, "body": "Oops"},
        files={"picture": ("x.jpg", b"<?php ?>", "image/jpeg")},
    )
    assert bad.status_code == 400 and "not a JPEG, PNG" in bad.text and "Oops" in bad.text  # the text is kept
    nothing = client.post(
        f"/t/{thread['id']}/reply",
        data={"csrf_token": csrf, "body": "No photo"},
        files={"picture": ("", b"", "application/octet-stream")},
    )
    assert nothing.status_code == 200 and "No photo" in nothing.text


def test_an_avatar_is_the_centre_square_and_can_be_removed(client, member):
    client.headers["accept-language"] = "en"
    csrf = browser(client, "alice")
    saved = client.post(
        "/settings/avatar", data={"csrf_token": csrf}, files={"avatar": ("me.jpg", jpeg(1200, 800), "image/jpeg")}
    )
    assert saved.status_code == 200 and "Your picture is saved" in saved.text
    profile = client.get("/api/v1/users/alice").json()
    assert re.fullmatch(r"/uploads/[0-9a-f]{64}\.jpg", profile["avatar_url"])
    picture = client.get(profile["avatar_url"])  # avatars are public, like profiles
    assert picture.status_code == 200 and Image.open(io.BytesIO(picture.content)).size == (256, 256)
    assert profile["avatar_url"] in client.get("/u/alice").text
    removed = client.post("/settings/avatar", data={"csrf_token": csrf, "remove": "1"})
    assert removed.status_code == 200
    assert client.get("/api/v1/users/alice").json()["avatar_url"] == "/u/alice/avatar.svg"
    refused = client.post(
        "/settings/avatar",
        data={"csrf_token": csrf},
        files={"avatar": ("me.svg", b"<svg><script/></svg>", "image/svg+xml")},
    )
    assert refused.status_code == 400 and "SVG" in refused.text


def test_a_picture_nothing_uses_is_forgotten_after_a_day(client, member):
    alice = member("alice")
    make_circle(client, alice, "club")
    used = upload(client, alice, jpeg(colour=(1, 2, 3))).json()
    unused = upload(client, alice, jpeg(colour=(200, 200, 0))).json()
    make_thread(client, alice, "club", "Kept", f"![]({used['url']})")
    store = client.app.state.site.store

    async def a_day_later() -> tuple[bool, bool, bool]:
        young = await forget_unused(unused["url"][9:73], store)  # sent just now: kept for a while
        await Upload.all().update(created_at=now() - timedelta(days=2))
        return young, await forget_unused(used["url"][9:73], store), await forget_unused(unused["url"][9:73], store)

    assert client.portal.call(a_day_later) == (False, False, True)
    assert client.get(unused["url"], headers=alice.auth).status_code == 404
    assert client.get(used["url"]).status_code == 200
    assert len(stored_files(client)) == 2  # the used picture and its thumbnail

    async def waiting_jobs() -> list[str]:
        from core.jobs.models import Job

        return [job.key for job in await Job.filter(kind=FORGET)]

    assert sorted(client.portal.call(waiting_jobs)) == sorted(f"{FORGET}:{p['url'][9:73]}" for p in (used, unused))

    async def uses() -> int:
        return await UploadUse.filter(kind="post").count()

    assert client.portal.call(uses) == 1


def test_a_member_sends_at_most_sixty_pictures_an_hour(tmp_path):
    from conftest import register

    from core.testing import running_site

    with running_site(tmp_path, rate_limit_scale=0.2) as client:  # 60 an hour, scaled to 12
        alice, bob = register(client, "alice"), register(client, "bob")
        codes = [upload(client, alice, png(10 + n, 10)).status_code for n in range(13)]
        assert codes == [201] * 12 + [429]
        assert upload(client, bob, png()).status_code == 201  # counted per member
        assert count_uploads(client) == 13


def test_a_photo_sent_without_the_csrf_token_is_refused_and_not_kept(client, member):
    owner = member("owner")
    make_circle(client, owner, "club")
    thread = make_thread(client, owner, "club")
    browser(client, "writer")
    forged = client.post(
        f"/t/{thread['id']}/reply",
        data={"csrf_token": "forged", "body": "x"},
        files={"picture": ("p.jpg", jpeg(), "image/jpeg")},
    )
    assert forged.status_code == 403
    assert count_uploads(client) == 0 and stored_files(client) == []


def test_a_site_with_its_pictures_in_a_bucket_keeps_none_on_its_disk_and_is_ready_while_the_bucket_answers(
    quanzi_site, bucket_server
):
    storage_url = bucket_server.new_bucket()
    site = quanzi_site(storage_url=storage_url)
    alice = register(site, "alice")
    made = upload(site, alice, jpeg(3000, 2000)).json()
    name = made["url"].removeprefix("/uploads/")
    assert bucket_server.keys(storage_url) == sorted(
        [f"{name[:2]}/{name[2:4]}/{name}", f"{name[:2]}/{name[2:4]}/{made['thumb_url'].removeprefix('/uploads/')}"]
    )
    shown = site.get(made["url"], headers=alice.auth)
    assert shown.status_code == 200 and shown.content[:3] == b"\xff\xd8\xff"
    assert not (site.app.state.site.config.data_dir / "uploads").exists()
    assert site.get("/readyz").json()["store"] == "ok"


def test_a_bucket_that_does_not_answer_makes_the_site_not_ready(quanzi_site, bucket_server):
    site = quanzi_site(storage_url=f"s3://no-such-bucket?endpoint={bucket_server.endpoint}&region=us-east-1")
    answer = site.get("/readyz")
    assert answer.status_code == 503 and answer.json()["store"].startswith("OSError: s3://no-such-bucket")


def test_a_backup_leaves_the_pictures_in_their_bucket_and_says_so(tmp_path, bucket_server):
    storage_url = bucket_server.new_bucket()
    made = server_command(tmp_path / "data", "migrate", QUANZI_STORAGE_URL=storage_url)
    assert made.returncode == 0, made.stderr
    saved = server_command(tmp_path / "data", "backup", str(tmp_path / "site.backup"), QUANZI_STORAGE_URL=storage_url)
    assert saved.returncode == 0, saved.stderr
    assert f"The pictures stay in s3://{storage_url[5:].split('?')[0]}" in saved.stdout
    assert not (tmp_path / "site.backup.uploads.tar").exists()
