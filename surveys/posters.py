"""QR codes (segno) and printable posters (A4) and counter cards for access points, as SVG or PNG."""
import io
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageFont

# Printed for the public in Indonesian whatever the staff member's language (the issue asks for it).
CALL_TO_ACTION = "Pindai setelah Anda selesai dilayani"
PROMISE = "Anonim · kurang dari 2 menit"
TITLE = "Survei Persepsi Anti Korupsi (SPAK) dan Survei Persepsi Kualitas Pelayanan (SPKP)"
NO_SCAN = "Tidak bisa memindai? Ketik alamat ini di peramban:"
ALL_SERVICES = "Semua layanan"


@dataclass(frozen=True)
class PosterText:
    unit: str
    service: str
    url: str
    ministry: str = "Kementerian Imigrasi dan Pemasyarakatan"


@dataclass(frozen=True)
class Size:
    """Sheet size in pixels at 150 dpi, and its type scale."""

    width: int
    height: int
    margin: int
    qr_px: int
    big: int
    medium: int
    small: int


A4 = Size(width=1240, height=1754, margin=100, qr_px=820, big=64, medium=44, small=34)
CARD = Size(width=620, height=874, margin=40, qr_px=420, big=34, medium=24, small=20)  # A6, counter stand


def qr_code(url: str) -> segno.QRCode:
    # Medium error correction: survives a worn poster and still gives a large module size.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, scale: int = 5) -> str:
    """An inline <svg> (no XML declaration), `scale` px per module; the poster stylesheet resizes it."""
    buffer = io.BytesIO()
    qr = qr_code(url)
    qr.save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False, scale=scale, border=4,
            svgclass="qr-code", lineclass=None, title=url)
    width, height = qr.symbol_size(scale=scale, border=4)
    # A viewBox lets CSS scale the code to the sheet (segno writes one only when the size is omitted).
    return buffer.getvalue().decode().replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _centred(draw, y: int, text: str, font, size: Size, *, fill="#000000", spacing=1.25) -> int:
    """Draws wrapped, centred lines from y; returns the y below them."""
    for line in _wrap(draw, text, font, size.width - 2 * size.margin):
        w = draw.textlength(line, font=font)
        draw.text(((size.width - w) / 2, y), line, font=font, fill=fill)
        y += int(font.size * spacing)
    return y


def poster_png(text: PosterText, *, size: Size = A4) -> bytes:
    """The poster as a PNG at 150 dpi: title, unit and service, QR code, the promise and the typed URL."""
    image = Image.new("RGB", (size.width, size.height), "white")
    draw = ImageDraw.Draw(image)
    band = int(size.big * 2.2)
    draw.rectangle([0, 0, size.width, band], fill="#0b3d91")
    _centred(draw, int(band * 0.28), text.ministry, _font(size.small), size, fill="#ffffff")
    y = band + size.margin // 2
    y = _centred(draw, y, TITLE, _font(size.small), size, fill="#333333")
    y += size.small // 2
    y = _centred(draw, y, text.unit, _font(size.big), size)
    y = _centred(draw, y, text.service, _font(size.medium), size, fill="#333333")
    y += size.small // 2
    qr = Image.open(io.BytesIO(qr_png(text.url, scale=1))).convert("RGB")
    qr = qr.resize((size.qr_px, size.qr_px), Image.Resampling.NEAREST)
    image.paste(qr, ((size.width - size.qr_px) // 2, y))
    y += size.qr_px + size.small // 2
    y = _centred(draw, y, CALL_TO_ACTION, _font(size.medium), size)
    y = _centred(draw, y, PROMISE, _font(size.medium), size, fill="#0b3d91")
    y += size.small // 2
    y = _centred(draw, y, NO_SCAN, _font(size.small), size, fill="#333333")
    _centred(draw, y, text.url, _font(size.medium), size)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150), optimize=True)
    return out.getvalue()
