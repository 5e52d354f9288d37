"""Cache parts kept as a base and a delta: what is loaded is always what was saved last.

The output trees' manifests and the units' records are rewritten whole only when their
delta grows past `cache.DELTA_SLACK`; a delta applies only to the base it was saved for.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import cache
from badgegen.cache import BuildCache, dict_delta, dict_with_delta, save_dict
from badgegen.cli import main
from badgegen.trees import (
    delta_size,
    entry_of,
    manifests_delta,
    next_tree,
    pack_manifests,
    tree_id,
    unit_entries,
    unpack_manifests,
)
from badgegen.units import checked_records, stored_unit_trees

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"

KEYS = st.sampled_from([f"k{n}" for n in range(12)])
DICTS = st.dictionaries(KEYS, st.integers(0, 3).map(lambda n: (n,)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(DICTS, DICTS)
def test_a_dict_delta_turns_the_base_into_the_value(base: dict[str, Any], value: dict[str, Any]) -> None:
    # Values taken over from the base are the base's own objects, as a build's kept records are.
    value = {key: base[key] if key in base and base[key] == item else item for key, item in value.items()}
    assert dict_with_delta(base, dict_delta(base, value)) == value


def test_a_delta_applies_only_to_the_base_it_was_saved_for(tmp_path: Path) -> None:
    store = BuildCache(tmp_path, b"code")
    base = {f"unit-{n}": (n,) for n in range(100)}
    store.save_base("units", base)
    loaded, delta, identity = store.load_with_delta("units")
    assert loaded == base and delta is None and identity is not None
    value = {**loaded, "unit-3": (-3,)}
    del value["unit-4"]
    save_dict(store, "units", value, loaded, identity)
    assert (tmp_path / "units-delta.pickle").is_file()
    again, delta, same = store.load_with_delta("units")
    assert same == identity and dict_with_delta(again, delta) == value
    # Another base (written whole): the delta beside it is not applied to it.
    store.save("units", base)  # (as an older badgegen, or a copy, would leave it)
    other, delta, other_identity = store.load_with_delta("units")
    assert other_identity != identity and delta is None and dict_with_delta(other, delta) == base
    assert not store.save_delta("units", identity, ({}, ())), "refused: its base is gone"


def test_a_delta_past_the_slack_writes_the_part_whole(tmp_path: Path) -> None:
    store = BuildCache(tmp_path, b"code")
    base = {f"unit-{n}": (n,) for n in range(100)}
    store.save_base("units", base)
    loaded, _, identity = store.load_with_delta("units")
    changed = {key: (-1,) for key in list(loaded)[: int(cache.DELTA_SLACK * 100) + 1]}
    save_dict(store, "units", {**loaded, **changed}, loaded, identity)
    assert not (tmp_path / "units-delta.pickle").exists()
    whole, delta, _ = store.load_with_delta("units")
    assert delta is None and whole == {**base, **changed}


PATHS = st.sampled_from(["a", "b/", "c.json", "d.png", "e/f.svg", "g"])
MANIFEST = st.dictionaries(PATHS, st.binary(min_size=1, max_size=3).map(entry_of), max_size=6)


@settings(max_examples=300, deadline=None)
@given(MANIFEST, MANIFEST, st.lists(MANIFEST, min_size=1, max_size=4))
def test_manifest_deltas_add_up_to_the_manifests(live: Any, following: Any, builds: list[Any]) -> None:
    """Builds in turn: each rewrites the next tree (then flipped live), the delta grows."""
    stored = list(pack_manifests({"1:1": following, "1:2": live}))  # (unpacked at every build)
    delta: Any = None
    trees = ["1:1", "1:2"]
    for number, new in enumerate(builds):
        manifests = unpack_manifests(stored, delta)
        name, other = trees[number % 2], trees[(number + 1) % 2]
        old = manifests[name]
        after = {name: dict(new), other: manifests[other]}
        whole = manifests_delta(delta, {"1:1", "1:2"}, after, old, after[name])
        assert whole is not None
        # Bounded: the same delta while it stays within `most` entries, else none at all.
        most = delta_size(whole) - (number % 3)
        bounded = manifests_delta(delta, {"1:1", "1:2"}, after, old, after[name], most)
        assert bounded == (whole if delta_size(whole) <= most else None)
        delta = whole
        assert unpack_manifests(stored, delta) == after


def test_another_tree_means_storing_whole() -> None:
    manifest = {"a": entry_of(b"a")}
    assert manifests_delta(None, {"1:1", "1:2"}, {"1:1": manifest, "1:3": {}}, {}, manifest) is None


def _build(content: Path, out: Path) -> dict[str, Any]:
    timings = out.parent / "timings.json"
    args = ["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
    assert main([*args, "--timings", str(timings)]) == 0
    figures: dict[str, Any] = json.loads(timings.read_text("utf-8"))
    return figures


def test_a_build_saves_deltas_and_the_manifests_say_what_the_trees_hold(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    folder = tmp_path / ".badgegen-cache"
    _build(content, out)
    (folder / "up-to-date.pickle").unlink()
    _build(content, out)  # (fills the second tree)
    bases = {name: (folder / f"{name}.pickle").stat().st_ino for name in ("tree-files", "unit-records")}
    for old, new in (("quatre planches", "cinq planches"), ("cinq planches", "six planches")):
        award = next(content.glob("awards/*/l6xa54st3vwuqn55eot2.yaml"))  # (unlisted: no search page)
        award.write_text(award.read_text("utf-8").replace(old, new, 1), "utf-8")
        figures = _build(content, out)
        assert figures["units_produced"] >= 1
    assert {name: (folder / f"{name}.pickle").stat().st_ino for name in bases} == bases, "not rewritten"
    assert (folder / "tree-files-delta.pickle").is_file() and (folder / "unit-records-delta.pickle").is_file()
    assert not any((folder / f"{name}.pickle").exists() for name in ("trees", "units", "trees-delta"))
    store = BuildCache(folder, b"")
    packed, delta, _ = store.load_with_delta("tree-files", any_code=True)
    manifests = unpack_manifests(packed, delta)
    base, delta, _ = store.load_with_delta("unit-records", any_code=True, each=checked_records)
    records = dict_with_delta(base, delta)
    state = store.load("tree-units", any_code=True)
    saved = store.load("trees-saved", any_code=True)
    unit_trees = stored_unit_trees(records, state, tree_id(out), tree_id(next_tree(out)), saved)
    for tree in (out, next_tree(out)):
        files = {
            p.relative_to(tree).as_posix(): entry_of(p.read_bytes()) for p in tree.rglob("*") if p.is_file()
        }
        files.pop(".badgegen-unfinished", None)
        listed = {
            path + "index.html" if path.endswith("/") else path: e
            for path, e in manifests[tree_id(tree)].items()
        }
        for unit_files in unit_trees[str(tree_id(tree))].values():
            listed |= unit_entries(unit_files)
        assert listed == files


def test_a_trees_delta_with_an_entry_of_another_size_is_not_ours() -> None:
    """Entries are compared joined end to end (`TreeWriter.keep_all`): one of another size could
    shift the others into place, so such a delta makes the whole manifests unknown."""
    from badgegen.trees import ENTRY_SIZE, pack_manifests, unpack_manifests

    stored = list(pack_manifests({"tree": {"a.json": b"\x01" * ENTRY_SIZE}}))
    good = {"tree": ({"b.json": b"\x02" * ENTRY_SIZE}, set())}
    assert unpack_manifests(stored, good)["tree"]["b.json"] == b"\x02" * ENTRY_SIZE
    bad = {"tree": ({"b.json": b"\x02" * (ENTRY_SIZE + 1)}, set())}
    assert unpack_manifests(stored, bad) == {}


def test_the_parts_an_earlier_version_stored_are_deleted_and_never_read(tmp_path: Path) -> None:
    """Earlier versions knew every file of both trees by path (`trees`) and kept the units'
    records for one version (`units`). A build deletes them, and what they would say is not
    trusted: the site is the one a clean build makes."""
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    folder = tmp_path / ".badgegen-cache"
    _build(content, out)
    clean = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    store = BuildCache(folder, b"")
    # What they might say: that every file holds other bytes, and that units hold nothing.
    wrong = {path: entry_of(b"other bytes") for path in clean}
    store.save_base("trees", pack_manifests({str(tree_id(out)): wrong}), any_code=True)
    store.save("trees-delta", ((0, 0, 0), {}), any_code=True)
    store.save("units", {"award:x": (b"k", ("x.json",), entry_of(b""))})
    (folder / "up-to-date.pickle").unlink()
    _build(content, out)
    assert not any((folder / f"{name}.pickle").exists() for name in ("trees", "trees-delta", "units"))
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == clean
