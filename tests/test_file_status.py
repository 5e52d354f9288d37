"""Files known by their status (`load.file_digest`): never read again while unchanged,
always read again once written — even when a tool puts their modification time back."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from badgegen import load, uptodate
from badgegen.cache import UsedMemo

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if every file had been written long before it was hashed."""
    monkeypatch.setattr(load, "RACY_MARGIN_NS", -60_000_000_000)


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, settled: None) -> None:
    file = tmp_path / "a.yaml"
    file.write_bytes(b"name: one\n")
    memo: dict[str, object] = {}
    digest, raw = load.file_digest(memo, file)
    assert raw == b"name: one\n" and digest == load.content_digest(raw)
    again, unread = load.file_digest(memo, file)
    assert (again, unread) == (digest, None)


def test_a_rewritten_file_is_read_again_even_with_its_old_modification_time(
    tmp_path: Path, settled: None
) -> None:
    file = tmp_path / "a.yaml"
    file.write_bytes(b"name: one\n")
    memo: dict[str, object] = {}
    load.file_digest(memo, file)
    before = file.stat()
    time.sleep(0.01)
    file.write_bytes(b"name: two\n")  # same size
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` or a careless tool
    digest, raw = load.file_digest(memo, file)
    assert raw == b"name: two\n" and digest == load.content_digest(b"name: two\n")


def test_a_file_just_written_is_never_remembered_by_its_status(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_bytes(b"name: one\n")
    memo: dict[str, object] = {}
    load.file_digest(memo, file)
    assert not any(key.startswith(load.STAT_PREFIX) for key in memo)
    assert load.file_digest(memo, file)[1] == b"name: one\n", "read again"


def test_content_read_through_remembered_status_is_the_same(tmp_path: Path, settled: None) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    memo = UsedMemo({})
    first = load.load_content(content, memo=memo)
    assert any(key.startswith(load.STAT_PREFIX) for key in memo.used())
    award = next(content.glob("awards/*/3zmiiuocrbqukwotd3u3.yaml"))
    text = award.read_text("utf-8")
    award.write_text(text.replace("deux mois", "trois mois"), "utf-8")
    again = load.load_content(content, memo=UsedMemo(memo.used()))
    fresh = load.load_content(content)
    assert [d.data for d in again.documents] == [d.data for d in fresh.documents]
    assert [d.data for d in again.documents] != [d.data for d in first.documents]


def test_statuses_given_by_the_build_spare_asking_and_what_is_remembered_is_looked_at_anew(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's scan found every file's status (`uptodate.scan`): a file known by it is not
    asked again; a file to read is, so that the status remembered with its digest is the one
    it had right before it was read (not one taken earlier, before a change)."""
    from badgegen import uptodate

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    memo: dict[str, object] = {}
    load.load_content(content, memo=memo)  # every file remembered by its status
    statuses = uptodate.scan([content]).statuses
    asked: list[str] = []
    real = load.file_status
    monkeypatch.setattr(load, "file_status", lambda name: asked.append(name) or real(name))
    again = load.load_content(content, memo=memo, statuses=statuses)
    assert asked == []
    assert [d.data for d in again.documents] == [d.data for d in load.load_content(content).documents]
    # Changed after the scan: its status as scanned is stale; it is read, asked anew.
    award = next(content.glob("awards/*/3zmiiuocrbqukwotd3u3.yaml"))
    statuses = uptodate.scan([content]).statuses
    time.sleep(0.01)
    award.write_text(award.read_text("utf-8").replace("deux mois", "trois mois"), "utf-8")
    changed = load.load_content(content, memo=memo, statuses={**statuses, str(award): (0, 0, 0, 0, 0)})
    assert asked == [str(award)]
    assert [d.data for d in changed.documents] == [d.data for d in load.load_content(content).documents]
    remembered = [key for key in memo if key.startswith(load.STAT_PREFIX + str(award) + "\0")]
    assert f"{load.STAT_PREFIX}{award}\0" + "\0".join(map(str, real(str(award)))) in remembered


def test_a_file_past_keep_up_to_is_hashed_in_pieces_and_not_handed_back(
    tmp_path: Path, settled: None
) -> None:
    """`keep_up_to`: a larger file (the ledger, 13 MB at 50 000 awards) is hashed a megabyte at
    a time, to the digest of its whole bytes, and not returned; a smaller one is, as before."""
    large, small = tmp_path / "published.txt", tmp_path / "a.yaml"
    large.write_bytes(os.urandom(1 << 20) + b"tail\n" * 1000)
    small.write_bytes(b"name: one\n")
    memo: dict[str, object] = {}
    digest, raw = load.file_digest(memo, large, keep_up_to=1 << 16)
    assert raw is None and digest == load.content_digest(large.read_bytes()) == uptodate.streamed_digest(
        large
    )
    assert load.file_digest(memo, small, keep_up_to=1 << 16) == (
        load.content_digest(b"name: one\n"),
        b"name: one\n",
    )
    assert load.file_digest(memo, large, keep_up_to=1 << 16) == (digest, None)  # (known by its status)
