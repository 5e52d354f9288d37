"""`trees.Overlay`: the next tree's manifest told by its differences from the live tree's.

It must say exactly what the manifest it stands for says (every lookup, the paths, their
number), and a writer given it must keep and refuse exactly the units a writer given the
plain manifest keeps and refuses.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.errors import BuildError
from badgegen.trees import ENTRY_SIZE, Overlay, TreeWriter, entry_of, overlaid

PATHS = [f"p{number}.json" for number in range(12)]
ENTRIES = [entry_of(bytes([number])) for number in range(4)]

trees = st.dictionaries(st.sampled_from(PATHS), st.sampled_from(ENTRIES), max_size=len(PATHS))


@settings(max_examples=300, deadline=None)
@given(manifest=trees, base=trees, copies=st.booleans())
def test_an_overlay_says_what_its_manifest_says(
    manifest: dict[str, bytes], base: dict[str, bytes], copies: bool
) -> None:
    if copies:  # (entries equal but not the same objects, as when stored blocks differ)
        manifest = {path: bytes(bytearray(entry)) for path, entry in manifest.items()}
    overlay = Overlay.of(manifest, base)
    assert dict(overlay) == manifest and len(overlay) == len(manifest)
    assert sorted(overlay) == sorted(manifest) and len(list(overlay)) == len(manifest)
    for path in [*PATHS, "elsewhere.json"]:
        assert overlay.get(path) == manifest.get(path)
        assert (path in overlay) == (path in manifest)
        assert overlay.get(path, b"default") == manifest.get(path, b"default")
    # (only what differs: an equal entry, even another object, is the base's)
    assert all(base.get(path) != entry for path, entry in overlay.changed.items())
    assert overlay.removed == base.keys() - manifest.keys()
    for start in range(0, len(PATHS), 3):
        paths = PATHS[start : start + 3]
        plain = overlay.plain_for(paths)
        if plain is not None:
            assert plain is base and [base.get(p) for p in paths] == [manifest.get(p) for p in paths]


@settings(max_examples=200, deadline=None)
@given(
    manifest=trees,
    base=trees,
    units=st.lists(
        st.lists(
            st.tuples(st.sampled_from(PATHS), st.sampled_from(ENTRIES)),
            min_size=1,
            max_size=3,
            unique_by=lambda f: f[0],
        ),
        max_size=5,
    ),
)
def test_a_writer_given_an_overlay_keeps_what_a_writer_given_the_manifest_keeps(
    manifest: dict[str, bytes],
    base: dict[str, bytes],
    units: list[list[tuple[str, bytes]]],
) -> None:
    root = Path("/nonexistent-badgegen-tree")  # (known trees: entries compared, no file read)
    plain = TreeWriter(root, dict(manifest), None, None)
    told = TreeWriter(root, Overlay.of(manifest, base), None, None)
    for files in units:
        paths = [path for path, _ in files]
        entries = b"".join(entry for _, entry in files)
        assert len(entries) == ENTRY_SIZE * len(paths)
        assert _keep_all(told, paths, entries) == _keep_all(plain, paths, entries)
        assert told.manifest == plain.manifest


def _keep_all(writer: TreeWriter, paths: list[str], entries: bytes) -> bool | str:
    try:
        return writer.keep_all(paths, entries)
    except BuildError as error:  # (a path two units name)
        return str(error)


def test_overlaid_tells_the_next_tree_from_the_live_one_only_when_both_are_known() -> None:
    live = {"a": ENTRIES[0], "b": ENTRIES[1]}
    following = {"a": ENTRIES[0], "c": ENTRIES[2]}
    both = overlaid({"1:live": live, "1:next": following}, "1:live", "1:next")
    assert both["1:live"] is live and isinstance(both["1:next"], Overlay)
    assert dict(both["1:next"]) == following
    assert both["1:next"].changed == {"c": ENTRIES[2]} and both["1:next"].removed == {"b"}
    for base_tree, tree in [(None, "1:next"), ("1:live", None), ("2:gone", "1:next"), ("1:live", "1:live")]:
        same = overlaid({"1:live": live, "1:next": following}, base_tree, tree)
        assert same == {"1:live": live, "1:next": following}
