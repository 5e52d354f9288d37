"""How the build cache stores its largest parts: what is loaded is what was saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import cache, trees
from badgegen.cache import BuildCache
from badgegen.trees import entry_of, pack_manifests, unpack_manifests


def test_a_large_dict_is_stored_in_parts_and_loaded_whole(tmp_path: Path) -> None:
    value = {f"key-{n}": (n, f"value {n}".encode()) for n in range(cache.CHUNK_ENTRIES * 2 + 5)}
    store = BuildCache(tmp_path, b"code")
    store.save("big", value)
    store.save("small", {"a": [1, 2]})
    loaded = store.load("big")
    assert loaded == value and list(loaded) == list(value)
    assert store.load("small") == {"a": [1, 2]}
    assert BuildCache(tmp_path, b"other code").load("big") is None


def test_manifests_are_packed_and_unpacked_as_they_were() -> None:
    live = {f"awards/{n}/index.html": entry_of(str(n).encode()) for n in range(300)}
    following = dict(live)
    following["awards/7/index.html"] = entry_of(b"changed")
    del following["awards/8/index.html"]
    following["new/file.json"] = entry_of(b"{}")
    manifests = {"1:2": following, "1:3": live, "1:4": {}}
    assert unpack_manifests(pack_manifests(manifests)) == manifests  # (a lookup: the order is not kept)
    assert unpack_manifests(None) == {} and unpack_manifests(("a", (("1:2", b"\x01", b"short"),))) == {}


PATHS = st.sampled_from(["a", "b/index.html", "c.json", "é/d.png", "assertions/x.svg", "z"])
MANIFEST = st.dictionaries(PATHS, st.binary(min_size=1, max_size=8).map(entry_of), max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["1:2", "1:3", "1:4"]), MANIFEST, max_size=3))
def test_any_manifests_come_back_as_they_were(manifests: dict[str, dict[str, bytes]]) -> None:
    """Trees holding every path, some, or none; in any order."""
    assert unpack_manifests(pack_manifests(manifests)) == manifests


def test_a_tree_with_entries_not_of_ours_is_left_out() -> None:
    manifests = {"1:2": {"a": entry_of(b"x")}, "1:3": {"a": b"short", "b": b"12345678901234567890x"}}
    assert unpack_manifests(pack_manifests(manifests)) == {"1:2": manifests["1:2"]}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=40),
    st.sets(st.integers(min_value=0, max_value=39)),
    st.sampled_from([1, 3, 4, 1024]),
)
def test_the_entries_both_trees_hold_are_one_object(size: int, changed: set[int], block: int) -> None:
    """Blocks of entries equal in both trees are the first tree's objects in the second
    (`trees._cut`); the manifests come back as they were whatever the block size."""
    first = {f"p{n}": entry_of(b"%d" % n) for n in range(size)}
    second = {
        path: entry_of(b"new") if n in changed else entry for n, (path, entry) in enumerate(first.items())
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trees, "SHARED_BLOCK", block)
        back = unpack_manifests(pack_manifests({"1:1": first, "1:2": second}))
    assert back == {"1:1": first, "1:2": second}
    for start in range(0, size, block):
        paths = list(first)[start : start + block]
        if all(first[p] == second[p] for p in paths):
            assert all(back["1:2"][p] is back["1:1"][p] for p in paths)


def test_loaded_records_are_checked_a_part_at_a_time(tmp_path: Path) -> None:
    """`units.checked_records`: records stored in parts come back equal; one record that is not
    what `unit_record` makes (they are kept across versions) makes the whole part unknown."""
    from badgegen.units import checked_records

    count = cache.CHUNK_ENTRIES + 3  # (stored in parts: each part is checked as it is read)
    records = {
        f"award:{n}": (
            b"k%d" % n,
            (f"assertions/{n}.json", f"assertions/{n}/index.html"),
            entry_of(b"%d" % n) * 2,
        )
        for n in range(count)
    }
    store = BuildCache(tmp_path, b"code")
    store.save("unit-records", records, any_code=True)
    assert store.load("unit-records", any_code=True, each=checked_records) == records
    for damaged in [
        3,
        (b"k", ("a.json",), b""),  # (an entry short)
        (b"k", ["a.json"], entry_of(b"")),
        ("k", ("a.json",), entry_of(b"")),
        (b"k", (b"a.json",), entry_of(b"")),
        (b"k", ("a.json",)),
    ]:
        store.save("unit-records", records | {"award:x": damaged}, any_code=True)
        assert store.load("unit-records", any_code=True, each=checked_records) is None, damaged


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=30),
    st.sets(st.integers(min_value=0, max_value=29)),
    st.sets(st.integers(min_value=0, max_value=29)),
    st.sampled_from([1, 2, 4, 8192]),
)
def test_manifests_stored_in_parts_come_back_from_the_cache(
    tmp_path_factory: pytest.TempPathFactory, size: int, changed: set[int], missing: set[int], part: int
) -> None:
    """Saved a part at a time (`PACKED_PATHS` paths each) and read back a part at a time: the
    same manifests, whatever the number of parts, and one string per path for both trees."""
    first = {f"awards/{n}/index.html": entry_of(b"%d" % n) for n in range(size)}
    second = {
        path: entry_of(b"new") if n in changed else entry
        for n, (path, entry) in enumerate(first.items())
        if n not in missing
    }
    store = BuildCache(tmp_path_factory.mktemp("cache"), b"code")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trees, "PACKED_PATHS", part)
        patch.setattr(trees, "SHARED_BLOCK", 1)
        store.save("trees", pack_manifests({"1:1": first, "1:2": second, "1:3": {}}), any_code=True)
        back = unpack_manifests(store.load("trees", any_code=True))
    assert back == {"1:1": first, "1:2": second, "1:3": {}}
    for path in back["1:2"]:
        assert next(p for p in back["1:1"] if p == path) is path


def test_manifests_stored_whole_by_earlier_versions_are_read() -> None:
    """Before parts, the manifests were stored as one `Packed`: read as one part."""
    manifests = {"1:1": {"a": entry_of(b"a"), "b/c.json": entry_of(b"c")}, "1:2": {"a": entry_of(b"x")}}
    (whole,) = pack_manifests(manifests)
    assert unpack_manifests(whole) == manifests


def test_damaged_stored_manifests_are_not_read(tmp_path: Path) -> None:
    """Cut short, or with parts that do not name the same trees: no manifests (the build then
    reads the trees' files), never a part of them."""
    manifests = {"1:1": {f"p{n}": entry_of(b"%d" % n) for n in range(40)}}
    store = BuildCache(tmp_path, b"code")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trees, "PACKED_PATHS", 8)
        store.save("trees", pack_manifests(manifests), any_code=True)
        assert unpack_manifests(store.load("trees", any_code=True)) == manifests
        stored = tmp_path / "trees.pickle"
        data = stored.read_bytes()
        stored.write_bytes(data[: len(data) * 2 // 3])
        assert unpack_manifests(store.load("trees", any_code=True)) == {}
        parts = list(pack_manifests(manifests))
        renamed = [
            *parts[:2],
            (parts[2][0], tuple(("1:9", held, entries) for _, held, entries in parts[2][1])),
        ]
        assert unpack_manifests(renamed) == {}


def test_a_damaged_part_is_not_known_whatever_byte_changed(tmp_path: Path) -> None:
    """Each byte of a stored part changed in turn (to 0x00, 0x7f, 0xff): the part loads as
    nothing or as some value, never raises (a length made huge raised `MemoryError` or
    `OverflowError` before). A damaged cache is ignored, not a traceback."""
    manifests = {"1:1": {f"p{n}": entry_of(b"%d" % n) for n in range(12)}, "1:2": {"p1": entry_of(b"x")}}
    store = BuildCache(tmp_path, b"code")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trees, "PACKED_PATHS", 4)
        patch.setattr(cache, "CHUNK_ENTRIES", 4)  # (the units' records in parts too)
        store.save("trees", pack_manifests(manifests), any_code=True)
        store.save("units", {f"award:{n}": (b"k", (f"p{n}",), entry_of(b"")) for n in range(9)})
    for name, read in (
        ("trees", lambda: unpack_manifests(store.load("trees", any_code=True))),
        ("units", lambda: store.load("units")),
    ):
        stored = tmp_path / f"{name}.pickle"
        good = stored.read_bytes()
        for position in range(len(good)):
            for value in (0x00, 0x7F, 0xFF):
                stored.write_bytes(good[:position] + bytes([value]) + good[position + 1 :])
                read()  # (raises, and fails the test, if a damaged part is not caught)
        stored.write_bytes(good)
    assert unpack_manifests(store.load("trees", any_code=True)) == manifests
