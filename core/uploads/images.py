"""Pictures from members, checked by their bytes and made anew: what is stored and served is never the file that was
sent, but Pillow's fresh encoding of its pixels (no EXIF, no GPS position, nothing hidden after the picture).

JPEG, PNG, WebP and GIF only, decided by the bytes (never the name or the declared type); SVG is refused (it can
carry scripts). A picture larger than ``MAX_PIXELS``, or longer than ``MAX_SIDE`` on a side, is refused before its
pixels are decoded (a "decompression bomb": a small file that unpacks into gigabytes, or a sliver of 40 million by
1 pixels that costs seconds and gigabytes to resize), so is an animation of more than ``MAX_FRAMES`` frames or
``MAX_ALL_FRAMES_PIXELS`` pixels in all, a damaged or incomplete picture, and one whose bytes hide markup, a script
or another file (a polyglot). A JPEG is decoded at the smallest scale that still fills the display size (Pillow's
draft), and resizing reduces by whole factors before it resamples. Two sizes are made once, here: the display size (at most
``DISPLAY`` pixels wide or high) and, for wider pictures, a thumbnail ``THUMB`` pixels wide that phones load.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from core.errors import Message

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}  # Pillow's name → the stored file's ending
FORMATS_BY_EXT = {ext: name for name, ext in FORMATS.items()}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
DISPLAY = 1600
THUMB = 720
MAX_PIXELS = 40_000_000  # a 40-megapixel photo: more than any phone's camera
MAX_SIDE = 20_000  # a phone's panorama is narrower
MAX_FRAMES = 200  # an animated GIF
MAX_ALL_FRAMES_PIXELS = 30_000_000  # its frames × their pixels: 200 frames of 380 × 380, 100 of 540 × 540
REDUCING_GAP = 3.0  # Pillow reduces by whole factors while the picture is three times the size wanted
SVG = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:\?xml|svg|!doctype svg)|<svg[\s>]", re.IGNORECASE)
# Markup, a script, or another kind of file inside a picture's bytes: what polyglots are made of.
HIDDEN = re.compile(
    rb"<\?php|<script|<html|<body|<iframe|<!doctype|%PDF-|PK\x03\x04[\x0a\x14\x2d]\x00|\x7fELF", re.IGNORECASE
)


class BadPicture(Exception):
    """What is wrong with a file that was meant to be a picture (``message``, for the person who sent it)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Variant:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Prepared:
    """A picture made anew: its file ending, the display size and (for large pictures) the thumbnail."""

    ext: str
    display: Variant
    thumb: Variant | None

    @property
    def sha(self) -> str:
        """The display file's content hash: its name, the same for the same picture whoever sends it."""
        return hashlib.sha256(self.display.data).hexdigest()


def prepare(data: bytes, *, square: int | None = None) -> Prepared:
    """Check ``data`` and make the picture anew; BadPicture says why it is refused. With ``square``, the centre
    square of the picture at that size (an avatar), without a thumbnail."""
    if not data:
        raise BadPicture(Message("The file is empty."))
    if SVG.search(data[:4096]):
        raise BadPicture(Message("SVG pictures are not accepted (they can carry scripts): upload a PNG or JPEG."))
    image = _open(data)
    if HIDDEN.search(data):
        image.close()
        raise BadPicture(Message("This file hides something that is not a picture (markup or another file)."))
    with image:
        ext = FORMATS[image.format or ""]
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_FRAMES or frames * image.width * image.height > MAX_ALL_FRAMES_PIXELS:
            raise BadPicture(Message("This animation is too long or too large (at most %(n)s frames).", n=MAX_FRAMES))
        try:
            if ext == "gif" and frames > 1:
                return _animation(image, square)
            if ext == "jpg":  # decode at 1/2, 1/4 or 1/8 where that still fills the display size
                image.draft(image.mode, (square, square) if square else _fitted(image.size, DISPLAY))
            image.load()
            still = ImageOps.exif_transpose(image, in_place=True) or image  # turned as the camera was held
        except (OSError, SyntaxError, ValueError, EOFError):
            raise BadPicture(Message("This picture is damaged or incomplete.")) from None
    if square:
        still = ImageOps.fit(still, (square, square), Image.Resampling.LANCZOS)
    still = _plain_mode(still, ext)
    icc = image.info.get("icc_profile") if ext in ("jpg", "webp") else None
    display = _encode(_fit(still, DISPLAY), ext, icc)
    thumb = _encode(_narrow(still, THUMB), ext, icc) if display.width > THUMB and not square else None
    return Prepared(ext, display, thumb)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise BadPicture(Message("This is not a JPEG, PNG, WebP or GIF picture.")) from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise _too_large()
    if max(image.size) > MAX_SIDE:
        image.close()
        raise BadPicture(Message("This picture is too long (at most %(n)s pixels a side).", n=MAX_SIDE))
    return image


def _too_large() -> BadPicture:
    return BadPicture(Message("This picture has too many pixels (at most %(n)s megapixels).", n=MAX_PIXELS // 10**6))


def _plain_mode(image: Image.Image, ext: str) -> Image.Image:
    """A mode the format saves as it should: no CMYK or 16-bit JPEG, transparency kept where the format has it."""
    if ext == "jpg":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA") or (image.mode == "P" and ext in ("png", "gif")):
        return image
    return image.convert("RGBA")


def _fitted(size: tuple[int, int], largest: int) -> tuple[int, int]:
    """``size`` brought within ``largest`` pixels a side, its proportions kept."""
    width, height = size
    if max(width, height) <= largest:
        return size
    scale = largest / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _fit(image: Image.Image, largest: int) -> Image.Image:
    size = _fitted(image.size, largest)
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _narrow(image: Image.Image, width: int) -> Image.Image:
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _encode(image: Image.Image, ext: str, icc: bytes | None) -> Variant:
    out = io.BytesIO()
    if ext == "jpg":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True, icc_profile=icc)
    elif ext == "webp":
        image.save(out, "WEBP", quality=85, icc_profile=icc)
    else:
        image.save(out, FORMATS_BY_EXT[ext])
    return Variant(out.getvalue(), image.width, image.height)


def _animation(image: Image.Image, square: int | None) -> Prepared:
    """An animated GIF, every frame made anew at each size (its timing and looping kept)."""
    frames = [frame.convert("RGBA") for frame in ImageSequence.Iterator(image)]
    durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
    loop = image.info.get("loop", 0)
    if square:
        frames = [ImageOps.fit(frame, (square, square), Image.Resampling.LANCZOS) for frame in frames]

    def encode(largest: int, narrow: bool = False) -> Variant:
        sized = [_narrow(frame, largest) if narrow else _fit(frame, largest) for frame in frames]
        out = io.BytesIO()
        sized[0].save(out, "GIF", save_all=True, append_images=sized[1:], duration=durations, loop=loop, disposal=2)
        return Variant(out.getvalue(), sized[0].width, sized[0].height)

    display = encode(DISPLAY)
    return Prepared("gif", display, encode(THUMB, narrow=True) if display.width > THUMB and not square else None)


@dataclass(frozen=True)
class Picture:
    """A stored picture as pages show it: its addresses and sizes (``width``/``height`` on every ``<img>``, so that
    the page does not jump; ``srcset`` so that a phone loads the thumbnail)."""

    sha: str
    ext: str
    width: int
    height: int
    thumb_width: int = 0
    thumb_height: int = 0

    @property
    def name(self) -> str:
        return f"{self.sha}.{self.ext}"

    @property
    def url(self) -> str:
        return f"/uploads/{self.name}"

    @property
    def thumb_url(self) -> str:
        return f"/uploads/{self.sha}-t.{self.ext}" if self.thumb_width else self.url

    @property
    def srcset(self) -> str:
        return f"{self.thumb_url} {self.thumb_width}w, {self.url} {self.width}w" if self.thumb_width else ""


# A picture's address in a post: the site's own path (``/uploads/<sha>.jpg``), alone or after the site's address.
PICTURE_URL = re.compile(r"^(?:https?://[^/\s]+)?/uploads/([0-9a-f]{64})\.(?:jpg|png|webp|gif)$")


def sha_of_url(url: str) -> str | None:
    """The content hash in one of our pictures' addresses; None for any other address."""
    match = PICTURE_URL.match(url)
    return match.group(1) if match else None
