"""`build_units`' `then` and `meanwhile`: the build starts its search index once the units
holding the indexed pages are in the tree, while the others are produced.

`then()` comes once, as soon as every unit of `first` is there (kept or produced), in this
process, once the workers exist (a thread it starts is never alive when one is forked);
`meanwhile()` after each unit produced from then on; a `first` that is empty, or already
there, calls `then()` at the first unit produced, or at the end when there is none.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from badgegen.trees import TreeWriter
from badgegen.units import build_units

EVENTS: list[str] = []


def _produce(item: str) -> Iterator[tuple[str, bytes]]:
    EVENTS.append(f"produce {item}")
    yield f"{item}.txt", item.encode()


def _scanner() -> SimpleNamespace:
    return SimpleNamespace(public=frozenset(), needles=(), shown_as="site", problems=[])


def _wanted(*items: str) -> dict[str, tuple[bytes, str]]:
    return {f"unit:{item}": (item.encode(), item) for item in items}


def _build(
    tmp_path: Path, wanted: dict[str, tuple[bytes, str]], first: set[str], **extra: object
) -> TreeWriter:
    EVENTS.clear()
    writer = TreeWriter(tmp_path, {}, None, None)

    def then() -> None:
        EVENTS.append("then")
        assert all(f"{unit.removeprefix('unit:')}.txt" in writer.manifest for unit in first)

    build_units(
        writer,
        wanted,
        {},
        _produce,
        _scanner(),
        1,
        first=first,
        then=then,
        meanwhile=lambda: EVENTS.append("meanwhile"),
    )
    return writer


def test_then_comes_once_the_first_units_are_there_and_meanwhile_after_each_other(tmp_path: Path) -> None:
    _build(tmp_path, _wanted("a", "b", "c", "d"), {"unit:a", "unit:b"})
    assert EVENTS == ["produce a", "produce b", "then", "produce c", "meanwhile", "produce d", "meanwhile"]


def test_without_first_units_then_comes_after_the_first_unit_produced(tmp_path: Path) -> None:
    _build(tmp_path, _wanted("c", "d"), set())
    assert EVENTS == ["produce c", "then", "produce d", "meanwhile"]


def test_with_nothing_to_produce_then_comes_at_the_end(tmp_path: Path) -> None:
    _build(tmp_path, {}, set())
    assert EVENTS == ["then"]


def test_with_workers_then_comes_here_once_they_exist(tmp_path: Path) -> None:
    """Two forked workers: `then()` runs in this process, exactly once, while the workers are
    alive, and every unit is there at the end."""
    seen: list[tuple[int, int]] = []
    writer = TreeWriter(tmp_path, {}, None, None)
    wanted = _wanted(*(f"u{number:03d}" for number in range(200)))
    first = {f"unit:u{number:03d}" for number in range(20)}

    def then() -> None:
        seen.append((os.getpid(), len(multiprocessing.active_children())))
        assert all(f"{unit.removeprefix('unit:')}.txt" in writer.manifest for unit in first)

    report = build_units(writer, wanted, {}, _produce, _scanner(), 2, threshold=0, first=first, then=then)
    assert seen == [(os.getpid(), 2)]
    assert report.produced == 200 and len(writer.manifest) == 200
