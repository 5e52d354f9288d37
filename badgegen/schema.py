"""Stage 2a: check each document against its JSON Schema, in plain words.

The schemas (Draft 2020-12, in `badgegen/schemas/`) are the single description
of what a content file may contain; a test checks that every property has a
`description`. This module only turns jsonschema's findings into located,
translated `ContentError`s: jsonschema's own messages are written for developers.

Speed: a compiled validator (jsonschema-rs, in Rust, a few microseconds a
document) answers first, and only a document it does not call valid goes through
jsonschema, whose errors are the ones reported: jsonschema is the reference, the
fast validator only ever spares it work. For that to be safe, the fast validator
must never call valid what jsonschema refuses. Our schemas use only keywords whose
meaning both share (`type`, `properties`, `required`, `enum`, `pattern`...: no `not`,
`oneOf` or `if`, where a stricter check could turn into a looser one), `format` is
an annotation for both (neither is given a format checker), and each `pattern` is
rewritten for Rust's regex engine so that it matches the same texts as Python's
`re` or fewer (`_rust_pattern`); `tests/test_fast_schema.py` checks all of it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

from badgegen.errors import ContentError, dotted_path, make_error
from badgegen.privacy import find_personal_data

if TYPE_CHECKING:  # jsonschema is imported when a document fails the compiled validator (0.07 s)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

    from badgegen.load import RawDocument

try:
    import jsonschema_rs
except ImportError:  # pragma: no cover (a platform without its wheel: jsonschema alone)
    jsonschema_rs = None  # type: ignore[assignment]

SCHEMA_FILES = {
    "registry": "registry.schema.json",
    "issuer": "issuer.schema.json",
    "badge": "badge.schema.json",
    "award": "award.schema.json",
    "endorsement": "endorsement.schema.json",
    "earner": "earner.schema.json",
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
#: The French hint of a "bad-format" error on a field with no shared definition
#: (the schema's own description, used in English, is written for the docs).
_FIELD_HINTS_FR: dict[str, str] = {
    "identity": "créez l'attribution avec « badgegen award » : il écrit ici l'empreinte de l'adresse (sha256$ suivi de 64 chiffres et lettres de a à f), jamais l'adresse elle-même.",
    "salt": "écrivez le sel tiré au hasard pour cette attribution (32 chiffres et lettres de a à f), sans le modifier.",
    "file": "écrivez le nom d'un fichier rangé dans content/media/ (photo, son, vidéo ou PDF), sans espace ni accent.",
    "transcript": "écrivez l'adresse (https://…) de la transcription, ou le nom d'un fichier .vtt, .txt ou .pdf rangé dans content/media/.",
    "timezone": "écrivez un fuseau horaire, par exemple Europe/Paris.",
    "award": "écrivez l'identifiant d'une attribution : le nom de son fichier dans awards/<année>/, sans .yaml.",
    "awards": "écrivez l'identifiant d'une attribution : le nom de son fichier dans awards/<année>/, sans .yaml.",
}
#: How to write a value of each JSON type, the hint of a "wrong-type" error.
_TYPE_HINTS = {
    "string": (
        'écrivez le texte entre guillemets, par exemple "…".',
        'write the text between quotes, for example "…"',
    ),
    "object": (
        "écrivez les champs sur les lignes suivantes, un par ligne, décalés de deux espaces.",
        "write the fields on the following lines, one per line, indented by two spaces",
    ),
    "array": (
        "écrivez chaque valeur sur sa propre ligne, qui commence par « - ».",
        "write each value on its own line, starting with '- '",
    ),
    "boolean": ("écrivez true (oui) ou false (non), sans guillemets.", "write true or false, without quotes"),
    "integer": (
        "écrivez un nombre entier, sans guillemets ni unité, par exemple 12.",
        "write a whole number, without quotes or unit, for example 12",
    ),
    "number": ("écrivez un nombre, sans guillemets ni unité.", "write a number, without quotes or unit"),
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
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    common = _schema_text(_COMMON)
    registry: Registry[Any] = Registry().with_resource(common["$id"], Resource.from_contents(common))
    return Draft202012Validator(_schema_text(SCHEMA_FILES[kind]), registry=registry)


def schema_errors(doc: RawDocument) -> list[ContentError]:
    """Every schema problem of `doc`, located and translated."""
    if fast_verdict(doc.kind, doc.data):
        return []
    validator = validator_for(doc.kind)
    return [
        _translate(doc, part) for error in validator.iter_errors(doc.data) for part in _split_required(error)
    ]


def fast_verdict(kind: str, data: Any) -> bool:
    """True when the compiled validator finds `data` valid (then so does jsonschema);
    False when it does not, or cannot say: then only jsonschema may answer."""
    check = fast_validator_for(kind)
    if check is None:
        return False
    try:
        return check(data)
    except Exception:  # a text that is not valid Unicode, a number Rust cannot hold...: ask jsonschema
        return False


@cache
def fast_validator_for(kind: str) -> Callable[[Any], bool] | None:
    """The compiled validator's `is_valid` for one kind of document, or None without one."""
    if jsonschema_rs is None:
        return None
    try:
        common = _rust_schema(_schema_text(_COMMON))
        registry = jsonschema_rs.Registry([(common["$id"], common)])
        validator = jsonschema_rs.Draft202012Validator(
            _rust_schema(_schema_text(SCHEMA_FILES[kind])), validate_formats=False, registry=registry
        )
    except Exception:  # a pattern or keyword it cannot take: jsonschema alone
        return None
    return validator.is_valid


#: What Python's `re` calls white space (`\s` in a text pattern): `str.isspace()`, a test checks.
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: Escapes kept as they are: the same single character in both engines.
_LITERAL_ESCAPES = frozenset(".$-\\/[](){}*+?^|")
#: Keywords whose values are data, not schemas: never rewritten.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})


class _Untranslatable(Exception):
    """A pattern `_rust_pattern` cannot vouch for: the kind is left to jsonschema."""


def _rust_schema(schema: Any) -> Any:
    """`schema` with every `pattern` rewritten by `_rust_pattern` (and no other change)."""
    if isinstance(schema, list):
        return [_rust_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "pattern" and isinstance(value, str):
            copy[key] = _rust_pattern(value)
        elif key in _DATA_KEYWORDS:
            copy[key] = value
        else:
            copy[key] = _rust_schema(value)
    return copy


def _rust_pattern(pattern: str) -> str:
    """A pattern for Rust's regex engine that matches what Python's `re.search` matches, or less.

    Python's `\\d` is any Unicode digit, the Rust side's only ASCII ones: written `[0-9]`
    here, so the Rust side is stricter. Python's `\\s` and `\\S` are spelt out
    (`PYTHON_SPACES`), so both engines agree. Python's final `$` also matches before a
    last line break: written `\\n?$`. Anything else that is not a plain character, a
    class, a group or a quantifier is refused (`_Untranslatable`).
    """
    if any(twice in pattern for twice in ("&&", "--", "~~")):
        raise _Untranslatable(pattern)  # set operations inside a class, for Rust only
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "\\":
            if index >= len(pattern):
                raise _Untranslatable(pattern)
            escaped = pattern[index]
            index += 1
            if escaped == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif escaped == "s":
                out.append(PYTHON_SPACES if in_class else f"[{PYTHON_SPACES}]")
            elif escaped == "S" and not in_class:
                out.append(f"[^{PYTHON_SPACES}]")
            elif escaped in _LITERAL_ESCAPES:
                out.append("\\" + escaped)
            else:
                raise _Untranslatable(pattern)
        elif in_class:
            if char == "[" or (char == "]" and out[-1] in ("[", "[^")):
                raise _Untranslatable(pattern)  # a nested set, or an empty one: read differently
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append("[^" if pattern.startswith("^", index) else "[")
            index += pattern.startswith("^", index)
        elif char == "$":
            if index != len(pattern):
                raise _Untranslatable(pattern)
            out.append("\\n?$")
        elif char.isalnum() or char in "^()?:*+{},-_ .|/@":
            out.append(char)
        else:
            raise _Untranslatable(pattern)
    if in_class:
        raise _Untranslatable(pattern)
    return "".join(out)


def _translate(doc: RawDocument, error: ValidationError) -> ContentError:
    path = tuple(error.absolute_path)
    handler = _HANDLERS.get(str(error.validator), _bad_format)
    return handler(doc, error, path)


def _schema_of(error: ValidationError) -> dict[str, Any]:
    """The failing sub-schema (always a mapping in badgegen's schemas)."""
    return cast(dict[str, Any], error.schema)


def _instance_of(error: ValidationError) -> Any:
    """The content value that failed."""
    return cast(Any, error.instance)


def _value_of(error: ValidationError) -> Any:
    """The value of the failing keyword (a list for `required`, `type`, `enum`...)."""
    return cast(Any, error.validator_value)


def _split_required(error: ValidationError) -> list[ValidationError]:
    """One error per missing field, so each is reported (and fixed) on its own."""
    if error.validator != "required":
        return [error]
    from jsonschema.exceptions import ValidationError

    missing = [name for name in _value_of(error) if name not in _instance_of(error)]
    parts = []
    for name in missing:
        part = ValidationError(
            error.message,
            validator="required",
            validator_value=[name],
            instance=error.instance,
            schema=_schema_of(error),
            path=error.relative_path,
            schema_path=error.relative_schema_path,
        )
        part.parent = error.parent
        parts.append(part)
    return parts


def _missing(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    """Only the first missing name: `_translate` splits a `required` error per name first."""
    name = next(name for name in _value_of(error) if name not in _instance_of(error))
    prop = _schema_of(error).get("properties", {}).get(name, {})
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
    allowed = sorted(_schema_of(error).get("properties", {}))
    extra = sorted(set(_instance_of(error)) - set(allowed))
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
    expected = _value_of(error) if isinstance(_value_of(error), list) else [_value_of(error)]
    names = [_TYPE_NAMES.get(name, (name, name)) for name in expected]
    how_fr, how_en = _TYPE_HINTS.get(expected[0], ("", ""))
    about = str(_schema_of(error).get("description", ""))
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "wrong-type",
        dotted_path(path),
        value=_show(_instance_of(error)),
        value_en=_show(_instance_of(error), "en"),
        expected_fr=" ou ".join(n[0] for n in names),
        expected_en=" or ".join(n[1] for n in names),
        how_fr=how_fr,
        how_en=how_en,
        about=f" ({about.rstrip('.')})." if about and how_en else about,
    )


def _not_allowed(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    raw = _value_of(error)
    allowed = [str(v) for v in (raw if isinstance(raw, list) else [raw])]
    close = difflib.get_close_matches(str(_instance_of(error)), allowed, n=1, cutoff=0.5)
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "not-allowed",
        dotted_path(path),
        value=_show(_instance_of(error)),
        value_en=_show(_instance_of(error), "en"),
        allowed=", ".join(allowed),
        suggestion_fr=f"vouliez-vous écrire « {close[0]} » ? " if close else "",
        suggestion_en=f"did you mean '{close[0]}'? " if close else "",
    )


def _bad_format(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    kind = _format_kind(_schema_of(error))
    hint_fr, hint_en = FORMAT_HINTS.get(kind, ("", ""))
    description = str(_schema_of(error).get("description", ""))
    name = next((str(part) for part in reversed(path) if isinstance(part, str)), "")
    return make_error(
        doc.display_path,
        doc.position_of(*path),
        "bad-format",
        dotted_path(path),
        value=_show(_instance_of(error)),
        value_en=_show(_instance_of(error), "en"),
        format_fr=hint_fr or _FIELD_HINTS_FR.get(name, description),
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
        value=_show(_instance_of(error)),
        value_en=_show(_instance_of(error), "en"),
        limit=f"{sign} {_value_of(error)}",
    )


def _list(doc: RawDocument, error: ValidationError, path: tuple[str | int, ...]) -> ContentError:
    problems = {
        "uniqueItems": ("une valeur y est écrite deux fois", "a value is written twice"),
        "minItems": ("elle est vide", "it is empty"),
    }
    fr, en = problems.get(str(error.validator), (error.message, error.message))
    position = doc.position_of(*path)
    if error.validator == "uniqueItems":
        # Point at the second copy, and say which value it is.
        index = next(i for i, item in enumerate(_instance_of(error)) if item in _instance_of(error)[:i])
        position = doc.position_of(*path, index)
        item = _instance_of(error)[index]
        fr = f"la valeur {_show(item)} y est écrite deux fois"
        en = f"the value {_show(item, 'en')} is written twice"
    return make_error(
        doc.display_path,
        position,
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


def _show(value: object, lang: str = "fr") -> str:
    """A value as quoted in a message, on one line (a block of text may span several).

    A value holding personal data (an e-mail typed where a hash belongs...) is
    never repeated: messages end up in terminals and CI logs.
    """
    if find_personal_data(json.dumps(value, ensure_ascii=False)):
        return "« … » (masqué)" if lang == "fr" else "'…' (hidden)"
    if isinstance(value, str):
        one_line = value.rstrip("\n").replace("\n", " ")
        text = f"« {one_line} »" if lang == "fr" else f"'{one_line}'"
    else:
        text = json.dumps(value, ensure_ascii=False)
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
