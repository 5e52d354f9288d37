"""The build, stage by stage: read everything, check everything, then write.

    content/ ──load──▶ raw documents ──resolve──▶ Registry (or every error at once)
             ──jsonld──▶ OB 2.0 documents ──bake──▶ images ──render──▶ pages
             ──ob3──▶ signed OB 3.0 credentials (only with a signing key)
    private/ ──load──▶ restricted badges and awards: checked with the rest, never in the Registry,
             ──restricted──▶ signed into delivery/ for their earners, after the site (`build` only)
             ──write──▶ a staging folder, swapped in as the output when complete

Nothing reaches the output folder unless the whole content is right.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import jinja2

from badgegen import bake, jsonld, ledger, privacy, search, urls
from badgegen import restricted as restricted_mod
from badgegen.cache import BuildCache, code_fingerprint, default_folder
from badgegen.errors import ContentError, ContentErrors, StrictModeError
from badgegen.load import MEDIA_FOLDER, RawContent, load_content, load_private
from badgegen.model import Award, Registry, Restricted
from badgegen.ob3 import keys as ob3_keys
from badgegen.ob3 import publish as ob3_publish
from badgegen.ob3 import status as ob3_status
from badgegen.render import award_pages, make_environment, render_pages
from badgegen.resolve import resolve
from badgegen.timeutil import build_time
from badgegen.trees import Manifest, TreeWriter, updated_output
from badgegen.units import PARALLEL_THRESHOLD, UnitKeys, UnitRecord, build_units, default_jobs

PACKAGE_ROOT = Path(__file__).resolve().parent


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
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ledger_added: int = 0  # paths added to content/published.txt by this build
    #: The key that signs OB 3.0 credentials, or None (then no OB 3.0 file is published).
    signing: ob3_keys.SigningKey | None = None
    signed: int = 0  # documents signed (credentials, endorsements, status lists)
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


def check(config: BuildConfig) -> BuildReport:
    """Load and validate the content; raise `ContentErrors` listing every problem."""
    delivery = config.delivery_folder if config.deliver else None
    restricted_mod.check_folders(config.content, config.out, config.private_folder, delivery)
    raw = load_content(config.content)
    private = load_private(config.private_folder)
    resolution = resolve(raw, config.now, config.base_url, private=private)
    registry, signing = resolution.registry, None
    if registry is not None:  # a key that cannot sign stops here (ob3_keys.SigningKeyError)
        signing = ob3_keys.load(registry.site, config.content)
        registry = replace(registry, signed=signing is not None)
    resolution.errors.extend(ledger.check(raw, registry, config.base_url))
    resolution.errors.extend(privacy.content_errors(raw))  # personal data, spreadsheets, EXIF, keys
    resolution.errors.extend(privacy.content_errors(private))  # the same in the private folder
    if resolution.errors or registry is None:
        raise ContentErrors(resolution.errors + resolution.warnings)
    if config.strict and resolution.warnings:
        raise StrictModeError(resolution.warnings)
    report = BuildReport(registry, resolution.warnings, signing=signing, raw=raw)
    report.restricted = resolution.restricted or Restricted()
    return report


def build(config: BuildConfig) -> BuildReport:
    """Check the content, then bring the next tree up to date and flip it live.

    The award units (the bulk of the site) are kept when unchanged, else produced on
    every core (`badgegen.units`); every other file is produced each time and written
    only if its bytes changed (`badgegen.trees`).
    """
    started = time.perf_counter()
    stages = Stages()
    report = check(config)
    stages.lap("check")
    registry, raw = report.registry, report.raw
    assert registry is not None and raw is not None
    build_cache = BuildCache(config.cache_folder, code_fingerprint(config.templates))
    manifests: dict[str, Manifest] = build_cache.load("trees") or {}
    previous_units: dict[str, UnitRecord] = build_cache.load("units") or {}
    previous_search: UnitRecord | None = build_cache.load("search")
    stages.lap("cache-load")
    indexes = None
    delivery: restricted_mod.Plan | None = None
    scanner = privacy.OutputScanner(registry, config.out)
    env = make_environment(config.templates)
    keys = UnitKeys(raw, registry, _global_digest(registry, config, build_cache.stamp, scanner))
    with updated_output(config.out, manifests, check=scanner.check, scan=scanner) as writer:
        award_keys = {award.id: keys.award(award) for award in registry.awards.values()}
        env.get_template("award.html")  # compiled once, before the workers fork
        units = build_units(
            writer,
            registry,
            award_keys,
            previous_units,
            functools.partial(_award_unit, registry, env, registry.site.base_url),
            scanner,
            config.workers,
            threshold=0 if config.jobs > 0 else PARALLEL_THRESHOLD,  # --jobs N: always in parallel
        )
        report.units_kept, report.units_produced = units.kept, units.produced
        stages.lap("awards")
        for path, data in _outputs(registry, config, env):
            writer.write(path, data)
        stages.lap("other-pages")
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
            signer = ob3_publish.Signer(registry, report.signing)
            for path, data in ob3_publish.outputs(signer, indexes.indexes):
                writer.write(path, data)
            report.signed, report.signing_seconds = signer.count, time.perf_counter() - signing_started
            stages.lap("ob3")
        _copy_static(writer, config.templates / "static")
        if registry.site.cname is not None:
            writer.write("CNAME", f"{registry.site.cname}\n".encode())
        # Last, once every page is written, and before the output check.
        search_record = _search_index(writer, registry, previous_search, build_cache.stamp)
        stages.lap("search")
    stages.lap("flip")
    report.files = writer.written
    report.files_written, report.files_copied = writer.changed, writer.copied
    build_cache.save("trees", manifests)
    build_cache.save("units", units.records)
    build_cache.save("search", search_record)
    stages.lap("cache-save")
    if config.update_ledger:
        report.ledger_added = ledger.record(config.content, registry, report.files)
        if indexes is not None:
            report.status_added = ob3_status.record(indexes)
    if delivery is not None:  # last: once the site and the indexes it names are recorded
        report.delivery = restricted_mod.deliver(delivery)
    elif config.deliver and report.restricted.awards:
        why = "no-key" if report.signing is None else "frozen"
        report.delivery = restricted_mod.skipped(
            report.restricted, config.private_folder, config.delivery_folder, why
        )
    stages.lap("ledger")
    report.seconds = time.perf_counter() - started
    report.stages = stages.seconds
    return report


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
    registry: Registry, config: BuildConfig, code: bytes, scanner: privacy.OutputScanner
) -> bytes:
    """What every award unit depends on besides its own content (see `badgegen.units`)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code)
    digest.update(scanner.fingerprint)
    digest.update(repr((config.base_url, registry.site, registry.signed)).encode())
    for name in registry.media:
        digest.update(name.encode() + b"\0" + folder_digest_of_file(config.content / MEDIA_FOLDER / name))
    return digest.digest()


def folder_digest_of_file(path: Path) -> bytes:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()


def _search_index(
    writer: TreeWriter, registry: Registry, previous: UnitRecord | None, code: bytes
) -> UnitRecord | None:
    """Pagefind's index, run again only when an indexed page changed (it reads them all)."""
    pages = search.indexed_pages(registry)
    if not pages:
        return None
    digest = hashlib.blake2b(code, digest_size=16)
    for page in pages:
        digest.update(page.encode() + b"\0" + writer.manifest[page])
    key = digest.digest()
    if previous is not None and previous[0] == key and all(writer.keep(p, e) for p, e in previous[1]):
        return previous
    before = set(writer.manifest)
    search.write_index(writer, pages)
    return key, tuple((p, writer.manifest[p]) for p in writer.manifest if p not in before)


def _outputs(registry: Registry, config: BuildConfig, env: jinja2.Environment) -> Iterator[tuple[str, bytes]]:
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
    for name in registry.media:
        yield urls.media(name), (config.content / MEDIA_FOLDER / name).read_bytes()
    yield from render_pages(registry, env, awards=False)
    yield ".nojekyll", b""


def _award_unit(
    registry: Registry, env: jinja2.Environment, base: str, award: Award
) -> Iterator[tuple[str, bytes]]:
    """Every file of one award: its hosted assertion, baked images and pages."""
    yield from _award_files(registry, award, base)
    yield from award_pages(registry, env, award)


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
