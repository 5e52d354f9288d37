"""A unit produced again is recorded with the objects the build already holds.

When every unit is produced again (a new template, a new version of badgegen) but most files
keep their bytes, the records (which are also what the next tree holds of units) must not hold
a second string for each file (a forked worker sends back copies): they take the previous
record's paths and entries wherever those are equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from badgegen.trees import TreeWriter
from badgegen.units import UnitRecord, build_units

UNITS = [f"award:{number}" for number in range(40)]


def _files(item: tuple[str, str]) -> Iterator[tuple[str, bytes]]:
    """Three files a unit: two that never change, one whose bytes say the item's version."""
    name, version = item
    yield f"{name}/index.html", f"<p>{name}</p>".encode()
    yield f"{name}.json", f'{{"id": "{name}"}}'.encode()
    yield f"{name}/version.txt", version.encode()


def _build(
    root: Path,
    old: dict[str, UnitRecord],
    previous: dict[str, UnitRecord],
    versions: dict[str, str],
    key: bytes,
    jobs: int,
) -> tuple[dict[str, UnitRecord], dict[str, UnitRecord]]:
    writer = TreeWriter(root, {}, None, None, old_units=old)
    scanner = SimpleNamespace(public=frozenset(), needles=(), shown_as="site", problems=[])
    wanted = {unit: (key, (unit.replace(":", "-"), versions.get(unit, "1"))) for unit in UNITS}
    report = build_units(writer, wanted, previous, _files, scanner, jobs, threshold=0)
    assert report.produced == len(UNITS) and scanner.problems == []
    assert writer.manifest == {}  # (every file is a unit's)
    return writer.units, report.records


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "forked-workers"])
def test_a_unit_made_again_shares_the_objects_the_build_holds(tmp_path: Path, jobs: int) -> None:
    manifest, records = _build(tmp_path, {}, {}, {}, b"first template", jobs)
    changed = UNITS[7]
    # Every unit's key changes (another template): all are produced again, one with new bytes.
    again, new_records = _build(tmp_path, manifest, records, {changed: "2"}, b"second template", jobs)

    assert again is new_records and again.keys() == manifest.keys()
    for unit in UNITS:
        before, after = records[unit], new_records[unit]
        assert after[0] == b"second template"
        assert after[1] is before[1], unit  # the very same tuple of the very same strings
        if unit == changed:
            assert after[2] != before[2]
        else:
            assert after[2] is before[2], unit
    assert writer_counts(tmp_path) == 3 * len(UNITS)
    assert (tmp_path / "award-7" / "version.txt").read_bytes() == b"2"


def test_a_unit_whose_files_are_not_those_of_its_record_keeps_its_own(tmp_path: Path) -> None:
    """Sharing never changes what is recorded: another list of files is recorded as produced."""
    manifest, records = _build(tmp_path, {}, {}, {}, b"first", 1)
    unit = UNITS[3]
    key, paths, entries = records[unit]
    records[unit] = (key, paths[:2], entries[:40])  # a record that lacks a file
    again, new_records = _build(tmp_path, manifest, records, {}, b"second", 2)
    assert new_records[unit][1] == paths and new_records[unit][1] is not paths[:2]
    assert new_records[unit][2] == entries
    assert again.keys() == manifest.keys()


def writer_counts(root: Path) -> int:
    """The files of the tree (no leftover, no temporary file)."""
    return sum(1 for path in root.rglob("*") if path.is_file())
