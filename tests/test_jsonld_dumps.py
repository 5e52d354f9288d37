"""`jsonld.dumps` (orjson) writes the very bytes of `json.dumps(..., ensure_ascii=False, indent=2)`.

Every published JSON document (hosted assertions, badges, issuers, endorsements, OB 3.0
credentials) goes through it: a byte changed would change every published file. Hypothesis
draws documents of what ours hold (strings of any character but lone surrogates, which UTF-8
cannot carry; 64-bit integers; booleans; null; lists and dicts, empty ones too); the golden
files of tests/test_golden.py hold the bytes of a whole built site.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from badgegen.jsonld import dumps

_TEXT = st.text(st.characters(exclude_categories=("Cs",)))
_SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)


def _reference(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@settings(max_examples=400)
@given(_DOCUMENTS)
@example(
    {"@context": "https://w3id.org/openbadges/v2", "name": 'Semer « en plein champ »\u2028\x7f\x00\t"\\'}
)
@example({"empty": [], "nothing": {}, "nested": [[], [{}], {"a": [1, -2, True, None]}]})
def test_the_same_bytes_as_pythons_json(document: Any) -> None:
    assert dumps(document) == _reference(document)


def test_a_document_of_the_example_keeps_its_bytes() -> None:
    """A hosted assertion's shape, with accents and a line break in a narrative."""
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://registre.example.org/assertions/2025-001.json",
        "recipient": {"type": "email", "hashed": True, "salt": "s", "identity": "sha256$00"},
        "evidence": [{"narrative": "J'ai préparé le sol.\nPuis semé.", "genre": "Photo"}],
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2025-04-01T00:00:00+02:00",
    }
    assert dumps(document) == _reference(document)
    assert dumps(document).endswith(b"}\n") and b'\n  "type": "Assertion",\n' in dumps(document)
