"""Content problems as GitHub Actions sees them (`--format github`).

Each `ContentError` becomes a workflow command on stdout,

    ::error file=content/badges/x.yaml,line=5,col=9,title=not-allowed family::message — fix

which GitHub shows as an annotation on that file and line of the pull request
(`::warning` for warnings). When `GITHUB_STEP_SUMMARY` names a file, a Markdown
summary is appended to it: a table of every problem, or a « Contenu valide » line.
GitHub shows at most 10 annotations of each level per step, so the table is the
complete list.

Escaping follows GitHub's toolkit (`@actions/core` `command.ts`): in the message,
`%`, CR and LF become `%25`, `%0D`, `%0A`; in a property, `:` and `,` become
`%3A` and `%2C` as well.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from badgegen.errors import BadgegenError, ContentError, ContentErrors

#: The environment variable naming the file GitHub shows as the job summary.
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
#: GitHub shows at most this many annotations of one level (error, warning) per step.
ANNOTATIONS_SHOWN_PER_STEP = 10


def escape_data(text: str) -> str:
    """The message part of a workflow command (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command (`file=`, `title=`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(path: str, root: Path | None = None) -> str:
    """`path` relative to the repository root, as GitHub names files in a pull request.

    Content paths are relative to the working folder; the root is `GITHUB_WORKSPACE`
    when set (the checkout on a runner), else the working folder. A path outside the
    root is kept as it is.
    """
    base = root or Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    target = Path(path)
    if not target.is_absolute():
        target = Path.cwd() / target
    try:
        return target.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path


def title(problem: ContentError) -> str:
    """`code field`, or the code alone for a problem about the whole file."""
    return f"{problem.code} {problem.field}" if problem.field else problem.code


def text(problem: ContentError, lang: str) -> str:
    """`message — fix` in `lang`."""
    hint = problem.hint(lang)
    message = problem.message(lang)
    return f"{message} — {hint}" if hint else message


def workflow_command(problem: ContentError, lang: str, root: Path | None = None) -> str:
    """One `::error …::…` (or `::warning`) line for `problem`."""
    level = "warning" if problem.severity == "warning" else "error"
    properties = ",".join(
        (
            f"file={escape_property(repo_path(problem.path, root))}",
            f"line={problem.line}",
            f"col={problem.column}",
            f"title={escape_property(title(problem))}",
        )
    )
    return f"::{level} {properties}::{escape_data(text(problem, lang))}"


def workflow_commands(problems: Iterable[ContentError], lang: str, root: Path | None = None) -> list[str]:
    """The commands for `problems`, sorted like the text output."""
    return [workflow_command(problem, lang, root) for problem in sorted(problems)]


def escape_markdown(value: str) -> str:
    """Text for one cell of a Markdown table, shown as written.

    Backslash escapes for the characters GitHub's Markdown would read as markup
    (including `|`, which ends a cell, and `$`, which starts a formula), and `<br>`
    for a line break, which would end the row.
    """
    escaped = "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in value)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>|~$&#!")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _table(problems: Iterable[ContentError], lang: str, root: Path | None) -> list[str]:
    """A Markdown table of `problems`: file, line, field, problem, fix."""
    fr = lang == "fr"
    header = (
        "| fichier | ligne | champ | problème | correction |"
        if fr
        else "| file | line | field | problem | fix |"
    )
    rows = [header, "| --- | ---: | --- | --- | --- |"]
    for problem in sorted(problems):
        message = problem.message(lang)
        if problem.severity == "warning":
            message = ("(avertissement) " if fr else "(warning) ") + message
        cells = (
            repo_path(problem.path, root),
            str(problem.line),
            problem.field or "—",
            message,
            problem.hint(lang) or "—",
        )
        rows.append("| " + " | ".join(escape_markdown(cell) for cell in cells) + " |")
    return rows


def failure_summary(
    problems: Sequence[ContentError], lang: str, *, strict: bool = False, root: Path | None = None
) -> str:
    """The Markdown summary of a run stopped by content problems."""
    fr = lang == "fr"
    errors = sum(1 for problem in problems if problem.severity == "error")
    warnings = len(problems) - errors
    counted = []
    if errors:
        counted.append(_plural(errors, "erreur" if fr else "error"))
    if warnings:
        counted.append(_plural(warnings, "avertissement" if fr else "warning"))
    counts = (" et " if fr else " and ").join(counted)
    if fr:
        lines = [
            f"## ❌ Contenu à corriger : {counts}",
            "",
            "Rien n'a été publié. Corrigez chaque ligne du tableau dans le fichier indiqué, puis "
            "enregistrez (commit) : la vérification recommence toute seule.",
        ]
    else:
        lines = [
            f"## ❌ Content to fix: {counts}",
            "",
            "Nothing was published. Fix each row of the table in the file shown, then commit: "
            "the check runs again by itself.",
        ]
    if strict and not errors:
        lines.append(
            "Ici, les avertissements bloquent aussi la publication (mode strict)."
            if fr
            else "Here, warnings block publishing too (strict mode)."
        )
    if errors > ANNOTATIONS_SHOWN_PER_STEP or warnings > ANNOTATIONS_SHOWN_PER_STEP:
        lines.append(
            f"GitHub ne montre que {ANNOTATIONS_SHOWN_PER_STEP} annotations de chaque sorte dans les "
            "fichiers : la liste complète est ici."
            if fr
            else f"GitHub shows only {ANNOTATIONS_SHOWN_PER_STEP} annotations of each kind in the files: "
            "the full list is here."
        )
    return "\n".join([*lines, "", *_table(problems, lang, root)]) + "\n"


def success_summary(
    result: Sequence[str], warnings: Sequence[ContentError], lang: str, root: Path | None = None
) -> str:
    """The Markdown summary of a run that passed: its result lines (« Contenu valide : … »),
    then the warnings, if any, which did not block it."""
    head, *rest = result
    lines = [("## ⚠️ " if warnings else "## ✅ ") + escape_markdown(head)]
    if rest:
        lines += ["", *(escape_markdown(line) for line in rest)]
    if warnings:
        lines += [
            "",
            "Avertissements, à corriger (ils ne bloquent pas la publication) :"
            if lang == "fr"
            else "Warnings, to fix (they do not block publishing):",
            "",
            *_table(warnings, lang, root),
        ]
    return "\n".join(lines) + "\n"


def append_summary(markdown: str) -> bool:
    """Append `markdown` to the job summary file, if GitHub named one; True when written."""
    target = os.environ.get(SUMMARY_ENV)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as summary:
        summary.write(markdown + "\n")
    return True


def report_failure(error: BadgegenError, lang: str, out: TextIO | None = None) -> None:
    """Annotations and summary for a run that stopped on `error`."""
    stream = out or sys.stdout
    if isinstance(error, ContentErrors):
        for command in workflow_commands(error.errors, lang):
            print(command, file=stream)
        append_summary(failure_summary(error.errors, lang, strict=error.strict))
        return
    message = error.format_message(lang)
    print(f"::error title=badgegen::{escape_data(message)}", file=stream)
    heading = "## ❌ La construction a échoué" if lang == "fr" else "## ❌ The build failed"
    append_summary(f"{heading}\n\n{escape_markdown(message)}\n")


def report_success(
    result: Sequence[str], warnings: Sequence[ContentError], lang: str, out: TextIO | None = None
) -> None:
    """Warning annotations and the « Contenu valide » summary for a run that passed."""
    stream = out or sys.stdout
    for command in workflow_commands(warnings, lang):
        print(command, file=stream)
    append_summary(success_summary(result, warnings, lang))
