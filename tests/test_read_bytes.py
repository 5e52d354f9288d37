"""`load.read_bytes`: a file's exact bytes, and a large file never held twice.

A file larger than one read is read again from its start in one call of its size: joining
reads of a megabyte held the ledger of 50 000 awards twice (27 MB) while the check scanned it.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import load
from badgegen.load import read_bytes


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=200), read=st.integers(min_value=1, max_value=64))
def test_the_bytes_are_the_files_whatever_the_size_of_a_read(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, read: int
) -> None:
    file = tmp_path_factory.mktemp("read") / "file"
    file.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "_READ", read)  # (reads of a few bytes: every path of the loop)
        assert read_bytes(file) == data
        assert read_bytes(str(file)) == data


def test_a_file_longer_than_its_status_says_is_read_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is added after `fstat` (a file written while it is read) is read all the same."""
    file = tmp_path / "growing"
    file.write_bytes(b"x" * 100)
    real_fstat = os.fstat

    class Shorter:
        def __init__(self, status: os.stat_result) -> None:
            self.st_mode, self.st_size = status.st_mode, 40

    monkeypatch.setattr(load, "_READ", 16)
    monkeypatch.setattr(load.os, "fstat", lambda descriptor: Shorter(real_fstat(descriptor)))
    assert read_bytes(file) == b"x" * 100


def test_a_large_file_is_held_once(tmp_path: Path) -> None:
    file = tmp_path / "published.txt"
    file.write_bytes(b"awards/a-000000.json\n" * 600_000)  # 12.6 MB, as the ledger of 50 000 awards
    tracemalloc.start()
    try:
        data = read_bytes(file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == file.read_bytes()
    assert peak < len(data) + 2 * load._READ, (peak, len(data))  # (joined reads: twice its size)


def test_what_is_not_a_regular_file_is_read_a_read_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe has no size to read at once, and cannot be read again from its start."""
    monkeypatch.setattr(load, "_READ", 16)  # (its first read fills a read)
    reader, writer = os.pipe()
    payload = b"y" * 1000
    pid = os.fork()
    if pid == 0:  # (the child writes, so that a full pipe does not block this process)
        os.close(reader)
        with os.fdopen(writer, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(writer)
    try:
        assert read_bytes(f"/proc/self/fd/{reader}") == payload
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
