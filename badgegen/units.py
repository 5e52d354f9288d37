"""Incremental builds: each award's files are one *unit*, rebuilt only when what it shows changed.

Awards are what grows (thousands a year, each with its hosted assertion, baked
images and a page per language). Portfolios, and the pages of each badge class
(which list its holders) and of each issuer, are units too. The rest — listings,
JSON documents of badges and issuers, search — is produced every time.

A unit's *key* is a digest of everything its bytes are made from:

- the award's own file (its parsed data: a comment edit changes nothing published);
- its badge class (file and image), the badge's issuer (file and logo), the badge's
  endorsements and their endorsers;
- the award's endorsements and their endorsers, the portfolio that shows it;
- its status at the build time (valid, expired, revoked), its OB 3.0 status index;
- the *global* digest: registry.yaml, the base address, the code and templates of
  badgegen and the versions of the libraries that shape the bytes, the media files,
  the signing key's public half, the privacy scan's rules.

When the key is the one the cache remembers and the files it produced are still in
the next tree (or in the live one, checked byte for byte), the unit is kept as it
is: nothing is rendered, baked, signed, scanned or written. A unit that is not
kept is produced whole; on several cores, units are produced in parallel by forked
workers, each writing its own files into the next tree (`badgegen.trees`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from badgegen.load import RawContent, data_digest
from badgegen.model import Award, BadgeClass, Earner, Endorsement, Issuer, Registry
from badgegen.parallel import can_fork
from badgegen.privacy import OutputProblem, scan_file
from badgegen.trees import (
    ENTRY_SIZE,
    Entry,
    Folders,
    Overlay,
    TreeWriter,
    UnitFiles,
    Units,
    UnitTrees,
    check_relpath,
    sync_file,
    units_delta,
)

#: A unit as the cache remembers it: its key, the paths of the files it produced, and their
#: entries end to end (`ENTRY_SIZE` bytes each, in the order of the paths). One bytes object
#: rather than a pair and an entry per file: at 50 000 awards the records took 54 MB as pairs.
#: The records of the last build are also what the live tree holds of units (`trees.Units`).
UnitRecord = UnitFiles
#: What the build wants now: unit id → (key, the object to produce it from).
Wanted = Mapping[str, tuple[bytes, Any]]
Produce = Callable[[Any], Iterable[tuple[str, bytes]]]
#: Below this many units to produce, forking workers costs more than it saves.
PARALLEL_THRESHOLD = 48


def _digest(*parts: bytes) -> bytes:
    """A digest of `parts`, each after its length (so that no two lists of parts collide).

    Hashed in one call on their concatenation, which is what updating part by part hashes:
    a build computes one per award and per endorsement (20 000 at 10 000 awards)."""
    return hashlib.blake2b(
        b"".join([len(part).to_bytes(8, "big") + part for part in parts]), digest_size=16
    ).digest()


#: `_digest()` of no part: the endorsements of an award that has none (most of them).
_NOTHING = _digest()


class UnitKeys:
    """The key of each award's unit, from the content it is made of (see the module doc)."""

    def __init__(self, raw: RawContent, registry: Registry, global_digest: bytes) -> None:
        self.registry = registry
        self.documents: dict[tuple[str, str], bytes] = {
            (doc.kind, doc.id): doc.digest if doc.digest is not None else data_digest(doc.data)
            for doc in raw.documents
            if not doc.private
        }
        self.global_digest = global_digest
        self._issuers: dict[str, bytes] = {}
        self._badges: dict[str, bytes] = {}
        self._endorsements: dict[str, bytes] = {}
        self._earner_of_award: dict[str, bytes] = {}
        for earner in registry.earners.values():
            earner_digest = self._document("earner", earner.slug)
            for award in earner.awards:
                self._earner_of_award[award.id] = earner_digest

    def _document(self, kind: str, name: str) -> bytes:
        return self.documents.get((kind, name), b"?" + name.encode())

    def issuer(self, issuer: Issuer) -> bytes:
        if issuer.slug not in self._issuers:
            image = issuer.image.data if issuer.image is not None else b""
            self._issuers[issuer.slug] = _digest(self._document("issuer", issuer.slug), _digest(image))
        return self._issuers[issuer.slug]

    def endorsement(self, endorsement: Endorsement) -> bytes:
        if endorsement.id not in self._endorsements:
            self._endorsements[endorsement.id] = _digest(
                self._document("endorsement", endorsement.id), self.issuer(endorsement.endorser)
            )
        return self._endorsements[endorsement.id]

    def badge(self, badge: BadgeClass) -> bytes:
        if badge.slug not in self._badges:
            endorsed = [self.endorsement(e) for e in self.registry.endorsements_of("badge", badge.slug)]
            self._badges[badge.slug] = _digest(
                self._document("badge", badge.slug),
                _digest(badge.image.data),
                self.issuer(badge.issuer),
                *endorsed,
            )
        return self._badges[badge.slug]

    def earner(self, earner: Earner, award_keys: Mapping[str, bytes]) -> bytes:
        """A portfolio's pages show its awards (their status too): their keys are in its key."""
        return _digest(
            self.global_digest,
            self._document("earner", earner.slug),
            *(award_keys[a.id] for a in earner.awards),
        )

    def badge_page(self, badge: BadgeClass, award_keys: Mapping[str, bytes]) -> bytes:
        """A badge's pages show the badge (its issuer, its endorsements) and its listed holders
        (their date and status: in their keys)."""
        holders = (award_keys[award.id] for award in self.registry.listed_awards_of(badge))
        return _digest(b"badge-page", self.global_digest, self.badge(badge), *holders)

    def issuer_page(self, issuer: Issuer) -> bytes:
        """An issuer's pages show the issuer, its endorsements and a card of each of its badges."""
        endorsed = [self.endorsement(e) for e in self.registry.endorsements_of("issuer", issuer.slug)]
        badges = (self.badge(badge) for badge in self.registry.badges_of(issuer))
        return _digest(b"issuer-page", self.global_digest, self.issuer(issuer), _digest(*endorsed), *badges)

    def award(self, award: Award, *extra: bytes) -> bytes:
        """The key of `award`'s unit; `extra` adds what only some builds have (OB 3.0 index)."""
        endorsements = self.registry.endorsements_of("award", award.id)
        endorsed = _digest(*[self.endorsement(e) for e in endorsements]) if endorsements else _NOTHING
        return _digest(
            self.global_digest,
            self._document("award", award.id),
            self.badge(award.badge),
            self.registry.status(award).encode(),
            self._earner_of_award.get(award.id, b"-"),
            endorsed,
            *extra,
        )


def unit_record(key: bytes, files: Sequence[tuple[str, Entry]]) -> UnitRecord:
    """The record of a unit whose files are `files` (path, entry)."""
    return key, tuple(path for path, _ in files), b"".join(entry for _, entry in files)


@dataclass
class UnitOutcome:
    """What producing one unit did."""

    unit: str
    key: bytes
    files: list[tuple[str, Entry, bool]]  # path, entry, whether the file was (re)written
    problems: list[OutputProblem]
    collected: Any = None  # what `collect()` said after producing it (see `build_units`)


@dataclass
class UnitsReport:
    kept: int = 0
    produced: int = 0
    records: dict[str, UnitRecord] = field(default_factory=dict)


@dataclass
class _Job:
    """What a worker needs; set before forking, so workers inherit it instead of unpickling it."""

    items: Mapping[str, tuple[bytes, Any]]
    produce: Produce
    root: Path
    old_entries: Callable[[str], Mapping[str, Entry]]  # (`TreeWriter.old_entries`)
    known: bool
    public: frozenset[str]
    needles: tuple[bytes, ...]
    shown_as: str
    folders: Folders
    collect: Callable[[], Any] | None = None


_JOB: _Job | None = None


def _produce_one(job: _Job, unit: str) -> UnitOutcome:
    key, item = job.items[unit]
    outcome = UnitOutcome(unit, key, [], [])
    old = job.old_entries(unit)
    for path, data in job.produce(item):
        relpath = check_relpath(path)
        outcome.problems += scan_file(relpath, data, job.public, job.needles, job.shown_as)
        entry, wrote = sync_file(
            job.root, relpath, data, old.get(relpath), known=job.known, folders=job.folders
        )
        outcome.files.append((relpath, entry, wrote))
    if job.collect is not None:
        outcome.collected = job.collect()
    return outcome


def _produce_batch(batch: Sequence[str]) -> list[UnitOutcome]:
    job = _JOB
    assert job is not None, "a worker started without its job"
    return [_produce_one(job, unit) for unit in batch]


def _batches(items: Sequence[str], jobs: int) -> Iterator[Sequence[str]]:
    """Batches small enough to balance the workers, large enough to amortise the exchange."""
    size = max(16, min(512, len(items) // (jobs * 8) or 1))
    for start in range(0, len(items), size):
        yield items[start : start + size]


def build_units(
    writer: TreeWriter,
    wanted: Wanted,
    previous: Mapping[str, UnitRecord],
    produce: Produce,
    scanner: Any,
    jobs: int,
    threshold: int = PARALLEL_THRESHOLD,
    collect: Callable[[], Any] | None = None,
    gather: Callable[[Any], None] | None = None,
) -> UnitsReport:
    """Keep or produce every unit of `wanted` into `writer`'s tree; return the new records.

    `collect()`, when given, is called after each unit in the process that produced it, and
    what it returns is handed to `gather()` in this process as it comes (a forked worker's
    side effects, such as new entries of a memo, would otherwise be lost with the worker; they
    are not kept here: a cold signed build's 65 000 new proofs at 50 000 awards were held to
    its end).
    """
    report = UnitsReport(records=writer.units)
    todo: list[str] = []
    for unit, (key, _item) in wanted.items():
        record = previous.get(unit)
        if record is not None and record[0] == key and writer.keep_unit(unit, record):
            report.kept += 1
        else:
            todo.append(unit)
    job = _Job(
        wanted,
        produce,
        writer.root,
        writer.old_entries,
        writer.known,
        scanner.public,
        scanner.needles,
        scanner.shown_as,
        writer.folders,  # a forked worker adds to its own copy: another's folder is made once more at most
        collect,
    )
    for outcome in _run(job, todo, jobs, threshold):
        record = _record_sharing(outcome, previous.get(outcome.unit))
        writer.record_unit(outcome.unit, record, sum(wrote for _, _, wrote in outcome.files))
        scanner.problems.extend(outcome.problems)
        report.produced += 1
        if outcome.collected is not None and gather is not None:
            gather(outcome.collected)
    return report


def _record_sharing(outcome: UnitOutcome, previous: UnitRecord | None) -> UnitRecord:
    """The record of a unit produced again, made of the previous record's objects where they
    are equal (its paths, its entries joined).

    A worker sends back its own copy of every path and entry. When every unit is produced
    again (a new template, a new version of badgegen) but most files keep their bytes, those
    copies were a second string for each of the tree's files: at 50 000 awards, 250 000 of
    them, held to the end of the build."""
    paths = tuple(path for path, _, _ in outcome.files)
    joined = b"".join(entry for _, entry, _ in outcome.files)
    if previous is not None:
        if previous[1] == paths:
            paths = previous[1]
        if previous[2] == joined:
            joined = previous[2]
    return outcome.key, paths, joined


def _run(job: _Job, todo: list[str], jobs: int, threshold: int) -> Iterator[UnitOutcome]:
    """Produce the units of `todo`, in order, in this process or in `jobs` forked workers."""
    global _JOB
    if jobs <= 1 or len(todo) < max(threshold, 1) or not can_fork():
        for unit in todo:
            yield _produce_one(job, unit)
        return
    import multiprocessing  # (here: only the builds that produce many units need it)

    _JOB = job
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for outcomes in pool.imap(_produce_batch, list(_batches(todo, jobs))):
                yield from outcomes
    finally:
        _JOB = None


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: The mark of the build that saved the units' records (`stored_unit_trees`): under this unit
#: id, which no unit has, a random nonce, saved with the records and with the trees' units.
BUILD_MARK = ""
#: What `unit_trees_state` saves: the nonce of the records it goes with, the tree the records
#: describe, the other tree, and that tree's units as their differences from the records.
UnitTreesState = tuple[bytes, str, str | None, dict[str, UnitRecord], tuple[str, ...]]


def unit_trees_state(mark: UnitRecord, unit_trees: UnitTrees, records: Units) -> UnitTreesState | None:
    """What the trees hold of units after a build (`updated_output` filled `unit_trees`: the
    tree just written holds `records`), to store beside the records marked `mark`."""
    written = next((tree for tree, units in unit_trees.items() if units is records), None)
    if written is None:
        return None
    other = next(((tree, units) for tree, units in unit_trees.items() if units is not records), None)
    if other is None:
        return mark[0], written, None, {}, ()
    changed, removed = units_delta(other[1], records)
    return mark[0], written, other[0], changed, removed


def stored_unit_trees(
    records: dict[str, UnitRecord], state: Any, live: str | None, following: str | None, saved: Any
) -> UnitTrees:
    """What the live and the next tree (by id) hold of units, from the last build's `records`
    (its mark taken out) and the `state` saved with them; an empty dict when they do not go
    together (a build killed between the two saves), or when `saved` is not their mark: the
    trees are then read, not trusted.

    `saved` is the mark saved last, once every part that says what the trees hold (these two,
    and the manifests of their other files) was saved, and withdrawn before the next flip of
    the output (`updated_output`'s `before_flip`). Without it, a build killed after its flip
    but before its saves left the cache saying what the new live tree held before: two builds
    later, that tree was the next one again, taken to hold files it did not, and those were
    published."""
    mark = records.pop(BUILD_MARK, None)
    if (
        mark is None
        or saved != mark[0]
        or not isinstance(state, tuple)
        or len(state) != 5
        or state[0] != mark[0]
        or not isinstance(state[3], dict)
    ):
        return {}
    _, written, other, changed, removed = state
    trees: UnitTrees = {}
    if written is not None and written in (live, following):
        trees[written] = records
        if other is not None and other != written and other in (live, following):
            trees[other] = Overlay(records, changed, frozenset(removed))
    return trees


def checked_records(records: dict[str, UnitRecord]) -> dict[str, UnitRecord]:
    """`records` as loaded (a part at a time: `BuildCache.load`'s `each`), refused whole by a
    `TypeError` if one is not what `unit_record` makes: the records are kept across versions
    of badgegen, and what the output trees hold is told by them."""
    for unit, record in records.items():
        key, paths, entries = record
        if not (
            isinstance(unit, str)
            and isinstance(key, bytes)
            and type(paths) is tuple
            and isinstance(entries, bytes)
            and len(entries) == ENTRY_SIZE * len(paths)
            and all(type(path) is str for path in paths)
        ):
            raise TypeError(f"not a unit's record: {unit!r}")
    return records
