"""`--format github`: every content problem as a GitHub annotation, and the job summary.

The broken fixture is tests/fixtures/invalid/many-errors laid over the minimal
content, as in test_validation_messages.py; its expected.txt says where each
problem is, and each annotation must point at the same file, line and column.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from test_validation_messages import CASES, SOURCE_DATE_EPOCH, make_content

from badgegen.annotations import (
    escape_data,
    escape_markdown,
    escape_property,
    failure_summary,
    repo_path,
    report_failure,
    workflow_command,
)
from badgegen.cli import main
from badgegen.errors import BuildError, ContentError, make_error

MANY_ERRORS = next(case for case in CASES if case.name == "many-errors")
_TEXT_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<code>[a-z0-9-]+) (?P<field>\S+): ")
_COMMAND = re.compile(
    r"^::(?P<level>error|warning) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=(?P<title>[^:]+)::(?P<message>.*)$"
)


def _run(
    root: Path,
    args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    summary: Path | None = None,
) -> tuple[int, str, str]:
    """`badgegen <args>` in-process from `root`, the way the workflow runs it at the repository root."""
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    if summary is None:
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    else:
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_each_problem_is_annotated_on_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(MANY_ERRORS, tmp_path)
    summary = tmp_path / "summary.md"
    args = ["validate", "--content", "content", "--format", "github", "--strict"]
    code, out, err = _run(tmp_path, args, monkeypatch, capsys, summary)

    assert code == 2
    expected_text = MANY_ERRORS.expected_file("fr").read_text("utf-8")
    assert err == expected_text, "the text output stays on stderr, unchanged"
    where = [
        (m["path"], m["line"], m["col"], m["code"], m["field"])
        for m in map(_TEXT_LINE.match, expected_text.splitlines())
        if m
    ]
    commands = out.splitlines()
    assert len(commands) == len(where) == 7
    for command, (path, line, col, code_, field) in zip(commands, where, strict=True):
        match = _COMMAND.match(command)
        assert match, command
        assert (match["file"], match["line"], match["col"]) == (path, line, col)
        assert match["title"] == (code_ if field == "-" else f"{code_} {field}")
        assert match["level"] == ("warning" if code_ == "unused-file" else "error")
        assert Path(tmp_path, match["file"]).is_file(), "paths are relative to the repository root"

    assert commands[0] == (
        "::error file=content/awards/2026/f6impopuiokeq436yrp5.yaml,line=1,col=8,"
        "title=unknown-reference badge::Le badge « travailler-en-equip » n'existe pas. — "
        "vouliez-vous écrire « travailler-en-equipe » ? vérifiez le nom du fichier dans le dossier badges/."
    )
    assert commands[5].startswith(
        "::warning file=content/media/photo-a-trier.txt,line=1,col=1,title=unused-file::"
    )

    text = summary.read_text("utf-8")
    assert text.startswith("## ❌ Contenu à corriger : 6 erreurs et 1 avertissement\n")
    assert "Rien n'a été publié." in text
    assert "| fichier | ligne | champ | problème | correction |\n| --- | ---: | --- | --- | --- |\n" in text
    rows = [line for line in text.splitlines() if line.startswith("| content/")]
    assert len(rows) == 7
    assert rows[1] == (
        "| content/awards/2026/f6impopuiokeq436yrp5.yaml | 6 | issued\\_on | la date 2026-02-30 n'existe pas. "
        "| vérifiez le jour et le mois (AAAA-MM-JJ). |"
    )
    assert rows[5].startswith("| content/media/photo-a-trier.txt | 1 | — | (avertissement) le fichier")


def test_english_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(MANY_ERRORS, tmp_path)
    summary = tmp_path / "summary.md"
    args = ["validate", "--content", "content", "--format", "github", "--lang", "en"]
    code, out, _ = _run(tmp_path, args, monkeypatch, capsys, summary)
    assert code == 2
    assert out.splitlines()[-1] == (
        "::error file=content/registry.yaml,line=4,col=11,title=base-url-slash base_url::"
        "the site address https://badges.example.org must end with '/'. — add '/' at the end."
    )
    text = summary.read_text("utf-8")
    assert text.startswith("## ❌ Content to fix: 6 errors and 1 warning\n")
    assert "| file | line | field | problem | fix |" in text


def test_special_characters_are_escaped() -> None:
    """`%`, CR and LF everywhere; `:` and `,` too in properties (file, title)."""
    problem = make_error(
        "content/badges/a,b:c%d.yaml",
        (3, 7),
        "unknown-reference",
        "badge:x,y",
        kind_fr="Le badge",
        value="a,b: 100%\nfin|$x$",
        folder="badges",
    )
    command = workflow_command(problem, "fr")
    assert command == (
        "::error file=content/badges/a%2Cb%3Ac%25d.yaml,line=3,col=7,title=unknown-reference badge%3Ax%2Cy"
        "::Le badge « a,b: 100%25%0Afin|$x$ » n'existe pas. — vérifiez le nom du fichier dans le dossier badges/."
    )
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    # Escaping `%` first: an already-escaped sequence is not decoded by GitHub.
    assert escape_data("%0A") == "%250A"

    summary = failure_summary([problem], "fr")
    row = summary.splitlines()[-1]
    assert row == (
        "| content/badges/a,b:c%d.yaml | 3 | badge:x,y "
        "| Le badge « a,b: 100%<br>fin\\|\\$x\\$ » n'existe pas. "
        "| vérifiez le nom du fichier dans le dossier badges/. |"
    )
    assert row.count(" | ") == 4, "one row, five cells: the `|` of the value does not end a cell"


def test_markdown_escaping() -> None:
    assert escape_markdown("a|b") == "a\\|b"
    assert escape_markdown("<script>*x*_y_`z`") == "\\<script\\>\\*x\\*\\_y\\_\\`z\\`"
    assert escape_markdown("a\r\nb\nc") == "a<br>b<br>c"
    assert escape_markdown("[lien](javascript:x)") == "\\[lien\\](javascript:x)"


def test_success_writes_a_valid_line_and_no_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("# Étape précédente\n", "utf-8")
    args = ["validate", "--content", "content", "--format", "github", "--strict"]
    code, out, err = _run(tmp_path, args, monkeypatch, capsys, summary)
    assert (code, err) == (0, "")
    assert out == "Contenu valide : 2 organisations, 2 badges, 2 attributions, 1 recommandation.\n"
    assert summary.read_text("utf-8") == (
        "# Étape précédente\n"
        "## ✅ Contenu valide : 2 organisations, 2 badges, 2 attributions, 1 recommandation.\n\n"
    ), "appended, never overwritten"


def test_build_success_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    summary = tmp_path / "summary.md"
    args = ["build", "--content", "content", "--out", "site", "--format", "github", "--strict"]
    code, out, err = _run(tmp_path, args, monkeypatch, capsys, summary)
    assert (code, err) == (0, "")
    assert not any(line.startswith("::") for line in out.splitlines())
    lines = summary.read_text("utf-8").splitlines()
    assert lines[0].startswith("## ✅ Site construit dans site/ : ")
    assert lines[2] == "Contenu valide : 2 organisations, 2 badges, 2 attributions, 1 recommandation."


def test_warnings_of_a_passing_run_are_annotated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case = next(case for case in CASES if case.name == "warning-unused-file")
    make_content(case, tmp_path)
    summary = tmp_path / "summary.md"
    code, out, err = _run(
        tmp_path, ["validate", "--content", "content", "--format", "github"], monkeypatch, capsys, summary
    )
    assert code == 0
    assert err == case.expected_file("fr").read_text("utf-8")
    warnings = [line for line in out.splitlines() if line.startswith("::")]
    assert len(warnings) == 1
    assert warnings[0].startswith("::warning file=content/media/")
    text = summary.read_text("utf-8")
    assert text.startswith("## ⚠️ Contenu valide : ")
    assert "Avertissements, à corriger" in text
    assert "(avertissement) le fichier" in text


def test_text_format_prints_no_annotation_and_writes_no_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(MANY_ERRORS, tmp_path)
    summary = tmp_path / "summary.md"
    code, out, err = _run(tmp_path, ["validate", "--content", "content"], monkeypatch, capsys, summary)
    assert code == 2
    assert out == ""
    assert err == MANY_ERRORS.expected_file("fr").read_text("utf-8")
    assert not summary.exists()


def test_paths_are_relative_to_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a sub-folder, content paths are relative to it; annotations need the repository root."""
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert repo_path("../content/registry.yaml") == "content/registry.yaml"
    assert repo_path(str(tmp_path / "content" / "registry.yaml")) == "content/registry.yaml"
    assert repo_path("x.yaml") == "sub/x.yaml"
    assert repo_path("/elsewhere/x.yaml") == "/elsewhere/x.yaml"


def test_a_problem_outside_the_content_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = io.StringIO()
    report_failure(BuildError("disque plein: 100%\nréessayez"), "fr", out)
    assert out.getvalue() == "::error title=badgegen::disque plein: 100%25%0Aréessayez\n"
    assert (
        summary.read_text("utf-8") == "## ❌ La construction a échoué\n\ndisque plein: 100%<br>réessayez\n\n"
    )


def test_more_than_ten_problems_are_all_in_the_summary() -> None:
    """GitHub shows 10 annotations of a kind per step: the summary says the table is complete."""
    problems = [make_error(f"content/badges/b{i}.yaml", (1, 1), "empty-file", "") for i in range(12)]
    text = failure_summary(problems, "fr")
    assert "la liste complète est ici" in text
    assert len([line for line in text.splitlines() if line.startswith("| content/")]) == 12
    assert "la liste complète" not in failure_summary(problems[:10], "fr")


def test_title_without_field() -> None:
    problem = ContentError("content/badges/x.yaml", 1, 1, "empty-file", "")
    assert ",title=empty-file::ce fichier est vide. — " in workflow_command(problem, "fr")
