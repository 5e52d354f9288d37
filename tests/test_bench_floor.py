"""bench/floor.py turns off what it says, and only that: its figures are worth no more.

The benchmark itself asserts no time; here, builds of a small generated registry with parts
turned off are compared with the build with everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
try:
    import floor  # the benchmark
    import synth  # the benchmark's generator
finally:
    sys.path.remove(str(REPO / "bench"))


def published(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index's, by path."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file() and path.relative_to(site).parts[0] != "pagefind"
    }


def test_a_build_without_a_part_lacks_it_and_makes_the_same_bytes_otherwise(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    synth.generate(registry, 30, seed=5)
    floor.build(registry, (), "ledger")  # records the ledger, as floor.main does first
    seconds, stages = floor.build(registry, (), "all")
    assert seconds > 0 and {"check", "units", "search"} <= stages.keys()
    floor.build(registry, ("scan",), "unscanned")
    floor.build(registry, ("scan", "search"), "bare")
    everything, unscanned, bare = (registry / f"floor-{tag}" / "site" for tag in ("all", "unscanned", "bare"))

    assert (everything / "pagefind" / "pagefind-entry.json").is_file()
    assert (unscanned / "pagefind" / "pagefind-entry.json").is_file()
    assert not (bare / "pagefind").exists()
    assert published(everything) == published(unscanned) == published(bare)
    assert len(published(everything)) > 100
