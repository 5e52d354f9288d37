"""The build, stage by stage: read everything, check everything, then write.

    content/ ──load──▶ raw documents ──resolve──▶ Registry (or every error at once)
             ──jsonld──▶ OB 2.0 documents ──bake──▶ images ──render──▶ pages
             ──ob3──▶ signed OB 3.0 credentials (only with a signing key)
    private/ ──load──▶ restricted badges and awards: checked with the rest, never in the Registry,
             ──restricted──▶ signed into delivery/ for their earners, after the site (`build` only)
             ──units──▶ each award (and portfolio) kept when unchanged, else produced on every core
             ──trees──▶ the next output tree updated in place, then flipped live atomically

Nothing reaches the output folder unless the whole content is right.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import jinja2

from badgegen import bake, images, jsonld, ledger, privacy, qr, search, uptodate, urls
from badgegen import restricted as restricted_mod
from badgegen.cache import (
    DELTA_SLACK,
    BuildCache,
    code_fingerprint,
    default_folder,
    dict_with_delta,
    save_dict,
)
from badgegen.errors import BadgegenError, ContentError, ContentErrors, StrictModeError
from badgegen.load import (
    MEDIA_FOLDER,
    RawContent,
    Status,
    file_digest,
    load_content,
    load_private,
    paused_gc,
    read_bytes,
)
from badgegen.memostore import load_memo, save_memo
from badgegen.model import Award, BadgeClass, Earner, Issuer, Registry, Restricted
from badgegen.ob3 import keys as ob3_keys
from badgegen.ob3 import publish as ob3_publish
from badgegen.ob3 import status as ob3_status
from badgegen.render import (
    award_pages,
    badge_pages,
    earner_pages,
    issuer_pages,
    make_environment,
    render_pages,
)
from badgegen.render import prepare as prepare_templates
from badgegen.resolve import resolve
from badgegen.timeutil import build_time
from badgegen.trees import (
    ENTRY_SIZE,
    Entry,
    Published,
    Sizes,
    TreeWriter,
    manifests_delta,
    next_tree,
    overlaid,
    pack_manifests,
    tree_id,
    unpack_manifests,
    updated_output,
)
from badgegen.units import (
    BUILD_MARK,
    PARALLEL_THRESHOLD,
    UnitKeys,
    UnitRecord,
    build_units,
    checked_records,
    default_jobs,
    stored_unit_trees,
    unit_record,
    unit_trees_state,
)

if TYPE_CHECKING:
    from badgegen.proofstore import ProofStore

PACKAGE_ROOT = Path(__file__).resolve().parent

#: The parts of the build cache that say what the output trees hold: the files that are in no
#: unit (by path), the units' records of the last build (the live tree's units), and the other
#: tree's units (told from those records). All three are kept across versions of badgegen.
TREE_FILES, UNIT_RECORDS, TREE_UNITS = "tree-files", "unit-records", "tree-units"
#: The mark of the records, saved after every part that says what the trees hold, and withdrawn
#: before each flip: the word of those parts is good only while it is there (`stored_unit_trees`).
TREES_SAVED = "trees-saved"
#: What earlier versions stored instead (every file of both trees by path, and records kept
#: for one version only): deleted by the first build that saves the parts above.
OBSOLETE_PARTS = ("trees", "units")


def _default_templates() -> Path:
    """The repository's templates/ (a checkout), else the copy a wheel carries."""
    in_checkout = PACKAGE_ROOT.parent / "templates"
    return in_checkout if in_checkout.is_dir() else PACKAGE_ROOT / "templates"


DEFAULT_TEMPLATES = _default_templates()


@dataclass(frozen=True)
class BuildConfig:
    """What one run is asked to do (the command-line options)."""

    content: Path = Path("content")
    out: Path = Path("site")
    base_url: str | None = None
    strict: bool = False
    templates: Path = DEFAULT_TEMPLATES
    now: datetime = field(default_factory=build_time)
    #: Add the new published paths to content/published.txt after a successful build
    #: (`--frozen-ledger` and `serve` only check it).
    update_ledger: bool = True
    #: The private folder of restricted badges and awards (`--private`); None: `private/`
    #: beside the content folder (at the repository's root). Read only to check and sign.
    private: Path | None = None
    #: Where `build` writes the signed credentials of restricted awards, one folder per award
    #: (`--delivery`); None: `delivery/` beside the content folder. Never inside the site.
    delivery: Path | None = None
    #: Write the delivery folder (`build` only; `validate` and `serve` never deliver).
    deliver: bool = False
    #: The build cache (`--cache`); None: `.badgegen-cache/` beside the output folder.
    cache: Path | None = None
    #: No cache at all (`--no-cache`): a full build, nothing remembered.
    use_cache: bool = True
    #: How many processes produce the award units (`--jobs`); 0: every core.
    jobs: int = 0
    #: Pages per part of the search index (`--search-shard-pages`, see `search.shards`).
    search_shard_pages: int = search.SHARD_PAGES

    @property
    def cache_folder(self) -> Path | None:
        if not self.use_cache:
            return None
        return self.cache if self.cache is not None else default_folder(self.out)

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else default_jobs()

    @property
    def private_folder(self) -> Path:
        return self.private if self.private is not None else self.content.parent / "private"

    @property
    def delivery_folder(self) -> Path:
        return self.delivery if self.delivery is not None else self.content.parent / "delivery"


@dataclass
class BuildReport:
    """What a run produced, for the summary line and the tests."""

    registry: Registry | None
    warnings: list[ContentError]
    files: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ledger_added: int = 0  # paths added to content/published.txt by this build
    #: The registry's `ledger.shape_digest`, and what is known of the ledger for it: from the
    #: build cache, or found by the check (None: no registry).
    ledger_shape: bytes | None = None
    ledger_known: ledger.Verified | None = None
    #: The key that signs OB 3.0 credentials, or None (then no OB 3.0 file is published).
    signing: ob3_keys.SigningKey | None = None
    signed: int = 0  # documents given a proof (credentials, endorsements, status lists)
    signatures_reused: int = 0  # of which, proofs taken from the build cache (not signed again)
    signing_seconds: float = 0.0
    status_added: int = 0  # indexes added to content/status-list.txt by this build
    #: The private folder's restricted badges and awards (never published), and what
    #: this run delivered of them (`badgegen.restricted`).
    restricted: Restricted = field(default_factory=Restricted)
    delivery: restricted_mod.DeliveryReport | None = None
    #: The content as read (the build keys its units with it).
    raw: RawContent | None = None
    #: Seconds per stage, and what the incremental build kept, produced and wrote.
    stages: dict[str, float] = field(default_factory=dict)
    units_kept: int = 0
    units_produced: int = 0
    files_written: int = 0
    files_copied: int = 0
    #: The build cache this run reads and writes (`BuildConfig.cache_folder`).
    cache: BuildCache | None = None
    #: The content digest of each published media file (known by its status when unchanged).
    media: dict[str, bytes] = field(default_factory=dict)
    #: Set when nothing had changed since the last build (`badgegen.uptodate`): the site was
    #: left as it was, and the figures below come from that build.
    up_to_date: uptodate.Outcome | None = None

    def counts(self) -> tuple[int, int, int, int]:
        """Issuers, badges, awards and endorsements of the registry built."""
        if self.up_to_date is not None:
            return self.up_to_date.counts
        assert self.registry is not None
        registry = self.registry
        return (len(registry.issuers), len(registry.badges), len(registry.awards), len(registry.endorsements))

    @property
    def file_count(self) -> int:
        return self.up_to_date.files if self.up_to_date is not None else len(self.files)

    @property
    def byte_count(self) -> int:
        if self.up_to_date is not None:
            return self.up_to_date.bytes
        if isinstance(self.files, Sizes | Published):
            return self.files.total()
        return sum(self.files.values())

    @property
    def signing_id(self) -> str | None:
        """The id of the key that signed the OB 3.0 credentials (None: nothing signed)."""
        if self.up_to_date is not None:
            return self.up_to_date.signing_id
        return self.signing.id if self.signing is not None else None


def open_cache(config: BuildConfig) -> BuildCache:
    """The build cache of `config` (a disabled one with `--no-cache`)."""
    return BuildCache(config.cache_folder, code_fingerprint(config.templates))


def check(
    config: BuildConfig, *, remember: bool = False, statuses: Mapping[str, Status] | None = None
) -> BuildReport:
    """Load and validate the content; raise `ContentErrors` listing every problem.

    The build cache is read (what was already parsed and prepared is not again), and
    written only when `remember` is set (`build`): `validate` writes nothing.

    The cyclic garbage collector is paused throughout: the memo alone is hundreds of
    thousands of objects, and each full collection that resolving triggered walked them
    all (resolving 10 000 awards took 0.15 s without collections, up to 0.9 s with them).
    Nothing made here forms reference cycles.

    `statuses`: the content files' statuses, when the build already looked at them
    (`uptodate.scan`), by absolute path.
    """
    with paused_gc():
        return _check(config, remember=remember, statuses=statuses)


def _check(config: BuildConfig, *, remember: bool, statuses: Mapping[str, Status] | None) -> BuildReport:
    delivery = config.delivery_folder if config.deliver else None
    restricted_mod.check_folders(config.content, config.out, config.private_folder, delivery)
    build_cache = open_cache(config)
    images.PREPARED.update(build_cache.load("images") or {})
    memo = load_memo(build_cache)
    raw = load_content(config.content, memo=memo, jobs=config.workers, statuses=statuses)
    private = load_private(config.private_folder)  # never remembered: restricted content stays in private/
    # Personal data, spreadsheets, EXIF, keys; the same in the private folder (never remembered).
    found = privacy.content_errors(raw, memo=memo, jobs=config.workers) + privacy.content_errors(private)
    if remember:  # also after a refused check: what each file says does not depend on the others
        save_memo(build_cache, memo)
    del memo  # (memory: the parsed files are in `raw` now; the memo's own entries can go)
    if not images.PREPARED:  # a cold check (else the cache knows the images: not read twice)
        images.prepare_ahead(_images_named(raw, private), config.workers)
    resolution = resolve(raw, config.now, config.base_url, private=private)
    registry, signing = resolution.registry, None
    if registry is not None:  # a key that cannot sign stops here (ob3_keys.SigningKeyError)
        signing = ob3_keys.load(registry.site, config.content)
        registry = replace(registry, signed=signing is not None)
    shape = ledger.shape_digest(registry) if registry is not None else None
    known_ledger = (
        ledger.still_verified(build_cache.load("ledger"), shape, config.content)
        if shape is not None
        else None
    )
    if known_ledger is None:  # (else this ledger was checked for a registry of this shape)
        resolution.errors.extend(ledger.check(raw, registry, config.base_url))
        if shape is not None and registry is not None:
            # Whether the build will have anything to record, known while the ledger's lines and
            # the registry's paths are at hand: they are let go below, not held to the build's end.
            complete = ledger.unrecorded(config.content, registry) == 0
            known_ledger = ledger.Verified(shape, ledger.ledger_status(config.content), complete)
    ledger.forget_reads()
    resolution.errors.extend(found)
    media = {  # (each media file's digest was found by the privacy pass, which reads every file)
        name: file_digest({}, config.content / MEDIA_FOLDER / name, raw.digests)[0]
        for name in (registry.media if registry is not None and not resolution.errors else ())
    }
    if remember:
        build_cache.save("images", images.used_images())
    if resolution.errors or registry is None:
        raise ContentErrors(resolution.errors + resolution.warnings)
    if config.strict and resolution.warnings:
        raise StrictModeError(resolution.warnings)
    report = BuildReport(
        registry, resolution.warnings, signing=signing, raw=raw, cache=build_cache, media=media
    )
    report.restricted = resolution.restricted or Restricted()
    report.ledger_shape, report.ledger_known = shape, known_ledger
    return report


def _images_named(*contents: RawContent) -> list[tuple[str, bytes]]:
    """The images the valid badge and issuer files name (name, bytes), as the resolver will
    read them (`_Resolver.image`), for `images.prepare_ahead`; it reports any problem."""
    found: list[tuple[str, bytes]] = []
    for content in contents:
        for doc in content.documents:
            valid = doc.kind in ("badge", "issuer") and doc.schema_problems == ()
            name = doc.data.get("image") if valid else None
            if isinstance(name, str):
                with contextlib.suppress(OSError):
                    found.append((name, read_bytes(doc.path.parent / name)))
    return found


def build(config: BuildConfig) -> BuildReport:
    """Check the content, then bring the next tree up to date and flip it live.

    Nothing at all is done when nothing changed since the last successful build
    (`badgegen.uptodate`). Otherwise the award units (the bulk of the site) are kept
    when unchanged, else produced on every core (`badgegen.units`); every other file is
    produced each time and written only if its bytes changed (`badgegen.trees`).
    """
    started = time.perf_counter()
    inputs = uptodate.scan(_input_folders(config), _written_inputs(config)) if config.use_cache else None
    if inputs is not None:
        unchanged = _unchanged(config, inputs, started)
        if unchanged is not None:
            return unchanged
        uptodate.forget(config.cache_folder)
    stages = Stages()
    with paused_gc():
        report = check(config, remember=True, statuses=inputs.statuses if inputs is not None else None)
        # The registry lives until the end: later collections need not walk it again. Frozen
        # before the collector is enabled again: the first collection after the pause walked
        # everything the check made (0.06 s at 10 000 awards).
        gc.freeze()
    if inputs is not None:
        inputs.settle()  # (the content is read: only the files the build writes are looked at again)
    give_back_memory()
    stages.lap("check")
    try:
        report = _build(config, report, stages, started)
    finally:
        gc.unfreeze()
    if inputs is not None:
        _leave_stamp(config, inputs, report)
    return report


def _input_folders(config: BuildConfig) -> list[Path]:
    return [config.content, config.private_folder]


def _written_inputs(config: BuildConfig) -> tuple[Path, ...]:
    """The files of the content that a build writes (`uptodate.Inputs.written`)."""
    return (ledger.ledger_file(config.content), config.content / ob3_status.STATUS_FILE)


def _stamp_digest(config: BuildConfig, inputs: uptodate.Inputs, code: bytes) -> bytes | None:
    """The digest of what this build would read (`uptodate.inputs_digest`); None when the
    signing key cannot even be read (the full build then says why)."""
    try:
        secret = ob3_keys.read_secret(config.content)
    except BadgegenError:
        return None
    key = hashlib.blake2b(repr(secret).encode(), digest_size=16).digest()
    options = tuple(
        str(value.absolute()) if isinstance(value, Path) else value
        for value in (
            config.content,
            config.out,
            config.base_url,
            config.strict,
            config.templates,
            config.update_ledger,
            config.private_folder,
            config.deliver,
            config.search_shard_pages,
            key,
        )
    )
    trees = (uptodate.tree_identity(config.out), uptodate.tree_identity(next_tree(config.out.absolute())))
    return uptodate.inputs_digest(inputs, code, options, trees)


def _unchanged(config: BuildConfig, inputs: uptodate.Inputs, started: float) -> BuildReport | None:
    """The report of the last build when the site is still what this one would make, else None."""
    stamp = uptodate.read(config.cache_folder)
    if stamp is None:
        return None
    digest = _stamp_digest(config, inputs, code_fingerprint(config.templates))
    if digest is None or not uptodate.still_true(stamp, digest, config.now):
        return None
    outcome = stamp.outcome
    report = BuildReport(None, list(outcome.warnings), signed=outcome.signed, up_to_date=outcome)
    report.signatures_reused = outcome.signed
    report.seconds = time.perf_counter() - started
    report.stages = {"up-to-date": round(report.seconds, 4)}
    return report


def _leave_stamp(config: BuildConfig, inputs: uptodate.Inputs, report: BuildReport) -> None:
    """After a successful build: the stamp that lets the next one do nothing if nothing changes."""
    if report.registry is None or report.cache is None or report.restricted.awards:
        return  # a delivery (not covered): no stamp
    for written in _written_inputs(config):
        inputs.refresh(written)
    digest = _stamp_digest(config, inputs, report.cache.stamp)
    if digest is None:
        return
    registry, now = report.registry, config.now
    expiries = [a.expires for a in registry.awards.values() if a.expires is not None and a.expires > now]
    outcome = uptodate.Outcome(
        warnings=tuple(report.warnings),
        counts=report.counts(),
        files=report.file_count,
        bytes=report.byte_count,
        signing_id=report.signing_id,
        signed=report.signed,
    )
    if None in inputs.fresh.values():
        return  # a fresh file that could not be read: nothing to vouch for it
    fresh = uptodate.pack_fresh(cast("dict[str, bytes]", inputs.fresh))
    stamp = uptodate.Stamp(digest, now, min(expiries, default=None), outcome, fresh)
    uptodate.write(config.cache_folder, stamp)


def _build(config: BuildConfig, report: BuildReport, stages: Stages, started: float) -> BuildReport:
    registry, raw, build_cache = report.registry, report.raw, report.cache
    assert registry is not None and raw is not None and build_cache is not None
    indexes = None
    delivery: restricted_mod.Plan | None = None
    scanner = privacy.OutputScanner(registry, config.out)
    scanner.remember(build_cache.load("scanned"))
    compiled = build_cache.folder / "templates" if build_cache.folder is not None else None
    env = make_environment(config.templates, compiled)
    qr.PATHS.update(build_cache.load("qr") or {})
    global_digest = _global_digest(registry, config, build_cache.stamp, scanner, report.media)
    keys = UnitKeys(raw, registry, global_digest)
    # The content as read is not needed any more: let it go before the large parts of the
    # cache are loaded, which then take the memory it held (at 50 000 awards, 45 MB less
    # at the peak of a rebuild).
    report.raw = raw = None
    # The two large parts are kept as a base and a delta (`BuildCache.load_with_delta`).
    packed, trees_delta, trees_identity = build_cache.load_with_delta(TREE_FILES, any_code=True)
    unpacked = unpack_manifests(packed, trees_delta)
    stored_trees = set(unpacked)
    del packed
    # The next tree's manifest, told by its differences from the live tree's (`Overlay`).
    live_id, next_id = tree_id(config.out), tree_id(next_tree(config.out))
    manifests = overlaid(unpacked, live_id, next_id)
    del unpacked
    # The units' records of the last build: what the live tree holds of units, and what the
    # units whose key did not change are made of. Kept across versions of badgegen: a key
    # holds the code's fingerprint, so an older version's never matches.
    units_base, units_delta, units_identity = build_cache.load_with_delta(
        UNIT_RECORDS, any_code=True, each=checked_records
    )
    units_base = units_base if isinstance(units_base, dict) else {}
    if units_delta is not None and not _records_delta(units_delta):
        units_delta = None  # (not ours: the base is kept, the build makes what it must again)
    previous_units: dict[str, UnitRecord] = dict_with_delta(units_base, units_delta)
    unit_trees = stored_unit_trees(
        previous_units,
        build_cache.load(TREE_UNITS, any_code=True),
        live_id,
        next_id,
        build_cache.load(TREES_SAVED, any_code=True),
    )
    previous_search: dict[str, UnitRecord] | None = build_cache.load("search")
    give_back_memory()
    stages.lap("cache-load")
    proofs: ProofStore | None = None
    ob3: Ob3Units | None = None
    with updated_output(
        config.out,
        manifests,
        check=scanner.check,
        scan=scanner,
        unit_trees=unit_trees,
        before_flip=functools.partial(build_cache.withdraw, TREES_SAVED),
    ) as writer:
        if report.signing is not None:
            signing_started = time.perf_counter()
            indexes = ob3_status.indexes_for(config.content, registry.awards)
            if config.deliver and config.update_ledger and report.restricted.awards:
                # Restricted awards: signed in memory (delivered after the site), and the public
                # indexes gain a line per revoked one, so its bit is set in the lists below.
                delivery, indexes = restricted_mod.plan(
                    registry,
                    report.restricted,
                    report.signing,
                    indexes,
                    config.private_folder,
                    config.delivery_folder,
                )
                delivery.report.seconds = time.perf_counter() - signing_started
            proofs = _proof_store(build_cache)
            signer = ob3_publish.Signer(registry, report.signing, memo=proofs)
            ob3 = Ob3Units(signer, indexes.indexes)
            for path, data in ob3_publish.shared_outputs(signer, indexes.indexes, ob3.parts):
                writer.write(path, data)
            report.signing_seconds += time.perf_counter() - signing_started
            stages.lap("ob3-shared")
        award_keys = {
            award.id: keys.award(award, *_ob3_key(ob3, award)) for award in registry.awards.values()
        }
        wanted: dict[str, tuple[bytes, Any]] = {
            f"award:{award.id}": (award_keys[award.id], award) for award in registry.awards.values()
        }
        for earner in registry.earners.values():
            wanted[f"earner:{earner.slug}"] = (keys.earner(earner, award_keys), earner)
        for badge in registry.badges.values():
            wanted[f"badge:{badge.slug}"] = (keys.badge_page(badge, award_keys), badge)
        for issuer in registry.issuers.values():
            wanted[f"issuer:{issuer.slug}"] = (keys.issuer_page(issuer), issuer)
        for name in registry.media:
            media_key = hashlib.blake2b(global_digest + report.media[name], digest_size=16).digest()
            wanted[f"media:{name}"] = (media_key, MediaFile(name, config.content / MEDIA_FOLDER / name))
        # Compiled once, before the workers fork (not once per worker).
        unit_templates = ("award.html", "earner.html", "earner_print.html", "badge.html", "issuer.html")
        prepare_templates(env, registry.site.languages, unit_templates)
        units = build_units(
            writer,
            wanted,
            previous_units,
            functools.partial(_unit_files, registry, env, registry.site.base_url, ob3),
            scanner,
            config.workers,
            threshold=0 if config.jobs > 0 else PARALLEL_THRESHOLD,  # --jobs N: always in parallel
            collect=ob3.collect if ob3 is not None else None,
            gather=functools.partial(ob3.merge_one, proofs=proofs) if ob3 is not None else None,
        )
        del wanted, award_keys, keys  # (memory: what is kept is in `units.records`)
        if ob3 is not None:
            report.signed = ob3.signer.count + ob3.worker_signed + ob3.worker_reused
            report.signatures_reused = ob3.signer.reused + ob3.worker_reused
            report.signing_seconds += ob3.seconds + ob3.worker_seconds
        report.units_kept, report.units_produced = units.kept, units.produced
        give_back_memory()
        stages.lap("units")
        search_shards = search.shards(registry, config.search_shard_pages)
        for path, data in _outputs(registry, config, env, search_shards):
            writer.write(path, data)
        stages.lap("other-pages")
        _copy_static(writer, config.templates / "static")
        if registry.site.cname is not None:
            writer.write("CNAME", f"{registry.site.cname}\n".encode())
        # Last, once every page is written, and before the output check.
        search_records = _search_index(
            writer,
            search_shards,
            previous_search or {},
            build_cache.stamp + scanner.fingerprint,
            config.workers,
            build_cache.folder / "search-pages" if build_cache.folder is not None else None,
        )
        give_back_memory()
        stages.lap("search")
    stages.lap("flip")
    # The units' records first, and what the other tree holds of units (told by its
    # differences from them, tied to them by `marker`).
    marker: UnitRecord = (os.urandom(8), (), b"")
    save_dict(
        build_cache,
        UNIT_RECORDS,
        {**units.records, BUILD_MARK: marker},
        units_base,
        units_identity,
        any_code=True,
    )
    build_cache.save(TREE_UNITS, unit_trees_state(marker, unit_trees, units.records), any_code=True)
    build_cache.forget(*OBSOLETE_PARTS)
    units_base = previous_units = {}
    unit_trees.clear()
    build_cache.save("search", search_records)
    del search_records
    entries = sum(len(manifest) for manifest in manifests.values())
    new_trees_delta = (
        manifests_delta(
            trees_delta, stored_trees, manifests, writer.old, writer.manifest, DELTA_SLACK * entries
        )
        if writer.known and trees_identity is not None
        else None
    )
    writer.old = writer.live = {}  # (memory: what the trees held before; `manifests` says it now)
    report.files = writer.written
    report.files_written, report.files_copied = writer.changed, writer.copied
    if new_trees_delta is None or not build_cache.save_delta(
        TREE_FILES, trees_identity, new_trees_delta, any_code=True
    ):
        build_cache.save_base(TREE_FILES, pack_manifests(manifests), any_code=True)
    del manifests, new_trees_delta
    build_cache.save(TREES_SAVED, marker[0], any_code=True)  # (last: see `TREES_SAVED`)
    writer.manifest = {}  # (the manifest of the next tree lives on in `report.files` only)
    build_cache.save("qr", qr.used_paths())
    build_cache.save("scanned", scanner.remembered())
    if compiled is not None:  # from the next build on, compiled templates are kept there
        with contextlib.suppress(OSError):
            compiled.mkdir(exist_ok=True)
    if ob3 is not None and proofs is not None:
        from badgegen.proofstore import prune_limit  # (imported already: `_proof_store`)

        documents = len(registry.awards) + len(registry.endorsements)
        documents += len(registry.badges) + len(registry.issuers)
        proofs.save(
            ob3.signer.memo_keys | ob3.worker_memo_keys,
            prune_limit(documents),
            everything_used=report.units_kept == 0,  # (every award's credential was looked up)
        )
    give_back_memory()
    stages.lap("cache-save")
    known_ledger = report.ledger_known
    if config.update_ledger:
        complete = known_ledger is not None and known_ledger.complete  # (nothing to add: not again)
        report.ledger_added = 0 if complete else ledger.record(config.content, registry, report.files)
        if indexes is not None:
            report.status_added = ob3_status.record(indexes)
    if delivery is not None:  # last: once the site and the indexes it names are recorded
        report.delivery = restricted_mod.deliver(delivery)
    elif config.deliver and report.restricted.awards:
        why = "no-key" if report.signing is None else "frozen"
        report.delivery = restricted_mod.skipped(
            report.restricted, config.private_folder, config.delivery_folder, why
        )
    if report.ledger_shape is not None:  # checked (and recorded): not again while both stay the same
        complete = config.update_ledger or (known_ledger is not None and known_ledger.complete)
        status = ledger.ledger_status(config.content)
        build_cache.save("ledger", ledger.Verified(report.ledger_shape, status, complete))
    stages.lap("ledger")
    report.seconds = time.perf_counter() - started
    report.stages = stages.seconds
    return report


def give_back_memory() -> None:
    """Hand the free memory of the C heap back to the system (glibc's `malloc_trim`).

    Called after the stages that let go of much (the memo of parsed files, the bases of the
    cache merged with their deltas, the search bundles, the parts of the cache once saved).
    CPython frees large blocks to the C heap, which keeps them: the next stage then peaked on
    top of memory nobody used. At 50 000 awards it lowered the highest memory of a cold build
    from 368 to 358 MB and of a rebuild from 374 to 361 MB, for 1–5 ms a call. Elsewhere than
    glibc, nothing is done."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    import ctypes  # (here: a build with nothing to do needs none of it)

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): no such function
        return None


class Stages:
    """How long each stage of a build took (`badgegen build --timings FILE`)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self._last, 4)
        self._last = now


def _global_digest(
    registry: Registry,
    config: BuildConfig,
    code: bytes,
    scanner: privacy.OutputScanner,
    media: dict[str, bytes],
) -> bytes:
    """What every unit depends on besides its own content (see `badgegen.units`)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code)
    digest.update(scanner.fingerprint)
    digest.update(repr((config.base_url, registry.site, registry.signed)).encode())
    for name in registry.media:
        digest.update(name.encode() + b"\0" + media[name])
    return digest.digest()


@dataclass(frozen=True)
class MediaFile:
    """A media file of the evidence, published as it is: a unit, so that an unchanged photo or
    video is neither read, scanned nor written again (`check` knows its digest by its status)."""

    name: str
    path: Path


def _search_index(
    writer: TreeWriter,
    shards: list[search.Shard],
    previous: dict[str, UnitRecord],
    code: bytes,
    jobs: int = 1,
    pages: Path | None = None,
) -> dict[str, UnitRecord]:
    """Pagefind's index, part by part; a part is indexed again only when one of its pages changed
    (or the code, or the rules of the output scan that its files passed: `code`), and the parts
    to index again are indexed side by side, `jobs` at a time."""
    records: dict[str, UnitRecord] = {}
    keys: dict[str, bytes] = {}
    entries = _page_entries(writer, shards)
    for shard in shards:
        digest = hashlib.blake2b(code, digest_size=16)
        digest.update(shard.bundle.encode() + b"\0")
        for page in shard.pages:
            digest.update(page.encode() + b"\0" + entries[page])
        keys[shard.bundle] = key = digest.digest()
        record = previous.get(shard.bundle)
        if record is not None and record[0] == key and writer.keep_all(record[1], record[2]):
            records[shard.bundle] = record
    if pages is not None:
        search.forget_pages(pages)
    stale = [shard for shard in shards if shard.bundle not in records]
    for bundle, files in search.write_indexes(writer, stale, jobs).items():
        records[bundle] = unit_record(keys[bundle], [(path, writer.manifest[path]) for path in files])
    return {shard.bundle: records[shard.bundle] for shard in shards}


def _records_delta(delta: Any) -> bool:
    """Whether `delta` is a delta of units' records (`cache.dict_delta`) that `checked_records`
    accepts: a delta saved by another version of badgegen must not be applied unchecked."""
    try:
        changed, removed = delta
        checked_records(changed)
    except (TypeError, ValueError):
        return False
    return isinstance(removed, tuple)


def _page_entries(writer: TreeWriter, shards: list[search.Shard]) -> dict[str, Entry]:
    """The entry of each page the search index is made of (pages of units: the writer knows
    them by unit), in one pass over the units' files."""
    wanted = {page for shard in shards for page in shard.pages}
    found: dict[str, Entry] = {}
    for files in writer.units.values():
        entries = files[2]
        for number, path in enumerate(files[1]):
            if path in wanted:
                found[path] = entries[number * ENTRY_SIZE : (number + 1) * ENTRY_SIZE]
    for page in wanted - found.keys():  # (a page that is not in a unit: none today)
        found[page] = writer.manifest[page]
    return found


def _outputs(
    registry: Registry, config: BuildConfig, env: jinja2.Environment, shards: list[search.Shard]
) -> Iterator[tuple[str, bytes]]:
    """Every published file but the award units, in a fixed order, produced one at a time."""
    for issuer in registry.issuers.values():
        yield urls.issuer_json(issuer), jsonld.dumps(jsonld.issuer_document(registry, issuer))
        revocations = jsonld.revocation_list_document(registry, issuer)
        yield urls.issuer_revocations(issuer), jsonld.dumps(revocations)
        if issuer.image is not None:
            yield urls.issuer_image(issuer), issuer.image.data
    for badge in registry.badges.values():
        yield urls.badge_json(badge), jsonld.dumps(jsonld.badge_document(registry, badge))
        for lang in jsonld.badge_translations(badge):
            yield urls.badge_json_in(badge, lang), jsonld.dumps(jsonld.badge_document(registry, badge, lang))
        yield urls.badge_image(badge), badge.image.data
        if badge.image.format == "svg":  # share previews (og:image) need a PNG: the drawing of the SVG
            yield urls.badge_png(badge), badge.image.png
    for endorsement in registry.endorsements.values():
        yield (
            urls.endorsement_json(endorsement),
            jsonld.dumps(jsonld.endorsement_document(registry, endorsement)),
        )
    parts = {
        lang: tuple(shard.bundle for shard in shards if shard.lang == lang)
        for lang in registry.site.languages
    }
    yield from render_pages(registry, env, units=False, search_parts=parts)
    yield ".nojekyll", b""


def _unit_files(
    registry: Registry,
    env: jinja2.Environment,
    base: str,
    ob3: Ob3Units | None,
    item: Award | Earner | BadgeClass | Issuer | MediaFile,
) -> Iterator[tuple[str, bytes]]:
    """Every file of one unit: an award (hosted assertion, baked images, pages, its signed
    OB 3.0 credential when the build signs), a portfolio, or a badge's or issuer's pages."""
    if isinstance(item, Earner):
        yield from earner_pages(registry, env, item)
        return
    if isinstance(item, BadgeClass):
        yield from badge_pages(registry, env, item)
        return
    if isinstance(item, Issuer):
        yield from issuer_pages(registry, env, item)
        return
    if isinstance(item, MediaFile):
        yield urls.media(item.name), read_bytes(item.path)
        return
    yield from _award_files(registry, item, base)
    yield from award_pages(registry, env, item)
    if ob3 is not None:
        yield from ob3.award_files(item)


def _ob3_key(ob3: Ob3Units | None, award: Award) -> tuple[bytes, ...]:
    """What an award's unit adds to its key when the build signs: its status index, the key."""
    if ob3 is None:
        return ()
    return (f"ob3:{ob3.indexes[award.id]}:{ob3.signer.key.id}:{ob3.signer.key.public_key}".encode(),)


class Ob3Units:
    """Signing award credentials inside the units, in whichever process produces them.

    Forked workers sign with a copy of the signer: what they add to the proofs memo, and
    how many documents they signed, come back through `collect()` and are `merge()`d.
    """

    def __init__(self, signer: ob3_publish.Signer, indexes: dict[str, int]) -> None:
        self.signer, self.indexes = signer, indexes
        self.parts = ob3_publish.SharedParts()
        self.seconds = 0.0
        self.worker_signed = self.worker_reused = 0
        self.worker_seconds = 0.0
        self.worker_memo_keys: set[str] = set()
        self._pid = os.getpid()

    def award_files(self, award: Award) -> Iterator[tuple[str, bytes]]:
        started = time.perf_counter()
        files = list(ob3_publish.award_outputs(self.signer, self.parts, award, self.indexes[award.id]))
        self.seconds += time.perf_counter() - started
        return iter(files)

    def collect(self) -> Any:
        """In a worker: what its signer did since the last call (None in the main process)."""
        if os.getpid() == self._pid:
            return None
        signer = self.signer
        take_added = getattr(signer.memo, "take_added", None)  # (a `ProofStore`)
        added = take_added() if take_added is not None else {}
        result = (added, signer.signed, signer.reused, self.seconds, set(signer.memo_keys))
        signer.signed = signer.reused = 0
        signer.memo_keys.clear()
        self.seconds = 0.0
        return result

    def merge_one(self, item: Any, proofs: MutableMapping[str, str] | None) -> None:
        """What one worker's `collect()` said: its new proofs go to the memo at once."""
        if item is None:
            return
        added, signed, reused, seconds, keys = item
        if proofs is not None:
            proofs.update(added)
        self.worker_signed += signed
        self.worker_reused += reused
        self.worker_seconds += seconds
        self.worker_memo_keys |= keys


def _proof_store(build_cache: BuildCache) -> ProofStore | None:
    """The memo of OB 3.0 proofs (`badgegen.proofstore`), none without a cache. The dict that
    earlier versions pickled is moved into it once, so that upgrading signs nothing again."""
    if build_cache.folder is None:
        return None
    from badgegen import proofstore  # (here: sqlite3 takes 9 ms to import, and few builds sign)

    store = proofstore.ProofStore(build_cache.folder / proofstore.FILE_NAME)
    earlier = build_cache.folder / "ob3-proofs.pickle"
    if earlier.exists():
        found = build_cache.load("ob3-proofs", any_code=True)
        if isinstance(found, dict):
            store.update((k, v) for k, v in found.items() if isinstance(k, str) and isinstance(v, str))
        with contextlib.suppress(OSError):
            earlier.unlink()
    return store


def _award_files(registry: Registry, award: Award, base: str) -> Iterator[tuple[str, bytes]]:
    """The hosted assertion and its baked images, holding the same document."""
    document = jsonld.assertion_document(registry, award)
    yield urls.assertion_json(award), jsonld.dumps(document)
    compact = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    yield urls.assertion_png(award), bake.bake_png(award.badge.image.png, compact)
    if award.badge.image.format == "svg":
        svg = award.badge.image.data.decode("utf-8")
        baked = bake.bake_svg(svg, compact, base + urls.assertion_json(award))
        yield urls.assertion_svg(award), baked.encode("utf-8")


def _copy_static(writer: TreeWriter, static: Path) -> None:
    """The stylesheet and other fixed assets, copied as they are."""
    if not static.is_dir():
        return
    for file in sorted(p for p in static.rglob("*") if p.is_file()):
        writer.write("static/" + file.relative_to(static).as_posix(), file.read_bytes())
