"""The build, stage by stage: read everything, check everything, then write.

    content/ ──load──▶ raw documents ──resolve──▶ Registry (or every error at once)
             ──jsonld──▶ OB 2.0 documents ──bake──▶ images ──render──▶ pages
             ──write──▶ a staging folder, swapped in as the output when complete

Nothing reaches the output folder unless the whole content is right.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from badgegen import bake, jsonld, ledger, privacy, search, urls
from badgegen.errors import ContentError, ContentErrors, StrictModeError
from badgegen.load import MEDIA_FOLDER, load_content
from badgegen.model import Award, Registry
from badgegen.render import make_environment, render_pages
from badgegen.resolve import resolve
from badgegen.timeutil import build_time
from badgegen.write import SiteWriter, staged_output

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


@dataclass
class BuildReport:
    """What a run produced, for the summary line and the tests."""

    registry: Registry | None
    warnings: list[ContentError]
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    ledger_added: int = 0  # paths added to content/published.txt by this build


def check(config: BuildConfig) -> BuildReport:
    """Load and validate the content; raise `ContentErrors` listing every problem."""
    raw = load_content(config.content)
    resolution = resolve(raw, config.now, config.base_url)
    resolution.errors.extend(ledger.check(raw, resolution.registry, config.base_url))
    resolution.errors.extend(privacy.content_errors(raw))  # personal data, spreadsheets, EXIF
    if resolution.errors or resolution.registry is None:
        raise ContentErrors(resolution.errors + resolution.warnings)
    if config.strict and resolution.warnings:
        raise StrictModeError(resolution.warnings)
    return BuildReport(resolution.registry, resolution.warnings)


def build(config: BuildConfig) -> BuildReport:
    """Check the content, then write the whole site and swap it in."""
    started = time.perf_counter()
    report = check(config)
    registry = report.registry
    assert registry is not None
    with staged_output(config.out, check=privacy.output_check(registry, config.out)) as writer:
        for path, data in _outputs(registry, config):
            writer.write(path, data)
        _copy_static(writer, config.templates / "static")
        if registry.site.cname is not None:
            writer.write("CNAME", f"{registry.site.cname}\n".encode())
        # Last, once every page is written, and before the output check reads the folder.
        search.write_index(writer, search.indexed_pages(registry))
    report.files = writer.written
    if config.update_ledger:
        report.ledger_added = ledger.record(config.content, registry, writer.written)
    report.seconds = time.perf_counter() - started
    return report


def _outputs(registry: Registry, config: BuildConfig) -> Iterator[tuple[str, bytes]]:
    """Every published file, in a fixed order, produced one at a time."""
    base = registry.site.base_url
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
    for award in registry.awards.values():
        yield from _award_files(registry, award, base)
    for endorsement in registry.endorsements.values():
        yield (
            urls.endorsement_json(endorsement),
            jsonld.dumps(jsonld.endorsement_document(registry, endorsement)),
        )
    for name in registry.media:
        yield urls.media(name), (config.content / MEDIA_FOLDER / name).read_bytes()
    yield from render_pages(registry, make_environment(config.templates))
    yield ".nojekyll", b""


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


def _copy_static(writer: SiteWriter, static: Path) -> None:
    """The stylesheet and other fixed assets, copied as they are."""
    if not static.is_dir():
        return
    for file in sorted(p for p in static.rglob("*") if p.is_file()):
        writer.write("static/" + file.relative_to(static).as_posix(), file.read_bytes())
