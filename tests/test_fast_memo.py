"""load_content(..., memo=...): what a file says by itself is remembered, never trusted blindly.

The same results with no memo, an empty one, a warm one, one filled by other content, and
one that went through pickle (the build keeps it on disk between runs).
"""

from __future__ import annotations

import os
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_validation_messages import CASES, Case, make_content

from badgegen import load
from badgegen.errors import ContentError
from badgegen.load import (
    STAT_PREFIX,
    RawContent,
    RawDocument,
    data_digest,
    load_content,
    load_private,
    memo_key,
)
from badgegen.resolve import resolve

NOW = datetime(2026, 11, 18, 17, 6, 40, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parent.parent / "content"


def _error(error: ContentError) -> tuple[Any, ...]:
    return (error.path, error.line, error.column, error.code, error.field, error.params, error.severity)


def _document(doc: RawDocument | None) -> Any:
    if doc is None:
        return None
    problems = None if doc.schema_problems is None else [_error(e) for e in doc.schema_problems]
    return (
        doc.kind,
        doc.id,
        doc.path,
        doc.display_path,
        doc.folder,
        doc.private,
        repr(doc.data),
        doc.yaml.positions,
        doc.yaml.key_positions,
        problems,
    )


def snapshot(raw: RawContent) -> Any:
    return (
        _document(raw.registry),
        [_document(doc) for doc in raw.documents],
        [_error(error) for error in raw.errors],
        sorted(raw.unreadable),
    )


def outcome(root: Path, memo: Any) -> Any:
    """Everything read and found in `root`'s content/ and private/, with `memo`."""
    raw = load_content(root / "content", memo=memo)
    private = load_private(root / "private", memo=memo)
    resolution = resolve(raw, NOW, private=private)
    return (
        snapshot(raw),
        snapshot(private),
        [_error(error) for error in resolution.errors],
        [_error(error) for error in resolution.warnings],
        resolution.registry,
        resolution.restricted,
    )


@pytest.fixture(scope="module")
def other_memo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A memo filled by other content: the example registry and the fixture with many errors."""
    memo: dict[str, Any] = {}
    root = tmp_path_factory.mktemp("other")
    load_content(EXAMPLE, memo=memo)
    many = next(case for case in CASES if case.name == "many-errors")
    make_content(many, root)
    load_content(root / "content", memo=memo)
    return memo


@pytest.mark.parametrize("case", [None, *CASES], ids=["minimal", *(case.name for case in CASES)])
def test_same_results_whatever_the_memo(
    case: Case | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_memo: dict[str, Any]
) -> None:
    make_content(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    expected = outcome(tmp_path, None)
    memo: dict[str, Any] = {}
    assert outcome(tmp_path, memo) == expected  # empty: filled as it goes
    assert memo
    assert outcome(tmp_path, memo) == expected  # warm
    assert outcome(tmp_path, pickle.loads(pickle.dumps(memo))) == expected  # kept on disk
    shared = dict(other_memo)
    assert outcome(tmp_path, shared) == expected  # filled by other content


def test_a_warm_memo_spares_parsing_and_checking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    memo: dict[str, Any] = {}
    expected = outcome(tmp_path, memo)

    def never(kind: str, raw: bytes) -> Any:
        raise AssertionError("studied again")

    monkeypatch.setattr(load, "study", never)
    assert outcome(tmp_path, memo) == expected


def test_a_changed_file_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_content(None, tmp_path)
    monkeypatch.chdir(tmp_path)
    memo: dict[str, Any] = {}
    outcome(tmp_path, memo)
    badge = next((tmp_path / "content" / "badges").glob("*.yaml"))
    # Same size, same modification time: only the bytes tell.
    stat = badge.stat()
    text = badge.read_text("utf-8")
    badge.write_text(text.replace("family: ", "famile: ", 1), "utf-8")
    os.utime(badge, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    before = len(memo)
    changed = outcome(tmp_path, memo)
    assert len(memo) == before + 1
    assert changed == outcome(tmp_path, None)
    assert "unknown-field" in {error[3] for error in changed[2]}


def test_the_key_covers_kind_place_and_bytes() -> None:
    keys = {
        memo_key("award", "awards/2026", b"a: 1\n"),
        memo_key("award", "awards/2025", b"a: 1\n"),
        memo_key("award", "private:awards/2026", b"a: 1\n"),
        memo_key("badge", "awards/2026", b"a: 1\n"),
        memo_key("award", "awards/2026", b"a: 2\n"),
    }
    assert len(keys) == 5
    assert memo_key("award", "awards/2026", b"a: 1\n") in keys


def test_entries_are_compact(tmp_path: Path) -> None:
    memo: dict[str, Any] = {}
    load_content(EXAMPLE, memo=memo)
    entries = [entry for key, entry in memo.items() if not key.startswith(STAT_PREFIX)]  # not file status
    awards = [entry for entry in entries if entry[0] is not None and "recipient" in entry[0]]
    assert awards
    for data, marks, problems, digest in awards:
        assert isinstance(marks, bytes) and problems == () and isinstance(digest, bytes)
        entry = (data, marks, problems, digest)
        assert len(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)) < 4000


def test_display_paths_say_what_display_path_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each folder resolved once: the same text for plain files, links, linked folders, outsiders."""
    work = tmp_path / "work"
    (work / "content" / "awards" / "2026").mkdir(parents=True)
    (work / "content" / "awards" / "2026" / "a.yaml").write_text("a: 1\n", "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.yaml").write_text("b: 1\n", "utf-8")
    (work / "content" / "awards" / "2026" / "link.yaml").symlink_to(tmp_path / "elsewhere" / "b.yaml")
    (work / "content" / "awards" / "2027").symlink_to(work / "content" / "awards" / "2026")
    (work / "linked").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(work)
    paths = [
        Path("content/awards/2026/a.yaml"),
        Path("content/awards/2026/link.yaml"),
        Path("content/awards/2027/a.yaml"),
        work / "content" / "awards" / "2026" / "a.yaml",
        Path("linked/b.yaml"),
        tmp_path / "elsewhere" / "b.yaml",
        Path("content/awards/2026/missing.yaml"),
        Path("content/awards/.."),
        Path(),
        Path("registry.yaml"),
    ]
    shown = load.DisplayPaths()
    for path in paths:
        assert shown(path) == load.display_path(path), path
        assert shown(path, path.is_symlink(), path.parent) == load.display_path(path), path
        if not path.is_symlink() and path.name not in ("", ".."):  # the per-folder form (listing)
            in_folder = shown.in_folder(shown.folder(path.parent), path.parent.as_posix(), path.name)
            assert in_folder == load.display_path(path), path


def test_documents_carry_the_digest_of_their_data_with_or_without_a_memo() -> None:
    """Unit keys use `RawDocument.digest`: remembered, it is what hashing the data says."""
    memo: dict[str, Any] = {}
    plain, first, again = (load_content(EXAMPLE, memo=m) for m in (None, memo, memo))
    for content in (plain, first, again):
        assert content.documents
        for doc in content.documents:
            assert doc.digest == data_digest(doc.data)
    assert [d.digest for d in plain.documents] == [d.digest for d in again.documents]
