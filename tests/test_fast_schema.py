"""badgegen.schema asks the compiled validator (jsonschema-rs) first: it must never call valid
what jsonschema refuses, and on real content both give the same verdict.

jsonschema stays the reference: a document the fast validator does not call valid is
checked again by jsonschema, whose errors are the ones reported.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen import schema
from badgegen.load import RawDocument
from badgegen.schema import SCHEMA_FILES, fast_validator_for, fast_verdict, schema_errors, validator_for
from badgegen.yamlsafe import YamlDocument, YamlProblem, decode_utf8, parse_yaml

jsonschema_rs = pytest.importorskip("jsonschema_rs")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
KINDS_BY_FOLDER = {
    "issuers": "issuer",
    "badges": "badge",
    "awards": "award",
    "endorsements": "endorsement",
    "earners": "earner",
}


def reference_verdict(kind: str, data: Any) -> bool:
    return not list(validator_for(kind).iter_errors(data))


def _kind_of(path: Path) -> str | None:
    if path.name == "registry.yaml":
        return "registry"
    for part in reversed(path.parent.parts):
        if part in KINDS_BY_FOLDER:
            return KINDS_BY_FOLDER[part]
    return None


def _content_documents() -> list[tuple[str, str, Any]]:
    """(name, kind, data) of every content file of the example and of every fixture."""
    found = []
    files = [*(ROOT / "content").rglob("*.yaml"), *FIXTURES.rglob("*.yaml")]
    for path in sorted(files):
        kind = _kind_of(path)
        if kind is None or ("content" not in path.parts and "private" not in path.parts):
            continue
        try:
            data = parse_yaml(decode_utf8(path.read_bytes())).data
        except YamlProblem:
            continue
        if isinstance(data, dict):
            found.append((path.relative_to(ROOT).as_posix(), kind, data))
    return found


DOCUMENTS = _content_documents()


def _schema_patterns() -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "pattern" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in [*SCHEMA_FILES.values(), "common.schema.json"]:
        walk(json.loads((ROOT / "badgegen" / "schemas" / name).read_text("utf-8")))
    return sorted(set(found))


PATTERNS = _schema_patterns()


# --- the fast validator is there, and used ------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_every_kind_has_a_fast_validator(kind: str) -> None:
    assert fast_validator_for(kind) is not None


def test_the_schemas_use_only_keywords_whose_meaning_both_validators_share() -> None:
    """`not`, `oneOf`, `if`...: a stricter check inside them could make the fast validator looser."""
    shared = {
        "$schema", "$id", "$ref", "$defs", "title", "description", "x-format", "type", "properties",
        "required", "additionalProperties", "items", "prefixItems", "enum", "const", "pattern", "format",
        "minLength", "maxLength", "minimum", "maximum", "minItems", "uniqueItems",
    }  # fmt: skip
    used: set[str] = set()

    def walk(value: Any, *, names: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not names:
                    used.add(key)
                if key in ("enum", "const"):
                    continue
                walk(item, names=key in ("properties", "$defs"))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name in [*SCHEMA_FILES.values(), "common.schema.json"]:
        walk(json.loads((ROOT / "badgegen" / "schemas" / name).read_text("utf-8")))
    assert used <= shared, sorted(used - shared)


# --- same verdict on the example content and on every fixture -----------------------------


@pytest.mark.parametrize(("name", "kind", "data"), DOCUMENTS, ids=[name for name, _, _ in DOCUMENTS])
def test_same_verdict_on_every_content_file_and_fixture(name: str, kind: str, data: Any) -> None:
    assert fast_verdict(kind, data) == reference_verdict(kind, data)


def test_the_fixtures_show_both_verdicts() -> None:
    verdicts = {reference_verdict(kind, data) for _, kind, data in DOCUMENTS}
    assert verdicts == {True, False}


# --- patterns: Rust's copy matches what Python's re matches, or less ----------------------


def test_python_spaces_are_what_re_calls_white_space() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert set(schema.PYTHON_SPACES) == set(re.findall(r"\s", every))
    assert set(schema.PYTHON_SPACES) == {char for char in every if char.isspace()}


_PROBE_CHARS = sorted(
    set(schema.PYTHON_SPACES)
    | set("0123456789azAZ-_.:/+$@é\ufeff\u200b\u180e")
    | {chr(c) for c in range(0x20)}
    | {"\u0660", "\u0966", "\uff10", "\U0001d7ce", "\U00011f50"}  # digits of other scripts
)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_rust_patterns_match_no_more_than_python(pattern: str) -> None:
    rust = jsonschema_rs.Draft202012Validator({"pattern": schema._rust_pattern(pattern)})
    samples = _pattern_samples(pattern)
    for sample in samples:
        if rust.is_valid(sample):
            assert re.search(pattern, sample), (pattern, sample)


def _pattern_samples(pattern: str) -> list[str]:
    """Texts that match `pattern` and one-character variations of them."""
    bases = {
        "^sha256\\$[0-9a-f]{64}$": "sha256$" + "a" * 64,
        "^[0-9a-f]{32}$": "0" * 32,
        "^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$": "z6Mk" + "a" * 44,
    }
    seeds = [
        bases.get(pattern, ""),
        "https://example.org/a",
        "contact@example.org",
        "2026-03-14",
        "2026-03-14T09:30:00+01:00",
        "semer-en-plein-champ",
        "photo.png",
        "Europe/Paris",
        "badges.example.org",
        "abcdef",
    ]
    samples = []
    for seed in seeds:
        samples.append(seed)
        samples.append(seed + "\n")
        for index in range(0, len(seed) + 1, max(1, len(seed) // 8)):
            for char in _PROBE_CHARS:
                samples.append(seed[:index] + char + seed[index + 1 :])
    return samples


@pytest.mark.parametrize("char", _PROBE_CHARS)
def test_white_space_classes_agree_on_every_character(char: str) -> None:
    for pattern in (r"^https?://[^\s]+$", r"^(?:https?://\S+)$", r"^[^@\s]+@[^@\s]+\.[^@\s]+$"):
        rust = jsonschema_rs.Draft202012Validator({"pattern": schema._rust_pattern(pattern)})
        for text in (f"https://a{char}b", f"a{char}@b.fr", f"a@b.f{char}"):
            assert rust.is_valid(text) == bool(re.search(pattern, text)), (pattern, text)


# --- generated documents: never valid for Rust when jsonschema refuses ---------------------

_VALUES = st.one_of(
    st.text(st.sampled_from(_PROBE_CHARS), max_size=8),
    st.sampled_from(
        [
            "https://example.org/x\n",
            "2026-03-14\n",
            "\u0662\u0660\u0662\u0666-03-14",
            "a\x1cb",
            "https://a\x1fb",
            "",
            "x" * 70,
        ]
    ),
    st.integers(-(2**70), 2**70),
    st.sampled_from([math.nan, math.inf, -math.inf, 12.0, 12.5, 0, -1, 1000, True, False, None]),
    st.lists(st.sampled_from(["a", "a", "b", 1, True, 1.0]), max_size=3),
    st.dictionaries(
        st.sampled_from(["fr", "en", "de", "name", "url"]), st.sampled_from(["x", "", 1]), max_size=2
    ),
)
_VALID = [(name, kind, data) for name, kind, data in DOCUMENTS if reference_verdict(kind, data)]


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replace(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replace(copy[path[0]], path[1:], value)
    return copy


def _without(data: Any, path: tuple[str | int, ...]) -> Any:
    """`data` without the mapping key at `path`."""
    container = data
    for part in path[:-1]:
        container = container[part]
    changed = dict(container)
    changed.pop(path[-1])
    return _replace(data, path[:-1], changed)


def _document_of(data: Any) -> YamlDocument:
    """A YamlDocument holding `data`, every value and key at line 1, column 1."""
    count = len(_paths(data)) + sum(
        len(value) for value in _values(data) if isinstance(value, dict)
    )  # one mark per value, one per key
    return YamlDocument(data, b"B" + bytes([1] * (2 * count)))


def _values(data: Any) -> list[Any]:
    found = [data]
    if isinstance(data, dict):
        for item in data.values():
            found += _values(item)
    elif isinstance(data, list):
        for item in data:
            found += _values(item)
    return found


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(_VALID), st.data())
@example(next(d for d in _VALID if d[1] == "award"), None)
def test_edited_documents_are_never_valid_for_rust_alone(document: tuple[str, str, Any], data: Any) -> None:
    name, kind, content = document
    if data is not None:
        for _ in range(data.draw(st.integers(1, 3))):
            path = data.draw(st.sampled_from(_paths(content)))
            if path and isinstance(path[-1], str) and data.draw(st.booleans()):
                content = _without(content, path)
            else:
                content = _replace(content, path, data.draw(_VALUES))
    reference = reference_verdict(kind, content)
    if fast_verdict(kind, content):
        assert reference, (name, content)
    doc = RawDocument(kind, "x", Path(name), name, _document_of(content))  # type: ignore[arg-type]
    assert (not schema_errors(doc)) == reference
