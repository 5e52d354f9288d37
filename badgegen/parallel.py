"""Pure work on every core: a map over forked worker processes, for the cold check.

A build with nothing remembered reads, parses and checks every content file (about
a third of a millisecond each: YAML, schema, personal data). Each file's verdict
depends on that file alone, so the files the memo does not know are shared out to
forked workers, and their verdicts come back in order. Workers are forked (not
spawned): they start at once with the parent's code and data, nothing re-imported.
Results are exactly those of the serial loop (tests/test_parallel_check.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, forking workers costs more than it saves.
THRESHOLD = 256


def forked_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int,
    threshold: int | None = None,
    chunk: int | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, on `jobs` forked processes when worth it.

    `function` must be a module-level function (workers find it by name) and its results
    picklable. Without `fork` (not Linux), or for few items, it runs here, in order.
    `chunk`: items sent to a worker at once (default: enough to amortise the exchange;
    1 for a few long items of uneven cost).
    """
    threshold = THRESHOLD if threshold is None else threshold
    if jobs <= 1 or len(items) < max(threshold, 1) or not can_fork():
        return [function(item) for item in items]
    import multiprocessing  # (here: 11 ms of start-up, for the builds that have many items)

    chunk = chunk or max(16, min(512, len(items) // (jobs * 8) or 1))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(function, items, chunksize=chunk)


def can_fork() -> bool:
    """Whether workers can be forked (`os.fork`: Linux, macOS), without importing
    `multiprocessing` to ask it."""
    return hasattr(os, "fork")
