"""QR codes drawn at build time as inline SVG (segno), for the printable portfolios.

Each printed badge carries a QR code of its award page, so that whoever holds the
sheet can check the badge with a phone. The symbol is computed by segno (a pure-Python
encoder) and written here as one `<path>` of dark modules on a white square with its
quiet zone: the same text always gives the same bytes, no image file is published,
and the page stays printable offline.
"""

from __future__ import annotations

import segno
from markupsafe import Markup, escape

#: The quiet zone around the symbol, in modules (4 is what the QR standard asks for).
QUIET_ZONE = 4


def svg(data: str, label: str) -> Markup:
    """An accessible inline SVG of the QR code of `data` (error correction M or better).

    `label` is read by screen readers (role="img"); the size is left to the stylesheet
    (a viewBox only), so the same markup suits the screen and a printed page.
    """
    code = segno.make_qr(data, error="m", boost_error=True)
    width, height = code.symbol_size(scale=1, border=QUIET_ZONE)
    runs = []
    for y, row in enumerate(code.matrix_iter(scale=1, border=QUIET_ZONE)):
        x = 0
        cells = list(row)
        while x < len(cells):
            if cells[x]:
                start = x
                while x < len(cells) and cells[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Markup(
        '<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" focusable="false" shape-rendering="crispEdges">'
        '<rect width="{w}" height="{h}" fill="#fff"/><path fill="#000" d="{d}"/></svg>'
    ).format(w=width, h=height, label=escape(label), d="".join(runs))
