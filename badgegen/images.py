"""Check badge and logo images once, and make them safe to publish.

A PNG is decoded and re-encoded once per badge class (not once per award): the
decode proves it is a real image, and the re-encode drops every metadata chunk
(camera data, authoring tool, an old `openbadges` chunk...) so nothing but
pixels is published. Baking then works on these clean bytes at byte level.

The clean PNG is then optimised losslessly with oxipng (pyoxipng, the Rust
optimiser): every award publishes one or two baked copies of its badge's PNG, so
the badge images are most of the site's weight — the example badges shrink from
12–15 KB to under 5 KB, the same pixels. It costs about 30 ms per image, so the
prepared images are remembered by the build cache (`PREPARED`, keyed by the
file's bytes): a badge image is optimised once, not at every build.

An SVG is parsed as XML and refused when it could run code or load anything
from elsewhere (scripts, event handlers, external references, DTDs), because
it is served from the registry's own origin.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Literal

from badgegen.model import Image
from badgegen.parallel import forked_map

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_MAX_PIXELS = 4096 * 4096


class ImageProblem(Exception):
    """Why an image cannot be used, in French and English (the error's `problem`)."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en


#: Images already prepared (by this run, or by earlier builds through the build cache):
#: digest of (kind, name, bytes) → Image. `USED` says which this run needed.
PREPARED: dict[bytes, Image] = {}
USED: set[bytes] = set()


def prepare_image(name: str, raw: bytes) -> Image:
    """Check `raw` (the file `name`) and return a clean, publishable `Image` (remembered)."""
    key = _key(name, raw)
    USED.add(key)
    if key not in PREPARED:
        PREPARED[key] = _prepare_image(name, raw)
    return PREPARED[key]


def prepare_ahead(files: Sequence[tuple[str, bytes]], jobs: int) -> None:
    """Prepare on `jobs` processes the images of `files` (name, bytes) not prepared yet.

    A cold build prepares every badge and issuer image (decoded, cleaned, optimised by
    oxipng, SVGs drawn by resvg): about 15 ms each, a second for the 60 badges of a
    region, all on one core when the resolver asks for them one by one. This fills
    `PREPARED` beforehand; an image that cannot be prepared is left for the resolver,
    which reports why. The result is the same image, whichever process prepared it.

    Only while this process has not run oxipng or resvg itself: they keep thread pools,
    which a forked child inherits without their threads (it would wait for them forever).
    """
    todo: dict[bytes, tuple[str, bytes]] = {}
    for name, raw in files:
        key = _key(name, raw)
        if key not in PREPARED:
            todo.setdefault(key, (name, raw))
    jobs = 1 if _NATIVE_STARTED else jobs
    prepared = forked_map(_prepared_or_none, list(todo.values()), jobs, threshold=2, chunk=1)
    for key, image in zip(todo, prepared, strict=True):
        if image is not None:
            PREPARED[key] = image


def _prepared_or_none(file: tuple[str, bytes]) -> Image | None:
    try:
        return _prepare_image(*file)
    except Exception:
        return None


def _key(name: str, raw: bytes) -> bytes:
    return hashlib.blake2b(name.encode() + b"\0" + raw, digest_size=16).digest()


def used_images() -> dict[bytes, Image]:
    """The prepared images this run used (what the build cache keeps)."""
    return {key: PREPARED[key] for key in USED if key in PREPARED}


#: Whether this process has run oxipng or resvg (see `prepare_ahead`).
_NATIVE_STARTED = False


def _native_started() -> None:
    global _NATIVE_STARTED
    _NATIVE_STARTED = True


def _prepare_image(name: str, raw: bytes) -> Image:
    kind: Literal["png", "svg"] = "svg" if name.lower().endswith(".svg") else "png"
    if kind == "png":
        data, width, height = clean_png(raw)
        return Image(source_name=name, format=kind, data=data, width=width, height=height, png=data)
    data, width, height = clean_svg(raw)
    png, _, _ = clean_png(rasterise_svg(data, width, height))
    return Image(source_name=name, format=kind, data=data, width=width, height=height, png=png)


def rasterise_svg(svg: bytes, width: int, height: int) -> bytes:
    """A PNG rendering of a checked SVG, at most 512 pixels wide.

    Every award gets a baked PNG, the format every backpack and LinkedIn read,
    even when its badge was drawn as SVG; resvg (a maintained Rust renderer with
    wheels, no system library) draws it once per badge class.
    """
    import resvg_py  # (the libraries that prepare images load when one is not in the cache)

    _native_started()

    scale = min(1.0, 512 / max(width, height, 1))
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg.decode("utf-8"), width=round(width * scale), height=round(height * scale)
            )
        )
    except ValueError as exc:
        raise ImageProblem(f"SVG impossible à dessiner ({exc})", f"the SVG cannot be drawn ({exc})") from exc


def clean_png(raw: bytes) -> tuple[bytes, int, int]:
    """Decode a PNG and re-encode its pixels only, deterministically."""
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ImageProblem("ce n'est pas un fichier PNG", "not a PNG file")
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(raw)) as image:
            if image.width * image.height > _MAX_PIXELS:
                raise ImageProblem("image trop grande", "image too large")
            image.load()
            pixels = image.convert("RGBA") if image.mode not in ("RGB", "RGBA", "L", "LA") else image.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"PNG illisible ({exc})", f"unreadable PNG ({exc})") from exc
    out = io.BytesIO()
    pixels.save(out, format="PNG", compress_level=1)  # quick: oxipng compresses it again
    return optimise_png(out.getvalue()), pixels.width, pixels.height


_OPTIMISED: dict[bytes, bytes] = {}


def optimise_png(data: bytes) -> bytes:
    """The same pixels in fewer bytes (oxipng level 2, lossless; no metadata chunk kept).

    Remembered by the bytes given: badges that share a picture optimise it once.
    """
    key = hashlib.blake2b(data, digest_size=16).digest()
    if key not in _OPTIMISED:
        import oxipng

        _native_started()

        _OPTIMISED[key] = bytes(oxipng.optimize_from_memory(data, level=2, strip=oxipng.StripChunks.all()))
    return _OPTIMISED[key]


_FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "embed", "object"}
_DTD_RE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def clean_svg(raw: bytes) -> tuple[bytes, int, int]:
    """Check that an SVG is plain, self-contained vector art; return it with its size."""
    if _DTD_RE.search(raw):
        raise ImageProblem("le SVG contient une DTD", "the SVG contains a DTD")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ImageProblem(f"SVG illisible ({exc})", f"unreadable SVG ({exc})") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageProblem("la racine n'est pas <svg>", "the root element is not <svg>")
    for element in root.iter():
        _check_svg_element(element)
    width, height = _svg_size(root)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImageProblem("le SVG n'est pas enregistré en UTF-8", "the SVG is not saved as UTF-8") from exc
    return text.encode("utf-8"), width, height


def _check_svg_element(element: ET.Element) -> None:
    local = element.tag.rsplit("}", 1)[-1]
    if local in _FORBIDDEN_TAGS:
        raise ImageProblem(f"élément <{local}> interdit", f"<{local}> is not allowed")
    for attr, value in element.attrib.items():
        name = attr.rsplit("}", 1)[-1]
        if name.lower().startswith("on"):
            raise ImageProblem(f"attribut {name} interdit", f"the {name} attribute is not allowed")
        if (attr == _XLINK_HREF or name == "href") and not value.startswith(("#", "data:image/")):
            raise ImageProblem("lien externe interdit", "external links are not allowed")
        if "url(" in value and not re.search(r"url\(\s*#", value):
            raise ImageProblem("lien externe interdit", "external links are not allowed")


def _svg_size(root: ET.Element) -> tuple[int, int]:
    """The SVG's size from width/height, or from its viewBox."""
    view_box = root.get("viewBox", "").replace(",", " ").split()
    try:
        width = float(str(root.get("width", "")).removesuffix("px") or view_box[2])
        height = float(str(root.get("height", "")).removesuffix("px") or view_box[3])
    except (IndexError, ValueError) as exc:
        raise ImageProblem("taille inconnue (width/height ou viewBox)", "unknown size") from exc
    return round(width), round(height)
