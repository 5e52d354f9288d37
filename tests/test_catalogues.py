"""The schemas, message catalogue, UI words and docs stay complete and in sync."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from badgegen.i18n import UI
from badgegen.messages import CATALOGUE, errors_markdown

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = sorted((REPO / "badgegen/schemas").glob("*.schema.json"))


def _properties(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, sub in schema.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, sub in enumerate(schema):
            yield from _properties(sub, f"{where}[{index}]")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_property_is_described(path: Path) -> None:
    schema = json.loads(path.read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema.get("description")
    undescribed = [where for where, sub in _properties(schema, path.name) if not sub.get("description")]
    assert undescribed == []


@pytest.mark.parametrize("path", [p for p in SCHEMAS if p.name != "common.schema.json"], ids=lambda p: p.name)
def test_objects_refuse_unknown_fields(path: Path) -> None:
    def objects(schema: Any) -> Iterator[dict[str, Any]]:
        if isinstance(schema, dict):
            if "properties" in schema and "object" in (schema.get("type"), *schema.get("type", [])):
                yield schema
            for sub in schema.values():
                yield from objects(sub)
        elif isinstance(schema, list):
            for sub in schema:
                yield from objects(sub)

    for found in objects(json.loads(path.read_text("utf-8"))):
        assert found.get("additionalProperties") is False, found.get("description")


_CODE_ARGUMENT = {"make_error": 2, "YamlProblem": 0, "error": 2, "warn": 2}


def _codes_used_in_code() -> set[str]:
    """Error codes passed to the functions that raise or record content problems."""
    codes = set()
    for path in (REPO / "badgegen").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = _CODE_ARGUMENT.get(str(name))
            if index is not None and len(node.args) > index:
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
    return codes


def test_every_code_used_has_a_message_in_both_languages() -> None:
    used = _codes_used_in_code()
    assert len(used) > 20
    assert used <= set(CATALOGUE), used - set(CATALOGUE)
    for code, entry in CATALOGUE.items():
        assert all(entry), code


def test_error_codes_are_documented() -> None:
    """docs/errors.md is regenerated with `python scripts/make_errors_doc.py`."""
    assert (REPO / "docs/errors.md").read_text("utf-8") == errors_markdown()


def _enum(schema: str, *path: str) -> list[str]:
    node: Any = json.loads((REPO / "badgegen/schemas" / schema).read_text("utf-8"))
    for key in path:
        node = node[key]
    return list(node["enum"])


#: Keys built in templates as prefix ~ value, with every value they can take.
DYNAMIC_KEYS = {
    "family.": _enum("badge.schema.json", "properties", "family"),
    "issuer.kind.": _enum("issuer.schema.json", "properties", "kind"),
    "award.evidence.kind.": _enum(
        "award.schema.json", "properties", "evidence", "items", "properties", "kind"
    ),
    "award.status.": ["valid", "expired", "revoked"],
}


def test_templates_use_only_known_ui_words() -> None:
    used: set[str] = set()
    for template in (REPO / "templates").glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.-]+)["']""", template.read_text("utf-8")))
    assert used, "templates call t(...)"
    expanded = set()
    for key in used:
        values = DYNAMIC_KEYS.get(key) if key.endswith(".") else [""]
        assert values is not None, f"dynamic key {key!r} needs its values listed in DYNAMIC_KEYS"
        expanded |= {key + value for value in values}
    assert expanded <= set(UI), expanded - set(UI)
    for key, (fr, en) in UI.items():
        assert fr and en, key
