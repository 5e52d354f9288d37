"""What a coordinator reads when the content is wrong: one fixture per error code.

Table-driven from data files, in the style of markdown-it-py's fixture files:

- ``tests/fixtures/minimal/content/`` is a tiny *valid* content tree (2 issuers,
  2 badges with a PNG and an SVG, 2 awards, 1 endorsement, 1 media file).
- each ``tests/fixtures/invalid/<case>/`` holds only what differs from it:

  ``content/...``
      files copied over the minimal tree (same relative paths);
  ``private/...`` (optional)
      the private folder of restricted badges and awards, beside ``content/`` (its default place);
  ``case.yaml`` (optional)
      ``delete: [content/...]`` paths removed after the copy (files or folders),
      ``args: [--strict]`` extra options, ``exit_code: 0`` when not 2;
  ``expected.txt``
      the exact stderr of ``badgegen validate --content <tmp>/content --lang fr``,
      run from the temporary folder, so paths read ``content/awards/2026/x.yaml:3:8``;
  ``expected.en.txt`` (optional)
      the same with ``--lang en``;
  ``expected.stdout.txt`` / ``expected.stdout.en.txt`` (optional)
      the exact stdout; when absent, stdout must be empty.

The build time is fixed (``SOURCE_DATE_EPOCH``), so "in the future" never drifts.

To regenerate the expected files from the current output (then review the diff!)::

    BADGEGEN_UPDATE_FIXTURES=1 pytest tests/test_validation_messages.py

It rewrites ``expected.txt`` and any existing ``expected.en.txt`` /
``expected.stdout*.txt``; to add English to a case, create an empty
``expected.en.txt`` first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

import badgegen
from badgegen.cli import main
from badgegen.messages import CATALOGUE

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
INVALID = FIXTURES / "invalid"
#: 2026-11-18 17:06:40 UTC: every "in the future" check is made as of this instant.
SOURCE_DATE_EPOCH = "1795000000"
UPDATE = os.environ.get("BADGEGEN_UPDATE_FIXTURES") == "1"

#: Codes of the catalogue no fixture shows, each with the reason.
NOT_COVERED = {
    "image-size": "needs an image over 256 KB, too big to keep as a fixture",
}
_LINE_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<code>[a-z0-9-]+) (?P<field>\S+): ")


@dataclass(frozen=True)
class Case:
    """One folder of tests/fixtures/invalid/."""

    name: str
    folder: Path
    delete: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    exit_code: int = 2
    langs: tuple[str, ...] = field(default=("fr",))

    def expected_file(self, lang: str, stream: str = "") -> Path:
        stem = "expected" + (f".{stream}" if stream else "")
        return self.folder / (f"{stem}.txt" if lang == "fr" else f"{stem}.{lang}.txt")


def _load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in INVALID.iterdir() if p.is_dir()):
        options = {}
        if (folder / "case.yaml").is_file():
            options = yaml.safe_load((folder / "case.yaml").read_text("utf-8")) or {}
        langs = ("fr", "en") if (folder / "expected.en.txt").is_file() else ("fr",)
        cases.append(
            Case(
                name=folder.name,
                folder=folder,
                delete=tuple(options.get("delete", ())),
                args=tuple(options.get("args", ())),
                exit_code=int(options.get("exit_code", 2)),
                langs=langs,
            )
        )
    return cases


CASES = _load_cases()


def make_content(case: Case | None, root: Path) -> Path:
    """The minimal tree, with the case's files copied over it and its deletions done."""
    shutil.copytree(MINIMAL / "content", root / "content")
    if case is None:
        return root / "content"
    for folder in ("content", "private"):
        overlay = case.folder / folder
        if overlay.is_dir():
            for source in sorted(p for p in overlay.rglob("*") if p.is_file()):
                target = root / folder / source.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    for relative in case.delete:
        target = root / relative
        assert target.exists(), f"{case.name}: case.yaml deletes {relative}, which does not exist"
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    return root / "content"


def run_validate(
    root: Path,
    lang: str,
    args: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """`badgegen validate` in-process, from `root`, as of the fixed build time."""
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    capsys.readouterr()
    code = main(["validate", "--content", str(root / "content"), "--lang", lang, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_output(actual: str, expected_file: Path) -> None:
    """Compare line by line first (a readable diff), then byte for byte."""
    if UPDATE:
        expected_file.write_text(actual, "utf-8")
    expected = expected_file.read_text("utf-8") if expected_file.is_file() else ""
    assert actual.splitlines() == expected.splitlines(), f"differs from {expected_file.relative_to(FIXTURES)}"
    assert actual == expected


@pytest.mark.parametrize(
    ("case", "lang"),
    [pytest.param(case, lang, id=f"{case.name}-{lang}") for case in CASES for lang in case.langs],
)
def test_validation_output(
    case: Case, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(case, tmp_path)
    code, out, err = run_validate(tmp_path, lang, case.args, monkeypatch, capsys)
    assert "Traceback" not in out + err
    assert code == case.exit_code, err
    assert_output(err, case.expected_file(lang))
    stdout_file = case.expected_file(lang, "stdout")
    if stdout_file.is_file() or out:
        assert_output(out, stdout_file)
    else:
        assert out == ""


def test_minimal_content_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    code, out, err = run_validate(tmp_path, "fr", ("--strict",), monkeypatch, capsys)
    assert (code, err) == (0, "")
    assert out == "Contenu valide : 2 organisations, 2 badges, 2 attributions, 1 recommandation.\n"


def test_minimal_content_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    code = main(["build", "--content", "content", "--out", "site", "--strict", "--lang", "en"])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    assert (tmp_path / "site" / "media" / "fiche-observation.txt").is_file()


def test_minimal_awards_hold_no_email() -> None:
    """The recipients are hashes only: a fixture never holds a plain e-mail address."""
    for award in (MINIMAL / "content" / "awards").rglob("*.yaml"):
        text = award.read_text("utf-8")
        assert "@" not in text, award
        assert re.search(r'identity: "sha256\$[0-9a-f]{64}"', text), award


def test_every_case_has_expected_output() -> None:
    for folder in INVALID.iterdir():
        assert (folder / "expected.txt").is_file(), f"{folder.name} has no expected.txt"
        extra = {p.name for p in folder.iterdir()} - {
            "content",
            "private",
            "case.yaml",
            "expected.txt",
            "expected.en.txt",
            "expected.stdout.txt",
            "expected.stdout.en.txt",
        }
        assert not extra, f"{folder.name}: unexpected {sorted(extra)}"


def _shown_codes(pattern: str) -> set[str]:
    codes = set()
    for expected in INVALID.glob(f"*/{pattern}"):
        for line in expected.read_text("utf-8").splitlines():
            match = _LINE_RE.match(line)
            if match:
                codes.add(match["code"])
    return codes


def test_every_catalogue_code_has_a_fixture() -> None:
    shown = _shown_codes("expected.txt")
    assert set(CATALOGUE) - shown == set(NOT_COVERED), "a message code has no fixture"
    assert shown <= set(CATALOGUE)


def test_english_is_checked_for_several_cases() -> None:
    assert len([case for case in CASES if "en" in case.langs]) >= 5


def test_every_error_line_is_followed_by_its_fix() -> None:
    """Each `path:line:col: code field: message` line has its `→ correction :` line."""
    for expected in INVALID.glob("*/expected*.txt"):
        lines = expected.read_text("utf-8").splitlines()
        for index, line in enumerate(lines):
            if _LINE_RE.match(line):
                following = lines[index + 1] if index + 1 < len(lines) else ""
                assert following.startswith(("    → correction : ", "    → fix: ")), (expected, line)


def test_errors_are_sorted_by_path_and_line() -> None:
    for expected in INVALID.glob("*/expected*.txt"):
        keys = [
            (m["path"], int(m["line"]), int(m["column"]))
            for m in map(_LINE_RE.match, expected.read_text("utf-8").splitlines())
            if m
        ]
        assert keys == sorted(keys), expected


def test_validate_subprocess_exit_code(tmp_path: Path) -> None:
    """End to end: the real command exits with 2 and prints no traceback."""
    case = next(case for case in CASES if case.name == "many-errors")
    make_content(case, tmp_path)
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "PYTHONPATH": str(Path(badgegen.__file__).resolve().parent.parent),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("BADGEGEN_LANG", None)
    result = subprocess.run(
        [sys.executable, "-m", "badgegen", "validate", "--content", "content"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == case.expected_file("fr").read_text("utf-8")
