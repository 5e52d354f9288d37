"""Baking: the assertion goes into the image and comes back out unchanged.

Checked with independent readers where one exists: Pillow reads the PNG's
iTXt chunk, and the XML parser reads the SVG's CDATA.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import PngImagePlugin

from badgegen import bake
from badgegen.images import clean_png

OB_NS = "{http://openbadges.org}"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    '<title>Badge</title><circle cx="32" cy="32" r="30" fill="#1c6b3a"/></svg>\n'
)


def _png(**text: str) -> bytes:
    image = PILImage.new("RGBA", (8, 8), (28, 107, 58, 255))
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _chunk_types(png: bytes) -> list[bytes]:
    return [kind for kind, _ in bake._chunks(png)]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


def test_png_bake_is_read_back_by_pillow() -> None:
    document = json.dumps({"id": "https://example.org/assertions/a.json", "name": "Je sais semer"})
    baked = bake.bake_png(_png(), document)
    with PILImage.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.text["openbadges"] == document  # type: ignore[attr-defined]
        assert image.size == (8, 8)


def test_png_chunk_is_uncompressed_itxt_right_after_ihdr() -> None:
    baked = bake.bake_png(_png(), '{"a": 1}')
    chunks = bake._chunks(baked)
    assert [kind for kind, _ in chunks[:2]] == [b"IHDR", b"iTXt"]
    keyword, rest = chunks[1][1].split(b"\x00", 1)
    assert keyword == b"openbadges"
    assert rest[0] == 0, "compression flag must be 0 (uncompressed)"


def test_png_rebake_replaces_the_chunk() -> None:
    once = bake.bake_png(_png(), '{"v": 1}')
    twice = bake.bake_png(once, '{"v": 2}')
    assert _chunk_types(twice).count(b"iTXt") == 1
    assert bake.unbake_png(twice) == '{"v": 2}'


def test_png_old_text_chunk_named_openbadges_is_dropped() -> None:
    legacy = _png(openbadges="https://old.example.org/assertion.json", Comment="kept")
    baked = bake.bake_png(legacy, '{"new": true}')
    assert bake.unbake_png(baked) == '{"new": true}'
    texts = [data.split(b"\x00", 1)[0] for kind, data in bake._chunks(baked) if kind in {b"tEXt", b"iTXt"}]
    assert texts == [b"openbadges", b"Comment"]


def test_png_with_compressed_itxt_unbakes() -> None:
    body = zlib.compress(b'{"zipped": 1}')
    data = b"openbadges\x00\x01\x00\x00\x00" + body
    chunks = bake._chunks(_png())
    png = bake.PNG_SIGNATURE + b"".join(
        bake._chunk_bytes(kind, payload) for kind, payload in [chunks[0], (b"iTXt", data), *chunks[1:]]
    )
    assert bake.unbake_png(png) == '{"zipped": 1}'


def test_unbaked_png_gives_none_and_garbage_is_refused() -> None:
    assert bake.unbake_png(_png()) is None
    with pytest.raises(bake.BakeError):
        bake.bake_png(b"GIF89a....", "{}")
    with pytest.raises(bake.BakeError):
        bake.unbake_png(_png()[:20])


def test_clean_png_strips_metadata_and_keeps_pixels() -> None:
    dirty = _png(Author="Camille", Software="Paint")
    clean, width, height = clean_png(dirty)
    assert b"Camille" not in clean and b"Software" not in clean
    assert (width, height) == (8, 8)
    with PILImage.open(io.BytesIO(clean)) as a, PILImage.open(io.BytesIO(dirty)) as b:
        assert a.convert("RGBA").tobytes() == b.convert("RGBA").tobytes()


@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_png_round_trip_any_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    baked = bake.bake_png(_png(), text)
    assert bake.unbake_png(baked) == text
    with PILImage.open(io.BytesIO(baked)) as image:
        image.load()


def test_svg_bake_parses_as_xml_with_assertion_first() -> None:
    document = json.dumps({"id": "https://example.org/assertions/a.json"})
    baked = bake.bake_svg(SVG, document, "https://example.org/assertions/a.json")
    root = ET.fromstring(baked.encode("utf-8"))
    first = root[0]
    assert first.tag == OB_NS + "assertion"
    assert first.get("verify") == "https://example.org/assertions/a.json"
    assert json.loads(first.text or "") == json.loads(document)


def test_svg_cdata_survives_closing_marker_in_content() -> None:
    document = json.dumps({"narrative": "fin ]]> et <script>alert(1)</script> & co"}, ensure_ascii=False)
    baked = bake.bake_svg(SVG, document, "https://example.org/a.json")
    assert baked.count("]]>") == 1
    root = ET.fromstring(baked.encode("utf-8"))
    assert json.loads(root[0].text or "") == json.loads(document)
    assert [el.tag.rsplit("}", 1)[-1] for el in root.iter()].count("script") == 0


def test_svg_escapes_characters_xml_forbids() -> None:
    document = json.dumps({"odd": "\ufffe\uffff"}, ensure_ascii=False)
    baked = bake.bake_svg(SVG, document, "https://example.org/a.json")
    root = ET.fromstring(baked.encode("utf-8"))
    assert json.loads(root[0].text or "") == {"odd": "\ufffe\uffff"}


def test_svg_rebake_replaces_the_assertion() -> None:
    once = bake.bake_svg(SVG, '{"v": 1}', "https://example.org/1.json")
    twice = bake.bake_svg(once, '{"v": 2}', "https://example.org/2.json")
    root = ET.fromstring(twice.encode("utf-8"))
    assertions = [el for el in root.iter() if el.tag == OB_NS + "assertion"]
    assert len(assertions) == 1
    assert assertions[0].get("verify") == "https://example.org/2.json"
    assert twice.count("xmlns:openbadges=") == 1


@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_svg_round_trip_any_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    baked = bake.bake_svg(SVG, text, "https://example.org/a.json")
    unbaked = bake.unbake_svg(baked)
    assert unbaked is not None and json.loads(unbaked) == value
    root = ET.fromstring(baked.encode("utf-8"))
    assert json.loads(root[0].text or "") == value


# Baking takes each badge image apart once (`bake._around_text`, `bake._around_assertion`),
# not once per award: the bytes are those of taking it apart every time.
_IMAGES = st.sampled_from(
    [_png(), _png(openbadges="old", Comment="kept"), bake.bake_png(_png(), '{"old": 1}'), _png(Title="é")]
)
_SVGS = st.sampled_from(
    [
        SVG,
        bake.bake_svg_reference(SVG, '{"old": 1}', "https://x.example/a.json"),
        SVG.replace("<svg ", '<svg xmlns:openbadges="http://openbadges.org" '),
        '<svg xmlns="http://www.w3.org/2000/svg"\n  width="1" height="1"\n/>',  # empty: refused
        "<g/>",  # no root: refused
    ]
)


@settings(max_examples=300, deadline=None)
@given(png=_IMAGES, text=st.text(), keyword=st.sampled_from([bake.KEYWORD, bake.CREDENTIAL_KEYWORD]))
def test_png_bake_gives_the_bytes_of_the_reference(png: bytes, text: str, keyword: bytes) -> None:
    for _ in range(2):  # the second time from what was remembered
        assert bake.bake_png(png, text, keyword) == bake.bake_png_reference(png, text, keyword)


@settings(max_examples=300, deadline=None)
@given(svg=_SVGS, text=st.text(), url=st.text())
def test_svg_bake_gives_the_text_of_the_reference(svg: str, text: str, url: str) -> None:
    for _ in range(2):
        try:
            expected = bake.bake_svg_reference(svg, text, url)
        except bake.BakeError as refused:
            with pytest.raises(bake.BakeError, match=str(refused)):
                bake.bake_svg(svg, text, url)
        else:
            assert bake.bake_svg(svg, text, url) == expected
