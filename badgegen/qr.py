"""QR codes drawn at build time as inline SVG, for the printable portfolios.

Each printed badge carries a QR code of its award page, so that whoever holds the
sheet can check the badge with a phone. The symbol is computed by zxing-cpp's writer
(libzint inside: about 0.5 ms a symbol, where the pure-Python segno took 13 ms — a
national registry prints thousands) and written here as one `<path>` of dark modules
on a white square with its quiet zone: the same text always gives the same bytes, no
image file is published, and the page stays printable offline. The tests read the
codes back with zxing-cpp's reader, a separate implementation from the Zint encoder.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

#: The quiet zone around the symbol, in modules (4 is what the QR standard asks for).
QUIET_ZONE = 4
#: The symbols already computed (every portfolio sheet has several; thousands in a big registry):
#: text → (width, height, path). The build cache keeps them between builds; `USED`, this run's.
PATHS: dict[str, tuple[int, int, str]] = {}
USED: set[str] = set()
_DARK_RUN = re.compile(rb"\x00+")


def svg(data: str, label: str) -> Markup:
    """An accessible inline SVG of the QR code of `data` (error correction M or better).

    `label` is read by screen readers (role="img"); the size is left to the stylesheet
    (a viewBox only), so the same markup suits the screen and a printed page.
    """
    USED.add(data)
    if data not in PATHS:
        PATHS[data] = _symbol(data)
    width, height, path = PATHS[data]
    return Markup(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" focusable="false" shape-rendering="crispEdges">'
        '<rect width="{w}" height="{h}" fill="#fff"/><path fill="#000" d="{d}"/></svg>'
    ).format(w=width, h=height, label=escape(label), d=path)


def used_paths() -> dict[str, tuple[int, int, str]]:
    """The symbols this run drew (what the build cache keeps)."""
    return {data: PATHS[data] for data in USED if data in PATHS}


def _symbol(data: str) -> tuple[int, int, str]:
    """The size and the SVG path of the dark modules of the QR code of `data` (level M)."""
    import zxingcpp  # (only when a symbol is not in the cache)

    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]  # 0: dark
    rows, columns = image.shape or (0, 0)
    pixels = image.tobytes()
    runs = []
    for y in range(rows):
        for run in _DARK_RUN.finditer(pixels, y * columns, (y + 1) * columns):
            start, length = run.start() - y * columns, run.end() - run.start()
            runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{length}v1h-{length}z")
    return columns + 2 * QUIET_ZONE, rows + 2 * QUIET_ZONE, "".join(runs)
