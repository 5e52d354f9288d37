"""How badgegen.trees creates files: directly under their name, never through an existing one.

A file of the next tree may be a hard link shared with the live tree, so whatever the
writer is told (an empty tree, a manifest that does not know a file, a temporary file
left by a killed build), the bytes of the live tree never change.
"""

from __future__ import annotations

import contextlib
import copy
import os
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.errors import BuildError
from badgegen.trees import (
    ENTRY_SIZE,
    SHARED_BLOCK,
    UNFINISHED,
    Folders,
    Overlay,
    Sizes,
    TreeWriter,
    check_relpath,
    entry_of,
    next_tree,
    overlaid,
    sync_file,
    tree_id,
    updated_output,
)


def test_an_empty_tree_gets_its_folders_once(tmp_path: Path) -> None:
    writer = TreeWriter(tmp_path, {}, None, None)
    assert writer.folders.empty
    for name in ("a/b/c.json", "a/b/d.json", "a/e/index.html", "f.txt"):
        writer.write(name, name.encode())
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "a",
        "a/b",
        "a/b/c.json",
        "a/b/d.json",
        "a/e",
        "a/e/index.html",
        "f.txt",
    ]
    assert (tmp_path / "a/b/d.json").read_bytes() == b"a/b/d.json"
    assert writer.folders.made == {"", "a", "a/b", "a/e"}


def test_a_folder_made_meanwhile_by_another_worker_is_fine(tmp_path: Path) -> None:
    folders = Folders(tmp_path, empty=True)
    (tmp_path / "a/b").mkdir(parents=True)  # another process of the build made it
    sync_file(tmp_path, "a/b/c.json", b"{}", None, known=True, folders=folders)
    assert (tmp_path / "a/b/c.json").read_bytes() == b"{}"


def test_a_folder_of_a_tree_that_is_not_empty_is_made_when_missing(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes(b"old")
    folders = Folders(tmp_path, empty=False)
    for name in ("x/y/z.json", "x/y/w.json", "old2.txt"):
        sync_file(tmp_path, name, b"new", None, known=True, folders=folders)
        assert (tmp_path / name).read_bytes() == b"new"


def _linked_to_live(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A file of the live tree, and its hard link in the next tree (as `TreeWriter.keep` makes)."""
    live, following = tmp_path / "site", tmp_path / ".site.next"
    (live / "a").mkdir(parents=True)
    (following / "a").mkdir(parents=True)
    (live / name).write_bytes(b"live bytes")
    os.link(live / name, following / name)
    return live / name, following / name


def test_a_file_the_manifest_does_not_know_is_replaced_not_written_through(tmp_path: Path) -> None:
    """A file cut short by a killed build is in no manifest: the next build replaces it."""
    live, following = _linked_to_live(tmp_path, "a/x.json")
    entry, wrote = sync_file(following.parent.parent, "a/x.json", b"new", None, known=True)
    assert wrote and entry == entry_of(b"new")
    assert following.read_bytes() == b"new"
    assert live.read_bytes() == b"live bytes"


def test_a_changed_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    live, following = _linked_to_live(tmp_path, "a/x.json")
    sync_file(following.parent.parent, "a/x.json", b"new", entry_of(b"live bytes"), known=True)
    assert (following.read_bytes(), live.read_bytes()) == (b"new", b"live bytes")


def test_a_temporary_file_left_by_a_killed_build_is_not_written_through(tmp_path: Path) -> None:
    """`_link` makes its temporary file a hard link to the live tree before renaming it."""
    live, following = _linked_to_live(tmp_path, "a/x.json")
    os.link(live, following.with_name(".x.json.~new"))
    sync_file(following.parent.parent, "a/x.json", b"new", entry_of(b"live bytes"), known=True)
    assert (following.read_bytes(), live.read_bytes()) == (b"new", b"live bytes")
    assert not following.with_name(".x.json.~new").exists()


def test_a_file_cut_short_by_a_failed_write_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(descriptor: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError):
        sync_file(tmp_path, "a.json", b"{}", None, known=True, folders=Folders(tmp_path, empty=True))
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_tree_is_compared_by_reading_it(tmp_path: Path) -> None:
    (tmp_path / "same.txt").write_bytes(b"same")
    (tmp_path / "other.txt").write_bytes(b"before")
    assert sync_file(tmp_path, "same.txt", b"same", None, known=False) == (entry_of(b"same"), False)
    assert sync_file(tmp_path, "other.txt", b"after", None, known=False) == (entry_of(b"after"), True)
    assert sync_file(tmp_path, "new/file.txt", b"new", None, known=False) == (entry_of(b"new"), True)
    assert (tmp_path / "other.txt").read_bytes() == b"after"
    assert (tmp_path / "new/file.txt").read_bytes() == b"new"


def _pathlib_refuses(relpath: str) -> bool:
    """The check as it was written with PurePosixPath (the reference)."""
    pure = PurePosixPath(relpath)
    return pure.is_absolute() or ".." in pure.parts or "" in relpath.split("/")


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["a", "b.json", ".", "..", "", "..."]), max_size=5).map("/".join))
def test_unsafe_paths_are_refused_as_pathlib_said(relpath: str) -> None:
    full = relpath + "index.html" if relpath.endswith("/") or relpath == "" else relpath
    try:
        check_relpath(relpath)
    except BuildError:
        assert _pathlib_refuses(full)
    else:
        assert not _pathlib_refuses(full)


@pytest.mark.parametrize("told", [False, True], ids=["dicts", "next-tree-as-overlay"])
def test_a_build_after_a_failed_one_does_not_trust_what_it_left(tmp_path: Path, told: bool) -> None:
    """The cache keeps the next tree's manifest from before a failed (or killed) build, which
    may have replaced files: reverting the change must not publish the refused bytes. The
    same when the next tree's manifest is told from the live tree's (`overlaid`, as builds do)."""
    out = tmp_path / "site"
    manifests: dict[str, Any] = {}

    overlays: list[bool] = []

    def build(data: bytes, *, fail: bool = False) -> None:
        if told:
            manifests.update(overlaid(manifests, tree_id(out), tree_id(next_tree(out))))
            overlays.append(isinstance(manifests.get(str(tree_id(next_tree(out)))), Overlay))
        with contextlib.suppress(RuntimeError), updated_output(out, manifests) as writer:
            writer.write("a/index.html", data)
            writer.write("b.json", b"{}")
            if fail:
                raise RuntimeError("refused: personal data in a page")

    build(b"A")
    build(b"A")  # both trees hold A
    saved = copy.deepcopy({tree: dict(manifest) for tree, manifest in manifests.items()})  # the cache
    build(b"B with a phone number", fail=True)  # B written into the next tree, then refused
    assert (out / "a/index.html").read_bytes() == b"A"
    manifests.clear()
    manifests.update(saved)  # a failed build saves no cache
    build(b"A")  # the change is reverted
    assert (out / "a/index.html").read_bytes() == b"A"
    assert sorted(p.name for p in out.iterdir()) == ["a", "b.json"]
    build(b"A")
    assert (out / "a/index.html").read_bytes() == b"A"
    assert not (tmp_path / ".site.next" / UNFINISHED).exists()
    assert overlays == ([False, False, True, True, True] if told else [])


_ENTRIES = st.sampled_from([bytes([n]) * ENTRY_SIZE for n in range(4)])
_PATHS = st.sampled_from([f"assertions/{n}.json" for n in range(6)])


@settings(max_examples=300, deadline=None)
@given(
    old=st.dictionaries(_PATHS, _ENTRIES),
    already=st.lists(_PATHS, max_size=2, unique=True),
    files=st.lists(st.tuples(_PATHS, _ENTRIES), max_size=4, unique_by=lambda pair: pair[0]),
)
def test_keep_all_keeps_a_unit_exactly_when_the_old_manifest_has_each_of_its_entries(
    tmp_path_factory: pytest.TempPathFactory,
    old: dict[str, bytes],
    already: list[str],
    files: list[tuple[str, bytes]],
) -> None:
    """The usual case compares the entries joined end to end, in C (`TreeWriter.keep_all`): it
    decides as the rule file by file, and the new manifest takes the old one's entry objects."""
    writer = TreeWriter(tmp_path_factory.mktemp("tree"), dict(old), None, None)
    for path in already:
        writer.manifest[path] = b"\xff" * ENTRY_SIZE
    paths, entries = tuple(path for path, _ in files), b"".join(entry for _, entry in files)
    expected = all(old.get(path) == entry and path not in already for path, entry in files)
    if any(path in already for path in paths):  # (two outputs for one path: a bug, said loudly)
        if all(old.get(path) == entry for path, entry in files):
            with pytest.raises(BuildError, match="two outputs"):
                writer.keep_all(paths, entries)
        return
    assert writer.keep_all(paths, entries) is expected
    if expected:
        assert all(writer.manifest[path] is old[path] for path in paths)
    else:
        assert not set(paths) & writer.manifest.keys()


def test_a_record_whose_entries_do_not_match_its_paths_is_produced_again(tmp_path: Path) -> None:
    old = {"a.json": b"\x01" * ENTRY_SIZE}
    writer = TreeWriter(tmp_path, old, None, None)
    assert writer.keep_all(("a.json",), b"\x01" * (ENTRY_SIZE - 1)) is False
    assert writer.keep_all(("a.json",), b"\x01" * (ENTRY_SIZE + 1)) is False
    assert writer.manifest == {}


def test_a_unit_kept_in_part_is_undone_with_its_links(tmp_path: Path) -> None:
    """The first file of a unit is linked from the live tree, the second is nowhere: the unit is
    produced again, and the link made for the first goes (the next tree holds nothing unknown)."""
    live_root, root = tmp_path / "live", tmp_path / "next"
    (live_root / "assertions").mkdir(parents=True)
    root.mkdir()
    data = b"{}\n"
    (live_root / "assertions" / "a.json").write_bytes(data)
    live = {"assertions/a.json": entry_of(data)}
    writer = TreeWriter(root, {}, live_root, live)
    paths = ("assertions/a.json", "assertions/b.json")
    assert writer.keep_all(paths, entry_of(data) + entry_of(b"other")) is False
    assert writer.manifest == {} and writer.copied == 0
    assert not (root / "assertions" / "a.json").exists()
    assert writer.keep_all(paths[:1], entry_of(data)) is True
    assert writer.copied == 1 and writer.manifest["assertions/a.json"] is live["assertions/a.json"]
    assert (root / "assertions" / "a.json").samefile(live_root / "assertions" / "a.json")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.binary(max_size=300), max_size=40))
def test_the_total_size_of_a_tree_is_the_sum_of_its_files_sizes(files: dict[str, bytes]) -> None:
    """`Sizes.total()` reads the sizes from the entries joined: the sum a lookup per path gives."""
    sizes = Sizes({path: entry_of(data) for path, data in files.items()})
    assert sizes.total() == sum(sizes.values()) == sum(len(data) for data in files.values())


def test_the_total_size_is_summed_a_block_at_a_time_over_every_block() -> None:
    """More entries than a block (`SHARED_BLOCK`): every block counts, the last one short."""
    files = {f"f{number}": entry_of(b"x" * (number % 97)) for number in range(3 * SHARED_BLOCK + 5)}
    assert Sizes(files).total() == sum(number % 97 for number in range(3 * SHARED_BLOCK + 5))
