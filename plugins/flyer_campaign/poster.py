"""A printable poster of a campaign (A4, or a phone's screen to send as a picture, which chat apps always show):
the campaign's picture, its title and line, and the QR code of its page (a member's own, with their code), drawn
with Pillow in a CJK font when the machine has one (Debian's fonts-noto-cjk)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw, ImageOps

from core.plugins import cjk_font, line_height, qr_code, text_lines

SIZES = {"a4": (1240, 1754), "phone": (1080, 1920)}  # pixels: A4 at 150 dpi, a phone's screen
INK, MUTED, ACCENT = (20, 24, 33), (90, 98, 112), (10, 95, 180)


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
    title_font, line_font = cjk_font(width // 13), cjk_font(width // 30)
    for text in text_lines(draw, title, title_font, width - 2 * margin, 3):
        draw.text((width // 2, y), text, font=title_font, fill=INK, anchor="ma")
        y += line_height(title_font, width // 12)
    y += width // 60
    for text in text_lines(draw, line, line_font, width - 2 * margin, 3):
        draw.text((width // 2, y), text, font=line_font, fill=MUTED, anchor="ma")
        y += line_height(line_font, width // 25, 1.4)
    side = min(int(width * 0.46), height - y - width // 6)
    with Image.open(BytesIO(qr_code(url, "png", 12))) as code:
        image.paste(
            code.convert("RGB").resize((side, side), Image.Resampling.NEAREST), ((width - side) // 2, y + width // 30)
        )
    draw.text((width // 2, y + width // 30 + side + width // 40), caption, font=line_font, fill=INK, anchor="ma")
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
