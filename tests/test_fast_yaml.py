"""badgegen.yamlsafe reads with libyaml when it can: exactly what the pure-Python parser reads.

`parse_yaml_python` is the reference (its rules are tested in test_yaml_strict.py);
`parse_yaml` must give the same data, the same positions of every value and key, and
the same problem (code, position, parameters) on every text.
"""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen import yamlsafe
from badgegen.yamlsafe import YamlDocument, YamlProblem, parse_yaml, parse_yaml_python

ROOT = Path(__file__).resolve().parent.parent
PLAIN_FILES = sorted(
    [*(ROOT / "content").rglob("*.yaml"), *(ROOT / "tests" / "fixtures" / "minimal").rglob("*.yaml")]
)
FIXTURE_FILES = sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))

pytestmark = pytest.mark.skipif(not yamlsafe.LIBYAML, reason="PyYAML is built without libyaml here")


def _typed(value: Any) -> Any:
    """`value` in a form where equality tells True from 1, and NaN equals NaN."""
    if isinstance(value, dict):
        return ("dict", [(key, _typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(item) for item in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def outcome(parse: Any, text: str) -> tuple[Any, ...]:
    """Everything `parse` tells about `text`: data and positions, or the problem."""
    try:
        document = parse(text)
    except YamlProblem as problem:
        return ("problem", problem.code, problem.position, problem.params)
    except RecursionError:
        return ("too deep",)
    return ("document", _typed(document.data), document.positions, document.key_positions)


def assert_same(text: str) -> None:
    assert outcome(parse_yaml, text) == outcome(parse_yaml_python, text), repr(text)


# --- the example content: plain YAML, read by libyaml ---------------------------------


@pytest.mark.parametrize("path", PLAIN_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_example_files_take_the_fast_path_with_the_same_result(path: Path) -> None:
    text = yamlsafe.decode_utf8(path.read_bytes())
    fast = yamlsafe._parse_libyaml(text)
    assert fast is not None, "libyaml should read this plain file"
    reference = parse_yaml_python(text)
    assert _typed(fast.data) == _typed(reference.data)
    assert (fast.positions, fast.key_positions) == (reference.positions, reference.key_positions)
    assert fast == reference  # data and marks


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fixture_files_read_the_same(path: Path) -> None:
    try:
        text = yamlsafe.decode_utf8(path.read_bytes())
    except YamlProblem:
        return
    assert_same(text)


# --- where the two parsers differ, the pure-Python one answers --------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a: [b?c]\n",  # libyaml reads a question mark in a flow sequence, PyYAML refuses it
        "a: b\t\n",  # a tab after a plain scalar: PyYAML refuses it
        "a: |-#\n  x\n",  # a comment glued to a block scalar's header: PyYAML refuses it
        "a: !\n",  # an empty scalar with the non-specific tag: null for PyYAML, '' for libyaml
        "--- \n  ",  # positions at the end of a text with no final line break
        "a: 1\n\ufeffb: 2\n",  # a byte order mark inside the text
        "<<\n",
        "a: &x 1\nb: 2\n",
        "a: *x\n",
        "a: 1\na: 2\n",
        "{a: 1}\n",
        "a: !!str 1\n",
        "[a, b]: c\n",
        "a: 1\n---\nb: 2\n",
        "a: 'unterminated\n",
        "a: b\x0b\n",
        "%YAML 1.3\n---\na: 1\n",
    ],
)
def test_what_libyaml_may_misread_goes_to_the_reference_parser(text: str) -> None:
    assert yamlsafe._parse_libyaml(text) is None
    assert_same(text)


def test_without_libyaml_the_reference_parser_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    text = PLAIN_FILES[0].read_text("utf-8")
    expected = parse_yaml(text)
    monkeypatch.setattr(yamlsafe, "LIBYAML", False)
    assert parse_yaml(text) == expected


def test_documents_are_compact_and_picklable() -> None:
    document = parse_yaml("a:\n  b: [1, 2]\n  c: x\n")
    # nine (line, column) pairs (3 keys, 6 values with the root), a byte each, after the type code
    assert document.marks == b"B" + bytes([1, 1, 1, 1, 2, 3, 2, 3, 2, 6, 2, 7, 2, 10, 3, 3, 3, 6])
    copy = pickle.loads(pickle.dumps(document))
    assert copy == document
    assert copy.positions == document.positions and copy.key_positions == document.key_positions
    assert isinstance(copy, YamlDocument)


# --- generated YAML ----------------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_scalars = st.one_of(
    _text,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(
        ["yes", "on", "2026-03-14", "017", "1:30", "0x_", "~", "<<", "*a", "&a", "!x", "", "a\n", "\t"]
    ),
)
_data = st.dictionaries(
    _text,
    st.recursive(
        _scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
        max_leaves=15,
    ),
    max_size=6,
)
_dump_options = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, None, True]),
        "default_style": st.sampled_from([None, '"', "'", "|", ">"]),
        "allow_unicode": st.booleans(),
        "indent": st.sampled_from([2, 4]),
        "width": st.sampled_from([20, 80]),
        "explicit_start": st.booleans(),
    }
)


@settings(max_examples=400, deadline=None)
@given(_data, _dump_options)
def test_dumped_yaml_reads_the_same(data: dict[str, Any], options: dict[str, Any]) -> None:
    assert_same(yaml.safe_dump(data, sort_keys=False, **options))


_PIECES = [
    "a", "é", ":", ": ", "-", "- ", " ", "  ", "\n", "?", "? ", "[", "]", "{", "}", ",", "'", '"', "#",
    " #", "|", ">", "|-", ">-", "|+", "|2", ">1-", "%", "@", "`", "yes", "~", "---", "...", "\\", "\r",
    "\r\n", "\x85", "\u2028", "\u2029", "\\x41", "\\u00e9", "\\/", "\\ ", "\\\n", "\n  ", "\n    ",
    "\n- ", "\n  - ", "''", '""', "\u00a0", "\U0001f600", "0", "1:2", "null", "!", "&", "*", "\x7f",
    "\x0b", ":\n", "\n\n", " \n", "key:", "\n#c\n", "\t", "\ufeff", "<<", "!!str", "&x", "*x", "0x_",
]  # fmt: skip
_SOURCES = [path.read_text("utf-8") for path in PLAIN_FILES]


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(_SOURCES),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_PIECES), st.integers(0, 3)), max_size=4),
)
@example(_SOURCES[0], [(0.5, "\t", 0)])
def test_edited_content_files_read_the_same(source: str, edits: list[tuple[float, str, int]]) -> None:
    text = source
    for where, piece, removed in edits:
        at = int(where * len(text))
        text = text[:at] + piece + text[at + removed :]
    assert_same(text)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join), st.booleans())
@example("a: [b?c]", True)
@example("+.inf: !", True)
@example("?", True)
@example("?", False)
def test_yaml_like_text_reads_the_same(text: str, line_break: bool) -> None:
    assert_same(text + "\n" if line_break else text)


@pytest.mark.parametrize(("blank_lines", "code"), [(0, b"B"), (300, b"H"), (70_000, b"I")])
def test_positions_beyond_a_byte_or_two_are_kept(blank_lines: int, code: bytes) -> None:
    text = "\n" * blank_lines + "a:\n  - b\n"
    document = parse_yaml(text)
    assert document.marks[:1] == code
    assert document.positions[("a", 0)] == (blank_lines + 2, 5)
    assert outcome(parse_yaml, text) == outcome(parse_yaml_python, text)
