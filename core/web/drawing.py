"""Pictures the site draws itself with Pillow: text in a CJK font when the machine has one (Debian's
fonts-noto-cjk), broken into lines character by character (Chinese has no spaces); and a share card, the picture a
chat app shows beside a shared link when the page has none of its own: its title on the club's colour."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
# The colours of core/circles/models.py TINTS, as the theme draws them (quanzi.css); "" is the site's blue
COLOURS = {
    "": (21, 101, 192),
    "blue": (21, 101, 192),
    "green": (46, 125, 50),
    "teal": (0, 121, 107),
    "orange": (230, 81, 0),
    "red": (198, 40, 40),
    "pink": (173, 20, 87),
    "purple": (106, 27, 154),
    "brown": (109, 76, 65),
    "grey": (84, 110, 122),
}
CARD = 600  # pixels a side: WeChat shows a square of at least 300 × 300


def cjk_font(size: int) -> Font:
    """A font of ``size`` pixels that draws Chinese where the machine has one."""
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def line_height(font: Font, fallback: int, spacing: float = 1.3) -> int:
    """The height of a line of ``font`` (``fallback`` for Pillow's own font, which has no size)."""
    return int(font.size * spacing) if isinstance(font, ImageFont.FreeTypeFont) else fallback


def text_lines(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, most: int) -> list[str]:
    """``text`` broken into at most ``most`` lines no wider than ``width``."""
    found, line = [], ""
    for char in text:
        if char == "\n" or draw.textlength(line + char, font=font) > width:
            found.append(line)
            line = "" if char in "\n " else char
        else:
            line += char
    found.append(line)
    return [line for line in found if line.strip()][:most]


def draw_card(title: str, tint: str, footer: str) -> bytes:
    """A square PNG: ``title`` in white on the colour of ``tint``, ``footer`` (the club's name) under it."""
    image = Image.new("RGB", (CARD, CARD), COLOURS.get(tint, COLOURS[""]))
    draw = ImageDraw.Draw(image)
    big, small = cjk_font(CARD // 11), cjk_font(CARD // 26)
    shown = text_lines(draw, title, big, CARD - CARD // 6, 4)
    y = (CARD - len(shown) * line_height(big, CARD // 10)) // 2 - CARD // 20
    for text in shown:
        draw.text((CARD // 2, y), text, font=big, fill="white", anchor="ma")
        y += line_height(big, CARD // 10)
    draw.text((CARD // 2, CARD - CARD // 8), footer, font=small, fill=(235, 240, 250), anchor="ma")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
