"""The output trees know the units' files by unit, not by path (`TreeWriter.keep_unit`).

A sequence of builds, each with its units (some kept because their key did not change, the
others produced again) and its other files, must leave exactly the files of the last build in
the live tree, byte for byte: nothing stale, nothing missing, a file moved from one unit to
another (or out of every unit) kept, the live tree never changed through a shared link. What
the trees hold is saved and loaded between builds as the pipeline does (`unit_trees_state`,
`stored_unit_trees`, the records with their mark, the mark saved last and withdrawn before each
flip), or lost (a cache deleted), or left as it was, or saved in part (a build killed after its
flip, before or between its saves).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.errors import BuildError
from badgegen.trees import UNFINISHED, TreeWriter, entry_of, next_tree, sync_file, tree_id, updated_output
from badgegen.units import BUILD_MARK, UnitRecord, stored_unit_trees, unit_record, unit_trees_state

#: Where a build may be killed after its flip: before its saves, or after one or two of them.
KILLED = ("killed before the saves", "killed after the records", "killed before the mark")
PATHS = ["a.json", "a/index.html", "b.png", "b/index.html", "c.json", "d/e/index.html", "f.txt"]
UNITS = ["award:a", "award:b", "badge:c"]

#: One build: each unit's files (path → version) or None (no such unit), and the other files.
build_strategy = st.tuples(
    st.fixed_dictionaries(
        {
            unit: st.none()
            | st.dictionaries(st.sampled_from(PATHS), st.integers(0, 2), min_size=1, max_size=3)
            for unit in UNITS
        }
    ),
    st.dictionaries(st.sampled_from(PATHS), st.integers(0, 2), max_size=2),
    st.sampled_from(["saved", "saved", "saved", "cache lost", *KILLED]),
)


def _distinct(units: dict[str, dict[str, int] | None], loose: dict[str, int]) -> bool:
    """A registry never publishes one path twice (`two outputs` is a bug, tested apart)."""
    paths = [path for files in units.values() if files for path in files] + list(loose)
    return len(paths) == len(set(paths))


def _bytes(path: str, version: int) -> bytes:
    return f"{path} v{version}\n".encode()


class Registry:
    """The cache between builds, as the pipeline keeps it."""

    def __init__(self, root: Path) -> None:
        self.out = root / "site"
        self.manifests: dict[str, Any] = {}
        self.records: dict[str, UnitRecord] = {}  # with their mark
        self.state: Any = None
        self.saved: Any = None  # the mark saved last (`pipeline.TREES_SAVED`)

    def withdraw(self) -> None:
        self.saved = None

    def build(self, units: dict[str, dict[str, int] | None], loose: dict[str, int], fate: str) -> None:
        records = dict(self.records)
        live_id, next_id = tree_id(self.out), tree_id(next_tree(self.out))
        unit_trees = stored_unit_trees(records, self.state, live_id, next_id, self.saved)
        manifests = {
            tree: manifest for tree, manifest in self.manifests.items() if tree in (live_id, next_id)
        }
        keys = {unit: repr(sorted(files.items())).encode() for unit, files in units.items() if files}
        with updated_output(self.out, manifests, unit_trees=unit_trees, before_flip=self.withdraw) as writer:
            for unit, key in keys.items():
                record = records.get(unit)
                if record is not None and record[0] == key and writer.keep_unit(unit, record):
                    continue
                old = writer.old_entries(unit)
                files = []
                written = 0
                for path, version in sorted(units[unit].items()):  # type: ignore[union-attr]
                    entry, wrote = sync_file(
                        writer.root,
                        path,
                        _bytes(path, version),
                        old.get(path),
                        known=writer.known,
                        folders=writer.folders,
                    )
                    files.append((path, entry))
                    written += wrote
                writer.record_unit(unit, unit_record(key, files), written)
            for path, version in sorted(loose.items()):
                writer.write(path, _bytes(path, version))
        if fate == "cache lost":  # the cache was deleted
            self.records, self.state, self.manifests, self.saved = {}, None, {}, None
            return
        if fate == "killed before the saves":
            return
        # The parts in the pipeline's order: the records, the trees' units, the other files'
        # manifests, then the mark.
        mark: UnitRecord = (os.urandom(8), (), b"")
        self.records = {**writer.units, BUILD_MARK: mark}
        if fate == "killed after the records":
            return
        self.state = unit_trees_state(mark, unit_trees, writer.units)
        self.manifests = manifests
        if fate == "killed before the mark":
            return
        self.saved = mark[0]


@settings(max_examples=150, deadline=None)
@given(builds=st.lists(build_strategy, min_size=1, max_size=6))
def test_a_sequence_of_builds_leaves_exactly_the_last_builds_files(
    tmp_path_factory: pytest.TempPathFactory, builds: list[Any]
) -> None:
    root = tmp_path_factory.mktemp("registry")
    registry = Registry(root)
    for units, loose, fate in builds:
        if not _distinct(units, loose):
            continue
        registry.build(units, loose, fate)
        expected = {
            path: _bytes(path, version)
            for files in units.values()
            if files
            for path, version in files.items()
        }
        expected |= {path: _bytes(path, version) for path, version in loose.items()}
        found = {
            path.relative_to(registry.out).as_posix(): path.read_bytes()
            for path in registry.out.rglob("*")
            if path.is_file()
        }
        assert found == expected


def test_a_unit_kept_from_the_live_tree_is_linked_and_the_live_tree_never_changes(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    first = {"award:a": {"a.json": 0, "a/index.html": 0}, "award:b": {"b.png": 0}, "badge:c": None}
    registry.build(first, {}, "saved")
    registry.build(first, {}, "saved")  # (the next tree is filled: links from the live one)
    live, following = registry.out, next_tree(registry.out)
    assert (live / "a.json").samefile(following / "a.json")
    second = {**first, "award:b": {"b.png": 1}}
    registry.build(second, {}, "saved")  # b changes: a new file, never written through the link
    assert (registry.out / "b.png").read_bytes() == _bytes("b.png", 1)
    assert (next_tree(registry.out) / "b.png").read_bytes() == _bytes("b.png", 0)
    registry.build(second, {}, "saved")  # the next tree holds b v0: b v1 is linked from the live one
    assert (registry.out / "b.png").samefile(next_tree(registry.out) / "b.png")
    assert not any(path.name.endswith(".~new") for path in tmp_path.rglob("*"))


def test_a_path_two_units_produce_is_refused(tmp_path: Path) -> None:
    writer = TreeWriter(tmp_path, {"x": entry_of(b"")}, None, None)  # (a known tree, not empty)
    writer.record_unit("award:a", unit_record(b"k", [("a.json", entry_of(b"1"))]), 1)
    with pytest.raises(BuildError, match="two outputs"):
        writer.record_unit("award:b", unit_record(b"k", [("a.json", entry_of(b"1"))]), 1)
    with pytest.raises(BuildError, match="two outputs"):
        writer.write("a.json", b"1")
    with pytest.raises(BuildError, match="two outputs"):
        writer.record_unit("award:a", unit_record(b"k", [("z.json", entry_of(b"1"))]), 1)


def test_in_a_tree_that_started_empty_a_file_written_twice_is_refused(tmp_path: Path) -> None:
    """No set of every path there: the file is created exclusively, and exists already."""
    writer = TreeWriter(tmp_path, {}, None, None)
    assert writer.touched is None
    sync_file(tmp_path, "a.json", b"1", None, known=True, folders=writer.folders)
    with pytest.raises(BuildError, match="two outputs"):
        writer.write("a.json", b"2")
    assert (tmp_path / "a.json").read_bytes() == b"1"


def test_records_and_trees_saved_apart_by_a_killed_build_are_not_trusted(tmp_path: Path) -> None:
    """The records are saved, then what the trees hold of them: a build killed in between
    leaves records whose mark the trees' state does not carry, and both trees are read."""
    registry = Registry(tmp_path)
    units = {"award:a": {"a.json": 0}, "award:b": None, "badge:c": None}
    registry.build(units, {}, "saved")
    registry.build(units, {}, "saved")
    state = registry.state
    registry.build({**units, "award:a": {"a.json": 1}}, {}, "saved")
    registry.state = state  # (the records of the last build, the trees' state of the one before)
    records = dict(registry.records)
    assert (
        stored_unit_trees(
            records, registry.state, tree_id(registry.out), tree_id(next_tree(registry.out)), registry.saved
        )
        == {}
    )
    assert BUILD_MARK not in records
    registry.build({**units, "award:a": {"a.json": 0}}, {}, "saved")
    assert (registry.out / "a.json").read_bytes() == _bytes("a.json", 0)
    assert not (next_tree(registry.out) / UNFINISHED).exists()


@pytest.mark.parametrize("fate", KILLED)
def test_a_build_killed_after_its_flip_never_gets_its_files_taken_for_older_ones(
    tmp_path: Path, fate: str
) -> None:
    """Versions 0, 1, then 2 killed after its flip: the cache said the new live tree held
    version 0. Two builds later that tree is the next one again: taken at its word, it held
    version 0 already, and version 2 was published for a build of version 0."""
    registry = Registry(tmp_path)

    def version(number: int) -> tuple[dict[str, dict[str, int] | None], dict[str, int]]:
        return {"award:a": {"a.json": number}, "award:b": None, "badge:c": None}, {"f.txt": number}

    registry.build(*version(0), "saved")
    registry.build(*version(1), "saved")
    registry.build(*version(2), fate)
    assert registry.saved is None
    for _ in range(3):
        registry.build(*version(0), "saved")
        assert (registry.out / "a.json").read_bytes() == _bytes("a.json", 0)
        assert (registry.out / "f.txt").read_bytes() == _bytes("f.txt", 0)


def test_the_mark_is_withdrawn_before_the_flip_and_a_cache_that_cannot_withdraw_it_refuses_the_build(
    tmp_path: Path,
) -> None:
    from badgegen.cache import BuildCache

    store = BuildCache(tmp_path / "cache", b"")
    store.save("trees-saved", b"mark", any_code=True)
    store.withdraw("trees-saved")
    assert store.load("trees-saved", any_code=True) is None
    store.save("trees-saved", b"mark", any_code=True)
    (tmp_path / "cache").chmod(0o500)
    try:
        if os.access(tmp_path / "cache", os.W_OK):  # (root writes anyway: the folder is a file then)
            (tmp_path / "cache").chmod(0o700)
            part = tmp_path / "cache" / "trees-saved.pickle"
            part.unlink()
            part.mkdir()
            (part / "x").touch()
        with pytest.raises(BuildError, match="build cache cannot be changed"):
            store.withdraw("trees-saved")
    finally:
        (tmp_path / "cache").chmod(0o700)


def test_a_build_that_failed_leaves_the_next_tree_unknown(tmp_path: Path) -> None:
    registry = Registry(tmp_path)
    units = {"award:a": {"a.json": 0}, "award:b": None, "badge:c": None}
    registry.build(units, {}, "saved")
    unit_trees = stored_unit_trees(
        dict(registry.records), registry.state, tree_id(registry.out), None, registry.saved
    )
    following = tree_id(next_tree(registry.out))
    with contextlib.suppress(RuntimeError), updated_output(registry.out, {}, unit_trees=unit_trees):
        raise RuntimeError("refused")
    assert following not in unit_trees
