"""A printable poster of a campaign (A4, or a phone's screen to send as a picture, which chat apps always show):
the campaign's picture, its title and line, and the QR code of its page (a member's own, with their code), drawn
with Pillow in a CJK font when the machine has one (Debian's fonts-noto-cjk)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from core.plugins import qr_code

SIZES = {"a4": (1240, 1754), "phone": (1080, 1920)}  # pixels: A4 at 150 dpi, a phone's screen
FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
INK, MUTED, ACCENT = (20, 24, 33), (90, 98, 112), (10, 95, 180)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int) -> Font:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _lines(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, most: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (character by character: Chinese has no spaces)."""
    lines, line = [], ""
    for char in text:
        if char == "\n" or draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = "" if char in "\n " else char
        else:
            line += char
    lines.append(line)
    return [line for line in lines if line.strip()][:most]


def draw_poster(size: str, title: str, line: str, url: str, caption: str, picture: bytes | None) -> bytes:
    width, height = SIZES[size]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    top = int(height * 0.36)
    if picture:
        with Image.open(BytesIO(picture)) as photo:
            image.paste(ImageOps.fit(photo.convert("RGB"), (width, top)), (0, 0))
    else:
        draw.rectangle((0, 0, width, top), fill=ACCENT)
    margin, y = width // 12, top + width // 20
    title_font, line_font = _font(width // 13), _font(width // 30)
    for text in _lines(draw, title, title_font, width - 2 * margin, 3):
        draw.text((width // 2, y), text, font=title_font, fill=INK, anchor="ma")
        y += int(title_font.size * 1.3) if isinstance(title_font, ImageFont.FreeTypeFont) else width // 12
    y += width // 60
    for text in _lines(draw, line, line_font, width - 2 * margin, 3):
        draw.text((width // 2, y), text, font=line_font, fill=MUTED, anchor="ma")
        y += int(line_font.size * 1.4) if isinstance(line_font, ImageFont.FreeTypeFont) else width // 25
    side = min(int(width * 0.46), height - y - width // 6)
    with Image.open(BytesIO(qr_code(url, "png", 12))) as code:
        image.paste(
            code.convert("RGB").resize((side, side), Image.Resampling.NEAREST), ((width - side) // 2, y + width // 30)
        )
    draw.text((width // 2, y + width // 30 + side + width // 40), caption, font=line_font, fill=INK, anchor="ma")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
