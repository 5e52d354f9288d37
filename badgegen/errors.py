"""The error types of badgegen, and how they map to exit codes.

A mistake in `content/` is the coordinator's to fix, never a crash: it becomes a
`ContentError` that names the file, line, column, a stable code, the field and a
message with a fix, in French or English. The build collects every one of them
and fails once (`ContentErrors`, exit code 2). Anything else that escapes is a bug
in badgegen and keeps its traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import ClassVar

from badgegen.messages import WARNING_CODES, render_message

#: The control characters a content text never holds (code `control-character`): C0 but
#: tab, line feed and carriage return; DEL; C1. A signed OB 3.0 credential holding one fails
#: some verifiers (their N-Quads escape these characters differently from pyld's). Also the
#: lone surrogates (U+D800–U+DFFF), which only a `\ud800` escape can make: no UTF-8 page,
#: JSON document or signature can hold one (the build stopped with a traceback).
CONTROL_CHARACTER_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def unicode_name(char: str) -> str:
    """`U+0007`: how a message names one character."""
    return f"U+{ord(char):04X}"


def visible(text: str) -> str:
    """`text` with each control character written `[U+0007]`: messages print to terminals."""
    if CONTROL_CHARACTER_RE.search(text) is None:
        return text
    return CONTROL_CHARACTER_RE.sub(lambda match: f"[{unicode_name(match.group())}]", text)


def control_character_params(
    char: str, field: str, *, in_key: bool = False, written: str = ""
) -> dict[str, str]:
    """The parameters of a `control-character` error: `char` found in the text of `field`
    (in its name when `in_key`). `written`: the escape that makes it in a double-quoted
    text (`\\x07`, `\\a`...), if known. (Written as it is, the YAML reader refuses it:
    that file is reported as `yaml-syntax`.)
    """
    if in_key:
        where_fr, where_en = f"le nom de champ « {field} »", f"the field name '{field}'"
    else:
        where_fr, where_en = f"le texte de « {field} »", f"the text of '{field}'"
    if written:
        written_fr = f" : ici, effacez « {written} » entre les guillemets"
        written_en = f": here, delete '{written}' between the quotes"
    else:
        written_fr = " : il est à la position indiquée (souvent invisible dans l'éditeur)"
        written_en = ": it is at the position shown (often invisible in the editor)"
    return {
        "char": unicode_name(char),
        "where_fr": where_fr,
        "where_en": where_en,
        "written_fr": written_fr,
        "written_en": written_en,
    }


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem found in the content, located precisely enough to fix it.

    `params` fill the message template of `code` (see `badgegen.messages`), so
    the same error prints in either language.
    """

    path: str
    line: int
    column: int
    code: str
    field: str
    params: tuple[tuple[str, str], ...] = dataclass_field(default=(), compare=False)
    severity: str = dataclass_field(default="error", compare=False)

    def message(self, lang: str) -> str:
        """The sentence saying what is wrong, in `lang`."""
        return render_message(self.code, dict(self.params), lang)[0]

    def hint(self, lang: str) -> str:
        """The sentence saying how to fix it, in `lang` (may be empty)."""
        return render_message(self.code, dict(self.params), lang)[1]

    def format(self, lang: str) -> str:
        """`path:line:col: code field: message`, then the fix on an indented line."""
        head = f"{self.path}:{self.line}:{self.column}: {self.code} {self.field or '-'}: "
        if self.severity == "warning":
            head += "(avertissement) " if lang == "fr" else "(warning) "
        text = head + self.message(lang)
        hint = self.hint(lang)
        if hint:
            label = "correction" if lang == "fr" else "fix"
            text += f"\n    → {label} : {hint}" if lang == "fr" else f"\n    → {label}: {hint}"
        return text


def dotted_path(path: tuple[str | int, ...]) -> str:
    """A JSON path as a coordinator reads it: `evidence[0].name`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def make_error(
    path: str,
    position: tuple[int, int],
    code: str,
    field_name: str,
    **params: object,
) -> ContentError:
    """Build a `ContentError` from keyword parameters (all turned into text).

    Whether it is a warning is a property of its code (`WARNING_CODES`), not a choice
    made at each call, so a code never changes severity from one place to another.
    A control character in the field or a parameter (a value quoted from the content) is
    written `[U+0007]` (`visible`).
    """
    line, column = position
    return ContentError(
        path=path,
        line=line,
        column=column,
        code=code,
        field=visible(field_name),
        params=tuple(sorted((key, visible(str(value))) for key, value in params.items())),
        severity="warning" if code in WARNING_CODES else "error",
    )


class BadgegenError(Exception):
    """Base of every error badgegen reports to the user without a traceback."""

    exit_code: ClassVar[int] = 1

    def format_message(self, lang: str) -> str:
        """The text printed to the user."""
        return str(self)


class ContentErrors(BadgegenError):
    """All the content problems of one run: the content must be fixed (exit 2)."""

    exit_code: ClassVar[int] = 2
    #: Why the warnings alone stopped the build (set by `StrictModeError`).
    strict: ClassVar[bool] = False

    def __init__(self, problems: list[ContentError]) -> None:
        super().__init__(f"{len(problems)} content problem(s)")
        self.errors = sorted(problems)

    def format_message(self, lang: str) -> str:
        lines = [problem.format(lang) for problem in self.errors]
        errors = sum(1 for problem in self.errors if problem.severity == "error")
        return "\n".join([*lines, _summary(errors, len(self.errors) - errors, lang, strict=self.strict)])


class StrictModeError(ContentErrors):
    """Only warnings were reported, and `--strict` turns them into a failure (exit 2)."""

    strict = True


def _summary(errors: int, warnings: int, lang: str, *, strict: bool) -> str:
    """« 2 erreurs et 1 avertissement dans le contenu : rien n'a été publié. »"""
    fr = lang == "fr"
    parts = []
    if errors:
        parts.append(_plural(errors, "erreur" if fr else "error"))
    if warnings:
        parts.append(_plural(warnings, "avertissement" if fr else "warning"))
    counted = (" et " if fr else " and ").join(parts)
    if strict:
        reason = " et le mode strict est actif" if fr else " in strict mode"
    else:
        reason = " dans le contenu" if fr else " in the content"
    return counted + reason + (" : rien n'a été publié." if fr else ": nothing was published.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


class BuildError(BadgegenError):
    """The build could not finish for a reason outside the content (disk, output folder)."""

    exit_code: ClassVar[int] = 1
