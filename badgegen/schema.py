"""Stage 2a: check each document against its JSON Schema, in plain words.

The schemas (Draft 2020-12, in `badgegen/schemas/`) are the single description
of what a content file may contain; a test checks that every property has a
`description`. This module only turns jsonschema's findings into located,
translated `ContentError`s: jsonschema's own messages are written for developers.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from badgegen.errors import ContentError, dotted_path, make_error
from badgegen.load import RawDocument

SCHEMA_FILES = {
    "registry": "registry.schema.json",
    "issuer": "issuer.schema.json",
    "badge": "badge.schema.json",
    "award": "award.schema.json",
    "endorsement": "endorsement.schema.json",
}
_COMMON = "common.schema.json"

#: How each shared value is written, used as the hint of a "bad-format" error.
FORMAT_HINTS: dict[str, tuple[str, str]] = {
    "slug": (
        "écrivez un identifiant en minuscules sans accent, chiffres et tirets (le nom d'un fichier sans .yaml).",
        "write an id in lower-case letters without accents, digits and hyphens (a file name without .yaml).",
    ),
    "url": (
        "écrivez une adresse web complète qui commence par https://",
        "write a full web address starting with https://",
    ),
    "email": (
        "écrivez une adresse e-mail publique de l'organisation, par exemple contact@structure.fr",
        "write the organisation's public e-mail address, for example contact@structure.fr",
    ),
    "date": (
        "écrivez la date sous la forme AAAA-MM-JJ, par exemple 2026-03-14.",
        "write the date as YYYY-MM-DD, for example 2026-03-14.",
    ),
    "image": (
        "écrivez le nom d'un fichier .png ou .svg rangé à côté de ce fichier YAML, sans espace ni accent.",
        "write the name of a .png or .svg file stored next to this YAML file, with no space or accent.",
    ),
}
_TYPE_NAMES = {
    "string": ("un texte", "a text"),
    "object": ("une liste de champs « nom: valeur »", "a list of 'name: value' fields"),
    "array": ("une liste (lignes qui commencent par « - »)", "a list (lines starting with '- ')"),
    "boolean": ("true ou false", "true or false"),
    "integer": ("un nombre entier", "a whole number"),
    "number": ("un nombre", "a number"),
    "null": ("rien", "nothing"),
}


@cache
def _schema_text(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("badgegen").joinpath("schemas", name).read_text("utf-8")
    )
    return loaded


@cache
def validator_for(kind: str) -> Draft202012Validator:
    """A compiled validator for one kind of document, with the shared definitions."""
    common = _schema_text(_COMMON)
    registry: Registry[Any] = Registry().with_resource(common["$id"], Resource.from_contents(common))
    return Draft202012Validator(_schema_text(SCHEMA_FILES[kind]), registry=registry)


def schema_errors(doc: RawDocument) -> list[ContentError]:
    """Every schema problem of `doc`, located and translated."""
    validator = validator_for(doc.kind)
    return [
        _translate(doc, part) for error in validator.iter_errors(doc.data) for part in _split_required(error)
    ]


def _translate(doc: RawDocument, error: ValidationError) -> ContentError:
    path = tuple(error.absolute_path)
    handler = _HANDLERS.get(str(error.validator), _bad_format)
    return handler(doc, error, path)


def _split_required(error: ValidationError) -> list[ValidationError]:
    """One error per missing field, so each is reported (and fixed) on its own."""
    if error.validator != "required":
        return [error]
    missing = [name for name in error.validator_value if name not in error.instance]
    parts = []
    for name in missing:
        part = ValidationError(
            error.message,
            validator="required",
            validator_value=[name],
            instance=error.instance,
            schema=error.schema,
            path=error.relative_path,
            schema_path=error.relative_schema_path,
        )
        part.parent = error.parent
        parts.append(part)
    return parts


def _missing(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    """Only the first missing name: `_translate` splits a `required` error per name first."""
    name = next(name for name in error.validator_value if name not in error.instance)
    prop = error.schema.get("properties", {}).get(name, {})
    choices = prop.get("enum")
    return make_error(
        doc.display_path,
        doc.key_position_of(*path),
        "missing-field",
        dotted_path((*path, name)),
        name=name,
        about_fr=f" — valeurs possibles : {', '.join(choices)}" if choices else "",
        about_en=str(prop.get("description", "")).rstrip("."),
    )


def _unknown(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    allowed = sorted(error.schema.get("properties", {}))
    extra = sorted(set(error.instance) - set(allowed))
    name = extra[0]
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return make_error(
        doc.display_path,
        doc.key_position_of(*path, name),
        "unknown-field",
        dotted_path((*path, name)),
        name=name,
        allowed=", ".join(allowed),
        suggestion_fr=f"vouliez-vous écrire « {close[0]} » ? " if close else "",
        suggestion_en=f"did you mean '{close[0]}'? " if close else "",
    )


def _wrong_type(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    names = [_TYPE_NAMES.get(name, (name, name)) for name in expected]
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "wrong-type",
        dotted_path(path),
        value=_show(error.instance),
        expected_fr=" ou ".join(n[0] for n in names),
        expected_en=" or ".join(n[1] for n in names),
        about=error.schema.get("description", ""),
    )


def _not_allowed(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    raw = error.validator_value
    allowed = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
    close = difflib.get_close_matches(str(error.instance), allowed, n=1, cutoff=0.5)
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "not-allowed",
        dotted_path(path),
        value=_show(error.instance),
        allowed=", ".join(allowed),
        suggestion_fr=f"vouliez-vous écrire « {close[0]} » ? " if close else "",
        suggestion_en=f"did you mean '{close[0]}'? " if close else "",
    )


def _bad_format(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    kind = _format_kind(error.schema)
    hint_fr, hint_en = FORMAT_HINTS.get(kind, ("", ""))
    description = str(error.schema.get("description", ""))
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "bad-format",
        dotted_path(path),
        value=_show(error.instance),
        format_fr=hint_fr or description,
        format_en=hint_en or description,
    )


def _empty(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    return make_error(doc.display_path, doc.position_of(*path), "empty-value", dotted_path(path))


def _range(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    sign = "≥" if error.validator == "minimum" else "≤"
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "out-of-range",
        dotted_path(path),
        value=_show(error.instance),
        limit=f"{sign} {error.validator_value}",
    )


def _list(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    problems = {
        "uniqueItems": ("une valeur y est écrite deux fois", "a value is written twice"),
        "minItems": ("elle est vide", "it is empty"),
    }
    fr, en = problems.get(str(error.validator), (error.message, error.message))
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "list-problem",
        dotted_path(path),
        problem_fr=fr,
        problem_en=en,
    )


def _format_kind(schema: dict[str, Any]) -> str:
    """Which shared definition a failing sub-schema is, found by its description."""
    for name in FORMAT_HINTS:
        if schema.get("description") == _schema_text(_COMMON)["$defs"][name]["description"]:
            return name
    return schema.get("x-format", "")  # type: ignore[no-any-return]


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"« {value} »"
    return text if len(text) <= 60 else text[:57] + "…"


_HANDLERS = {
    "required": _missing,
    "additionalProperties": _unknown,
    "type": _wrong_type,
    "enum": _not_allowed,
    "const": _not_allowed,
    "pattern": _bad_format,
    "format": _bad_format,
    "minLength": _empty,
    "minimum": _range,
    "maximum": _range,
    "uniqueItems": _list,
    "minItems": _list,
}
