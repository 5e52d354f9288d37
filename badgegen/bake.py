"""Stage 4: bake an assertion into a badge image (Open Badges 2.0 and 3.0 baking specs).

PNG: one uncompressed `iTXt` chunk with keyword `openbadges`, holding the
assertion JSON, placed right after `IHDR`; any earlier `openbadges` chunk
(iTXt, tEXt or zTXt) is dropped, so baking twice never yields two. This works
on bytes: the image was decoded and cleaned once per badge class (`images.py`),
so baking a thousand awards costs a thousand byte copies, not a thousand encodes.

SVG: an `<openbadges:assertion verify="URL">` element as the first child of the
root, with the JSON in a CDATA section. JSON text never contains `]]>` outside
strings, and inside strings it is written `]]\\u003e`, which is the same JSON
value, so the CDATA section cannot be closed early by content (likewise for the
two characters XML forbids that JSON does not escape, U+FFFE and U+FFFF).

Open Badges 3.0 bakes the signed credential the same way under other names: the
PNG keyword `openbadgecredential` (`bake_png(..., keyword=CREDENTIAL_KEYWORD)`),
and in SVG an `<openbadges:credential>` element, without `verify` attribute for
an embedded proof, in the namespace `https://purl.imsglobal.org/ob/v3p0`
(`bake_svg_credential`).
"""

from __future__ import annotations

import functools
import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadges"
CREDENTIAL_KEYWORD = b"openbadgecredential"  # Open Badges 3.0
_TEXT_CHUNKS = {b"iTXt", b"tEXt", b"zTXt"}
OB_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakeError(ValueError):
    """The bytes given are not an image that can be baked or unbaked."""


# --- PNG -------------------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Split a PNG into (type, data) chunks, checking lengths (not CRCs: Pillow did)."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakeError("not a PNG")
    chunks: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 8 > len(png):
            raise BakeError("truncated PNG")
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(png):
            raise BakeError("truncated PNG")
        chunks.append((kind, png[offset + 8 : offset + 8 + length]))
        offset = end
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakeError("PNG without IHDR")
    return chunks


def _chunk_bytes(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _is_openbadges(kind: bytes, data: bytes, keyword: bytes = KEYWORD) -> bool:
    return kind in _TEXT_CHUNKS and data.split(b"\x00", 1)[0] == keyword


def _itxt(text: str, keyword: bytes = KEYWORD) -> bytes:
    # keyword, NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    return keyword + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")


def bake_png(png: bytes, assertion_json: str, keyword: bytes = KEYWORD) -> bytes:
    """`png` with exactly one `keyword` iTXt chunk (`openbadges`, or OB 3.0's `openbadgecredential`)."""
    head, tail = _around_text(png, keyword)
    return b"".join((head, _chunk_bytes(b"iTXt", _itxt(assertion_json, keyword)), tail))


def bake_png_reference(png: bytes, assertion_json: str, keyword: bytes = KEYWORD) -> bytes:
    """`bake_png` taking the image apart each time (the tests' reference)."""
    chunks = [c for c in _chunks(png) if not _is_openbadges(*c, keyword)]
    out = [PNG_SIGNATURE, _chunk_bytes(*chunks[0]), _chunk_bytes(b"iTXt", _itxt(assertion_json, keyword))]
    out.extend(_chunk_bytes(kind, data) for kind, data in chunks[1:])
    return b"".join(out)


@functools.lru_cache(maxsize=256)
def _around_text(png: bytes, keyword: bytes) -> tuple[bytes, bytes]:
    """What a baked `png` holds before its `keyword` chunk (signature, IHDR) and after it.

    Every award of a badge class is baked into the same image: it is taken apart once per
    badge, not once per award (the key's hash is computed once per bytes object, and the
    badge's image is one object for all its awards).
    """
    chunks = [c for c in _chunks(png) if not _is_openbadges(*c, keyword)]
    head = PNG_SIGNATURE + _chunk_bytes(*chunks[0])
    return head, b"".join(_chunk_bytes(kind, data) for kind, data in chunks[1:])


def unbake_png(png: bytes, keyword: bytes = KEYWORD) -> str | None:
    """The text of the first `keyword` chunk, or None when the PNG is not baked."""
    for kind, data in _chunks(png):
        if not _is_openbadges(kind, data, keyword):
            continue
        rest = data[len(keyword) + 1 :]
        if kind == b"tEXt":
            return rest.decode("latin-1")
        if kind == b"zTXt":
            return zlib.decompress(rest[1:]).decode("latin-1")
        compressed, body = rest[0], rest[2:]
        body = body.split(b"\x00", 2)[2]  # skip language tag and translated keyword
        return (zlib.decompress(body) if compressed else body).decode("utf-8")
    return None


# --- SVG -------------------------------------------------------------------------------

_ROOT_RE = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_ASSERTION_RE = re.compile(r"\s*<openbadges:assertion\b.*?</openbadges:assertion>", re.DOTALL)
_CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


def cdata_safe(assertion_json: str) -> str:
    """The same JSON value with no `]]>` and no character XML forbids in its text."""
    text = assertion_json.replace("]]>", "]]\\u003e")
    return text.replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def bake_svg(svg: str, assertion_json: str, verify_url: str) -> str:
    """`svg` with one `openbadges:assertion` element holding the assertion."""
    head, tail = _around_assertion(svg)
    element = (
        f'<openbadges:assertion verify="{_attr(verify_url)}">'
        f"<![CDATA[{cdata_safe(assertion_json)}]]></openbadges:assertion>"
    )
    return head + element + tail


def bake_svg_reference(svg: str, assertion_json: str, verify_url: str) -> str:
    """`bake_svg` taking the image apart each time (the tests' reference)."""
    svg = _ASSERTION_RE.sub("", svg)
    match = _ROOT_RE.search(svg)
    if match is None:
        raise BakeError("no <svg> root element")
    root = match.group(0)
    if "xmlns:openbadges=" not in root:
        root = root[:-1].rstrip("/").rstrip() + f' xmlns:openbadges="{OB_NAMESPACE}">'
        if match.group(0).endswith("/>"):
            raise BakeError("empty <svg/> element")
    element = (
        f'<openbadges:assertion verify="{_attr(verify_url)}">'
        f"<![CDATA[{cdata_safe(assertion_json)}]]></openbadges:assertion>"
    )
    return svg[: match.start()] + root + element + svg[match.end() :]


@functools.lru_cache(maxsize=64)
def _around_assertion(svg: str) -> tuple[str, str]:
    """What a baked `svg` holds before its assertion element (up to the root's start tag,
    with the namespace) and after it; worked out once per badge image, not per award."""
    svg = _ASSERTION_RE.sub("", svg)
    match = _ROOT_RE.search(svg)
    if match is None:
        raise BakeError("no <svg> root element")
    root = match.group(0)
    if "xmlns:openbadges=" not in root:
        root = root[:-1].rstrip("/").rstrip() + f' xmlns:openbadges="{OB_NAMESPACE}">'
        if match.group(0).endswith("/>"):
            raise BakeError("empty <svg/> element")
    return svg[: match.start()] + root, svg[match.end() :]


def unbake_svg(svg: str) -> str | None:
    """The JSON held by the `openbadges:assertion` element, or None."""
    match = _ASSERTION_RE.search(svg)
    if match is None:
        return None
    cdata = _CDATA_RE.search(match.group(0))
    return cdata.group(1) if cdata else None


_CREDENTIAL_RE = re.compile(
    r"\s*<openbadges:(?:credential|assertion)\b(?:[^>]*/>|.*?</openbadges:(?:credential|assertion)>)",
    re.DOTALL,
)
_NAMESPACE_ATTR_RE = re.compile(r"""\s+xmlns:openbadges\s*=\s*(?:"[^"]*"|'[^']*')""")


def bake_svg_credential(svg: str, credential_json: str) -> str:
    """`svg` with one `<openbadges:credential>` (OB 3.0) holding the signed credential.

    Any earlier baked element (OB 2.0 or 3.0) is dropped and the `openbadges` prefix is
    bound to the OB 3.0 namespace, so the result holds exactly one credential.
    """
    svg = _CREDENTIAL_RE.sub("", svg)
    match = _ROOT_RE.search(svg)
    if match is None:
        raise BakeError("no <svg> root element")
    if match.group(0).endswith("/>"):
        raise BakeError("empty <svg/> element")
    root = _NAMESPACE_ATTR_RE.sub("", match.group(0))
    root = root[:-1].rstrip() + f' xmlns:openbadges="{OB3_NAMESPACE}">'
    element = f"<openbadges:credential><![CDATA[{cdata_safe(credential_json)}]]></openbadges:credential>"
    return svg[: match.start()] + root + element + svg[match.end() :]


def unbake_svg_credential(svg: str) -> str | None:
    """The JSON held by the first `<openbadges:credential>` element, or None."""
    match = re.search(r"<openbadges:credential\b[^>]*>(.*?)</openbadges:credential>", svg, re.DOTALL)
    if match is None:
        return None
    cdata = _CDATA_RE.search(match.group(1))
    return cdata.group(1) if cdata else match.group(1).strip() or None


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
