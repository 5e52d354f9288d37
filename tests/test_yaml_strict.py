"""badgegen.yamlsafe: strict YAML, exact positions, and nothing but YamlProblem on bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen.yamlsafe import JsonPath, YamlProblem, decode_utf8, parse_yaml

NESTED = """\
name:
  fr: "Je sème"
  en: "I sow"
tags:
  - semis
  - plein champ
evidence:
  - kind: text
    name:
      fr: "Observation"
  - kind: photo
    url: "https://example.org/p.jpg"
"""


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text)
    return caught.value


# --- positions -----------------------------------------------------------------------


def test_nested_values_have_their_own_position() -> None:
    doc = parse_yaml(NESTED)
    assert doc.positions[()] == (1, 1)
    assert doc.positions[("name",)] == (2, 3)  # a mapping value starts at its first key
    assert doc.positions[("name", "fr")] == (2, 7)
    assert doc.positions[("name", "en")] == (3, 7)
    assert doc.positions[("tags",)] == (5, 3)
    assert doc.positions[("tags", 0)] == (5, 5)
    assert doc.positions[("tags", 1)] == (6, 5)
    assert doc.positions[("evidence", 0)] == (8, 5)
    assert doc.positions[("evidence", 0, "kind")] == (8, 11)
    assert doc.positions[("evidence", 0, "name", "fr")] == (10, 11)
    assert doc.positions[("evidence", 1, "url")] == (12, 10)


def test_keys_have_their_own_position() -> None:
    doc = parse_yaml(NESTED)
    assert doc.key_position_of(("name",)) == (1, 1)
    assert doc.key_position_of(("name", "en")) == (3, 3)
    assert doc.key_position_of(("evidence",)) == (7, 1)
    assert doc.key_position_of(("evidence", 0, "name")) == (9, 5)
    assert doc.key_position_of(("evidence", 1, "url")) == (12, 5)


def test_missing_paths_fall_back_to_the_nearest_ancestor() -> None:
    doc = parse_yaml(NESTED)
    assert doc.position_of(("evidence", 1, "file")) == (11, 5)
    assert doc.position_of(("name", "de")) == (2, 3)
    assert doc.position_of(("nothing", "here")) == (1, 1)
    assert doc.key_position_of(()) == (1, 1)
    assert doc.key_position_of(("evidence", 1)) == (11, 5)  # a list item has no key: its value


def test_position_after_a_comment_and_a_bom() -> None:
    text = decode_utf8("\ufeff# commentaire\nbadge: semer\n".encode())
    doc = parse_yaml(text)
    assert doc.data == {"badge": "semer"}
    assert doc.positions[()] == (2, 1)
    assert doc.positions[("badge",)] == (2, 8)


def test_columns_count_characters_not_bytes() -> None:
    doc = parse_yaml('nom: "Hélène"\nété: oui\n')
    assert doc.positions[("été",)] == (2, 6)


# --- values --------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"])
def test_yaml11_booleans_stay_text(word: str) -> None:
    assert parse_yaml(f"listed: {word}\n").data == {"listed": word}


@pytest.mark.parametrize(
    ("word", "value"), [("true", True), ("false", False), ("True", True), ("FALSE", False)]
)
def test_true_and_false_are_booleans(word: str, value: bool) -> None:
    assert parse_yaml(f"listed: {word}\n").data == {"listed": value}


@pytest.mark.parametrize(
    "text", ["2026-03-14", "2026-03-14T09:30:00+01:00", "2026-03-14 09:30:00", "2026-02-30", "2026-3-4"]
)
def test_dates_stay_text(text: str) -> None:
    assert parse_yaml(f"issued_on: {text}\n").data == {"issued_on": text}


def test_numbers_and_nulls() -> None:
    doc = parse_yaml("a: 12\nb: -3\nc: ~\nd:\ne: null\nf: '12'\n")
    assert doc.data == {"a": 12, "b": -3, "c": None, "d": None, "e": None, "f": "12"}


@pytest.mark.parametrize("text", ["0x_", "0b_", "-0x_", "+0b_"])
def test_numbers_yaml_cannot_read_stay_text(text: str) -> None:
    """YAML's resolver calls these numbers but cannot convert them: keep the text."""
    assert parse_yaml(f"a: {text}\n").data == {"a": text}


def test_empty_document_is_none() -> None:
    assert parse_yaml("").data is None
    assert parse_yaml("# rien\n").data is None


# --- refused constructs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "first_line"),
    [
        ("a: 1\nb: 2\na: 3\n", (3, 1), "1"),
        ("name:\n  fr: x\n  en: y\n  fr: z\n", (4, 3), "2"),
        ("evidence:\n  - kind: text\n    name: a\n    kind: photo\n", (4, 5), "2"),
        ("a: {b: 1, b: 2}\n", (1, 11), "1"),
        ("'a': 1\na: 2\n", (2, 1), "1"),
    ],
)
def test_duplicate_keys_are_refused_anywhere(text: str, position: tuple[int, int], first_line: str) -> None:
    found = problem(text)
    assert (found.code, found.position, found.params["first_line"]) == (
        "yaml-duplicate-key",
        position,
        first_line,
    )


@pytest.mark.parametrize(
    ("text", "position", "name"),
    [
        ("url: &site https://example.org/\n", (1, 6), "&site"),
        ("url: *site\n", (1, 6), "*site"),
        ("a: &x 1\nb: *x\n", (1, 4), "&x"),
        ("base: {a: 1}\nother:\n  <<: {a: 1}\n", (3, 3), "<<"),
        ("other:\n  <<: *base\n", (2, 7), "*base"),
    ],
)
def test_anchors_aliases_and_merge_keys_are_refused(text: str, position: tuple[int, int], name: str) -> None:
    found = problem(text)
    assert (found.code, found.position, found.params) == ("yaml-alias", position, {"name": name})


@pytest.mark.parametrize(
    ("text", "position", "tag"),
    [
        ("a: !include x.md\n", (1, 4), "!include"),
        ("a: !!python/tuple [1, 2]\n", (1, 4), "!!python/tuple"),
        ("a: !!binary aGk=\n", (1, 4), "!!binary"),
        ("a:\n  - !!set {x: null}\n", (2, 5), "!!set"),
        ("!foo a: 1\n", (1, 1), "!foo"),
    ],
)
def test_explicit_tags_are_refused(text: str, position: tuple[int, int], tag: str) -> None:
    found = problem(text)
    assert (found.code, found.position, found.params) == ("yaml-tag", position, {"tag": tag})


def test_standard_tags_are_accepted() -> None:
    assert parse_yaml("a: !!str 12\n").data == {"a": "12"}


@pytest.mark.parametrize("text", ["[a, b]: 1\n", "? {a: 1}\n: 2\n", "x:\n  ? - a\n  : b\n"])
def test_keys_must_be_plain(text: str) -> None:
    assert problem(text).code == "yaml-key"


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a: 1\nissued_on '2026-01-01'\n", (2, 1)),  # no colon: the key's line, not the next one
        ("a: 1\nb: 'x\n", (2, 4)),  # a quote never closed: the opening quote
        ("a:\n\tb: 1\n", (2, 1)),  # a tab
        ("a: titre: sous-titre\n", (1, 9)),
        ("a: 1\n---\nb: 2\n", (2, 1)),  # two documents
        ('a: "C:\\dossier"\n', (1, 8)),
        ("a: 1\nb: x\x0b\n", (2, 5)),  # a control character
    ],
)
def test_syntax_errors_point_at_the_mistake(text: str, position: tuple[int, int]) -> None:
    found = problem(text)
    assert (found.code, found.position) == ("yaml-syntax", position)
    assert "\n" not in found.params["problem"]


# --- encoding ------------------------------------------------------------------------


def test_decode_utf8_tolerates_a_bom() -> None:
    assert decode_utf8(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        (b"a: caf\xe9\n", (1, 7)),
        (b"a: 1\nb: \xe9t\xe9\n", (2, 4)),
        ("a: été\nb: ".encode() + b"\xe9\n", (2, 4)),
        ("é: é ".encode() + b"\xff", (1, 6)),  # columns in characters, not bytes
        (b"\xef\xbb\xbfab\xff", (1, 3)),  # the BOM is not a column
        (b"\xef\xbb\xbfa: 1\nb: \xff", (2, 4)),  # nor does it shift the line
        (b"\xff\xfea\x00", (1, 1)),  # UTF-16
    ],
)
def test_decode_utf8_points_at_the_first_bad_byte(raw: bytes, position: tuple[int, int]) -> None:
    with pytest.raises(YamlProblem) as caught:
        decode_utf8(raw)
    assert (caught.value.code, caught.value.position) == ("yaml-encoding", position)


# --- properties ----------------------------------------------------------------------

#: PyYAML's dumper writes these line breaks raw inside quotes, and its loader then
#: folds them into spaces: a PyYAML round-trip limit, not badgegen's.
_dumpable_text = st.text(st.characters(exclude_characters="\x85\u2028\u2029", exclude_categories=("Cs",)))
_scalars = st.one_of(
    _dumpable_text,
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(["yes", "no", "on", "off", "2026-03-14", "12", "0x_", "~", "<<", "*a", "&a", "!x", ""]),
)
_json_like = st.dictionaries(
    _dumpable_text,
    st.recursive(
        _scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_dumpable_text, inner, max_size=4),
        max_leaves=12,
    ),
    max_size=6,
)


def _paths(value: Any, path: JsonPath = ()) -> list[JsonPath]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _same(a: Any, b: Any) -> bool:
    """Equality that tells True from 1 (Python's == does not)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(_json_like)
def test_dumped_data_reads_back_the_same_with_every_position(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    doc = parse_yaml(text)
    assert _same(doc.data, data)
    lines = text.count("\n") + 1
    for path in _paths(data):
        line, column = doc.positions[path]
        assert 1 <= line <= lines and column >= 1, path
        if path and isinstance(path[-1], str):
            assert path in doc.key_positions


_LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_YAML_CODES = {"yaml-syntax", "yaml-alias", "yaml-tag", "yaml-key", "yaml-duplicate-key"}


def _check_text(text: str) -> None:
    try:
        parse_yaml(text)
    except YamlProblem as found:
        assert found.code in _YAML_CODES
        line, column = found.position
        assert 1 <= line <= len(_LINE_BREAKS.findall(text)) + 2 and column >= 1


@settings(max_examples=500, deadline=None)
@given(st.binary())
@example(b"\xef\xbb\xbf\xff")
@example(b"\n\n\xc3")
def test_decode_utf8_raises_only_yaml_problems(raw: bytes) -> None:
    try:
        text = decode_utf8(raw)
    except YamlProblem as found:
        assert found.code == "yaml-encoding"
        line, column = found.position
        assert 1 <= line <= raw.count(b"\n") + 1 and column >= 1
    else:
        _check_text(text)


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("a: 0x_")
@example("\x00")
@example("a: b\n---\nc")
def test_parse_yaml_raises_only_yaml_problems(text: str) -> None:
    _check_text(text)


_YAMLISH = st.lists(
    st.sampled_from(
        [
            "a", "b", "é", ":", ": ", "-", "- ", " ", "  ", "\n", "\t", "&x", "*x", "!", "!!", "!!str", "<<",
            "?", "[", "]", "{", "}", ",", "'", '"', "#", "|", ">", "%", "@", "`", "yes", "true", "~",
            "0x_", "0b_", "1_:0", ".5", "2026-02-30", "---", "...", "\\", "\x0b",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(_YAMLISH)
def test_parse_yaml_raises_only_yaml_problems_on_yaml_like_text(text: str) -> None:
    _check_text(text)
