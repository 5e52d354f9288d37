"""Draw the pictures and media files of the bundled example content.

Run from the repository root:

    python scripts/make_example_images.py

It writes, deterministically (same Pillow, same bytes):

- the PNG badge images in content/badges/ (256x256 RGBA, one colour per skill family);
- the logo of one example issuer in content/issuers/;
- in content/media/: a photo-like JPEG of a sown field and a short, silent MP3
  (valid MPEG-1 Layer III frames) used as sample evidence.

The SVG badge images and logos are written by hand and are not touched here.
No font is needed: every pictogram is made of simple shapes.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

SIZE = 256
SCALE = 4  # draw 4x larger, then shrink: smooth edges without anti-aliasing support
BIG = SIZE * SCALE

# One colour per skill family: (dark ring, main disc, light inner disc).
FAMILY_COLOURS = {
    "savoir-faire": ((27, 94, 32), (46, 125, 50), (232, 245, 233)),
    "savoir-etre": ((13, 71, 161), (21, 101, 192), (227, 242, 253)),
    "engagement": ((191, 54, 12), (239, 108, 0), (255, 243, 224)),
}
WHITE = (255, 255, 255, 255)

Painter = Callable[[ImageDraw.ImageDraw, tuple[int, int, int]], None]


def s(value: float) -> int:
    """A coordinate of the 256-pixel grid, scaled to the drawing grid."""
    return round(value * SCALE)


def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    return (s(x0), s(y0), s(x1), s(y1))


def circle(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, **kwargs: object) -> None:
    draw.ellipse(box(cx - r, cy - r, cx + r, cy + r), **kwargs)  # type: ignore[arg-type]


def badge_base(family: str, *, dashed: bool = False) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A round badge: dark ring, coloured disc, light centre. Dashed ring = self-declared."""
    dark, main, light = FAMILY_COLOURS[family]
    image = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    circle(draw, 128, 128, 124, fill=(*dark, 255))
    circle(draw, 128, 128, 114, fill=(*main, 255))
    if dashed:
        for step in range(24):
            start = step * 15
            draw.arc(box(8, 8, 248, 248), start, start + 9, fill=WHITE, width=s(5))
    else:
        circle(draw, 128, 128, 108, outline=WHITE, width=s(3))
    circle(draw, 128, 128, 86, fill=(*light, 255))
    return image, draw


def finish(image: Image.Image, path: Path) -> None:
    small = image.reduce(SCALE)  # box average: smooth edges, flat areas stay flat
    # Round the alpha of nearly transparent or nearly opaque pixels: smaller file, same look.
    alpha = small.getchannel("A").point(lambda a: 0 if a < 8 else 255 if a > 247 else a)
    small.putalpha(alpha)
    # Fewer distinct colours (edges only change a little): a much smaller file, still RGBA.
    small = small.quantize(colors=48, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert(
        "RGBA"
    )
    small.save(path, format="PNG", optimize=True)


# --- pictograms (drawn in the light centre, colour = family colour) ---------------------------


def sprout(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """Je sais semer en plein champ: a sprout over a row of soil, seeds falling."""
    ink = (*colour, 255)
    soil = (121, 85, 72, 255)
    draw.rounded_rectangle(box(66, 150, 190, 170), radius=s(8), fill=soil)
    draw.line([(s(128), s(152)), (s(128), s(104))], fill=ink, width=s(7))
    draw.ellipse(box(84, 88, 128, 112), fill=ink)  # left leaf
    draw.ellipse(box(128, 76, 174, 102), fill=ink)  # right leaf
    for x, y in ((86, 186), (112, 192), (144, 192), (170, 186)):
        circle(draw, x, y, 5, fill=soil)


def clock(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """Je suis ponctuel·le: a clock showing nine o'clock."""
    ink = (*colour, 255)
    circle(draw, 128, 128, 58, outline=ink, width=s(8))
    for hour in range(12):
        angle = math.radians(hour * 30)
        r0, r1 = (40, 50) if hour % 3 else (34, 50)
        draw.line(
            [
                (s(128 + r0 * math.sin(angle)), s(128 - r0 * math.cos(angle))),
                (s(128 + r1 * math.sin(angle)), s(128 - r1 * math.cos(angle))),
            ],
            fill=ink,
            width=s(4),
        )
    draw.line([(s(128), s(128)), (s(128), s(88))], fill=ink, width=s(7))  # minute hand
    draw.line([(s(128), s(128)), (s(98), s(128))], fill=ink, width=s(8))  # hour hand
    circle(draw, 128, 128, 7, fill=ink)


def team(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """Je travaille en équipe: three people side by side."""
    ink = (*colour, 255)
    pale = (*(min(255, c + 70) for c in colour), 255)
    for cx, top, fill in ((90, 104, pale), (166, 104, pale), (128, 92, ink)):
        circle(draw, cx, top, 17, fill=fill)
        draw.pieslice(box(cx - 32, top + 24, cx + 32, top + 88), 180, 360, fill=fill)
    draw.rectangle(box(58, 160, 198, 166), fill=ink)


def heart(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """Je suis membre d'une association: a heart above two members."""
    ink = (*colour, 255)
    circle(draw, 114, 88, 18, fill=ink)
    circle(draw, 142, 88, 18, fill=ink)
    draw.polygon([(s(97), s(95)), (s(159), s(95)), (s(128), s(128))], fill=ink)
    for cx in (94, 162):  # two members, side by side under the heart
        circle(draw, cx, 142, 14, fill=ink)
        draw.pieslice(box(cx - 26, 162, cx + 26, 214), 180, 360, fill=ink)


def speech(draw: ImageDraw.ImageDraw, colour: tuple[int, int, int]) -> None:
    """Je sais me présenter à un employeur: a person and a speech bubble."""
    ink = (*colour, 255)
    circle(draw, 100, 112, 18, fill=ink)
    draw.pieslice(box(66, 138, 134, 206), 180, 360, fill=ink)
    draw.rounded_rectangle(box(124, 70, 190, 116), radius=s(14), fill=ink)
    draw.polygon([(s(136), s(112)), (s(150), s(112)), (s(128), s(132))], fill=ink)
    light = (*FAMILY_COLOURS["savoir-etre"][2], 255)
    for x in (140, 157, 174):
        circle(draw, x, 93, 5, fill=light)


BADGES: dict[str, tuple[str, Painter, bool]] = {
    # file name: (family, pictogram, self-declared)
    "semer-en-plein-champ.png": ("savoir-faire", sprout, False),
    "ponctualite.png": ("savoir-etre", clock, False),
    "travail-en-equipe.png": ("savoir-etre", team, False),
    "membre-association.png": ("engagement", heart, False),
    "se-presenter-a-un-employeur.png": ("savoir-etre", speech, True),
}


def draw_badges() -> list[Path]:
    written = []
    for name, (family, painter, dashed) in BADGES.items():
        image, draw = badge_base(family, dashed=dashed)
        painter(draw, FAMILY_COLOURS[family][1])
        path = CONTENT / "badges" / name
        finish(image, path)
        written.append(path)
    return written


def draw_jardins_logo() -> Path:
    """Logo of the fictional ACI « Les Jardins de la Loire »: sun, field, river."""
    image = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box(8, 8, 248, 248), radius=s(40), fill=(241, 248, 233, 255))
    circle(draw, 172, 82, 30, fill=(249, 168, 37, 255))
    draw.polygon(
        [(s(8), s(150)), (s(90), s(112)), (s(248), s(140)), (s(248), s(200)), (s(8), s(200))],
        fill=(104, 159, 56, 255),
    )
    for x in range(30, 240, 28):  # field rows
        draw.line([(s(x), s(200)), (s(128 + (x - 128) * 0.45), s(132))], fill=(51, 105, 30, 255), width=s(4))
    wave = [(s(8 + i * 4), s(214 + 8 * math.sin(i / 5))) for i in range(61)]
    draw.line(wave, fill=(2, 119, 189, 255), width=s(12))
    draw.rounded_rectangle(box(8, 8, 248, 248), radius=s(40), outline=(51, 105, 30, 255), width=s(6))
    # Clip to the rounded square (the wave overflows the corners).
    mask = Image.new("L", (BIG, BIG), 0)
    ImageDraw.Draw(mask).rounded_rectangle(box(8, 8, 248, 248), radius=s(40), fill=255)
    clipped = Image.new("RGBA", (BIG, BIG), (0, 0, 0, 0))
    clipped.paste(image, (0, 0), mask)
    path = CONTENT / "issuers" / "jardins-de-la-loire.png"
    finish(clipped, path)
    return path


def draw_field_photo() -> Path:
    """A photo-like picture of a freshly sown field in rows (no EXIF, no metadata)."""
    width, height = 640, 400
    rng = random.Random(20260314)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = 150
    for y in range(horizon):  # sky
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=(int(150 + 60 * t), int(190 + 40 * t), 235))
    draw.polygon(
        [(0, horizon), (120, 118), (260, 138), (420, 112), (640, 140), (640, horizon)], fill=(67, 110, 60)
    )  # hedge in the distance
    for y in range(horizon, height):  # soil, darker in front
        t = (y - horizon) / (height - horizon)
        draw.line([(0, y), (width, y)], fill=(int(150 - 50 * t), int(112 - 42 * t), int(80 - 30 * t)))
    vanish = (width / 2, horizon - 60)
    for i in range(-14, 15):  # rows converging to the horizon
        x_front = width / 2 + i * 70
        top_t = (horizon - vanish[1]) / (height - vanish[1])
        x_top = vanish[0] + (x_front - vanish[0]) * top_t
        draw.line([(x_top, horizon), (x_front, height)], fill=(92, 64, 44), width=3)
        for _ in range(40):  # seedlings along the row, bigger in front
            t = rng.random() ** 0.7
            y = horizon + t * (height - horizon)
            x = x_top + (x_front - x_top) * t + rng.uniform(-2, 2) * (1 + 3 * t)
            r = 1 + 4 * t
            green = (rng.randint(60, 100), rng.randint(140, 180), rng.randint(50, 80))
            draw.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=green)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    path = CONTENT / "media" / "parcelle-semis-mars-2026.jpg"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=72, optimize=True, progressive=True)
    path.write_bytes(buffer.getvalue())
    return path


def write_silent_mp3(seconds: float = 2.0) -> Path:
    """A short silent MP3: MPEG-1 Layer III frames, 48 kHz mono 32 kbit/s, zero side info.

    Each frame is 4 header bytes + 17 bytes of side information + main data, 96 bytes in all,
    and carries 1152 samples (24 ms). All-zero side information decodes to silence.
    """
    header = bytes([0xFF, 0xFB, 0x14, 0xC4])  # sync, MPEG-1, Layer III, no CRC; 32k, 48kHz; mono
    frame = header + bytes(96 - len(header))
    count = math.ceil(seconds * 48000 / 1152)
    path = CONTENT / "media" / "exemple-audio-silencieux.mp3"
    path.write_bytes(frame * count)
    return path


def main() -> None:
    (CONTENT / "badges").mkdir(parents=True, exist_ok=True)
    (CONTENT / "issuers").mkdir(parents=True, exist_ok=True)
    (CONTENT / "media").mkdir(parents=True, exist_ok=True)
    paths = [*draw_badges(), draw_jardins_logo(), draw_field_photo(), write_silent_mp3()]
    for path in paths:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
