"""The static search: Pagefind indexes the written pages of the next output tree.

Why Pagefind and not an index of our own: its indexer (a Rust binary that the
`pagefind-bin` wheel ships, so nothing is downloaded at build time) writes a
bundle split into small gzip-compressed chunks, one index per language with the
French and English stemmers (« semis », « semer », « sème » meet), filters and
result metadata; the browser fetches only the chunks a query needs, which keeps a
search light on a phone, and it all works from the site's own static files. The
page around it (`templates/search.html`, `templates/static/search.js`) is ours:
French words from `i18n.py`, a plain GET form, no inline script or style, so the
Content-Security-Policy stays strict (only `'wasm-unsafe-eval'` for its WebAssembly).

What is indexed is decided here, not by markup alone: `indexed_pages()` lists the
badge and issuer pages and the pages of *listed* awards, in every language, and
only those files are hard-linked into the folder that Pagefind reads. An unlisted
award page, the 404 page, the listings and the search page never reach the
indexer. Inside a page, Pagefind reads only the element marked `data-pagefind-body`
(the `<article>`), skips what is marked `data-pagefind-ignore`, and takes filters
and metadata from the hidden `data-pagefind-filter` / `data-pagefind-meta` spans
that `templates/_search_facts.html` writes from `page_facts()`.

`write_indexes()` runs after every page is written, for the parts of the index (`shards()`)
whose pages changed, several Pagefind processes at once (`--jobs`). Its input is kept between
builds in the build cache (`search-pages/part-N/`, hard links of the pages, brought up to date,
not made again); its bundle is written beside the tree and *moved* into it
(`TreeWriter.adopt`): each file is read once, recorded, and scanned for personal data
(Pagefind's chunks decompressed) like every other file, before anything is flipped live, and a
file whose bytes did not change is left as it is. Only the first part (`pagefind/`) ships
Pagefind's code and WebAssembly: the browser merges the others into it (`mergeIndex`).

Pagefind 1.5 is not fully byte-deterministic: it writes each filter's values in a
random (hash map) order, so `pagefind/filter/*`, `pagefind/pagefind.*.pf_meta` and
`pagefind/pagefind-entry.json` differ between two builds of the same pages; every
other file of the bundle (page fragments, word indexes, code) is identical.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from badgegen import urls
from badgegen.errors import BuildError
from badgegen.i18n import format_date, translate
from badgegen.model import Award, BadgeClass, Issuer, Registry
from badgegen.trees import Entry, TreeWriter, entry_of

#: Files of Pagefind's bundle that the site does not use (its ready-made interfaces): left out.
UNUSED_BUNDLE_FILES = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-highlight.js",
    }
)
#: Pagefind's code, needed in the first part only: the browser imports `pagefind/pagefind.js`,
#: which starts its worker from `pagefind/` and loads the WebAssembly of the first part alone
#: (Pagefind 1.5's `mergeIndex` inits a merged index with `load_wasm: false`); a merged part
#: is only index files. Its `wasm.*.pagefind` files go too (`is_published`).
PART_UNUSED_FILES = frozenset({"pagefind.js", "pagefind-worker.js"})
#: Seconds a Pagefind process may take (about 1 500 pages a second here).
PAGEFIND_TIMEOUT = 600
#: The kinds of results, as the `kind` filter names them.
KINDS = ("badge", "award", "issuer")


class SearchIndexError(BuildError):
    """Pagefind is missing or failed: nothing is published (the old site stays)."""

    def __init__(self, reason_fr: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_fr = reason_fr
        self.reason_en = reason_en

    exit_code: ClassVar[int] = 1

    def format_message(self, lang: str) -> str:
        if lang == "fr":
            return f"Index de recherche impossible à construire : {self.reason_fr}"
        return f"Cannot build the search index: {self.reason_en}"


# --- which pages, and what the index learns about each ------------------------------------


#: Pages per part of the search index (see `shards()`): Pagefind indexes about 1 500 pages a
#: second here, and a change makes only its part be indexed again. At 10 000 awards (6 198 pages)
#: a listed award's part is 1 170 pages on average with 1 000 (1 630 with 2 000, 660 with 500),
#: and a visitor's first word search costs 34 requests, 222 KB and 1.7 s at 100 ms of latency
#: (25, 188 KB and 1.5 s with 2 000; 52, 296 KB and 2.0 s with 500): see docs/scaling.md.
SHARD_PAGES = 1000


@dataclass(frozen=True)
class Shard:
    """A part of the search index: the pages Pagefind indexes together, and where it goes."""

    number: int
    pages: tuple[str, ...]

    @property
    def bundle(self) -> str:
        """Its folder in the site: the first part is `pagefind/` itself, the others inside it."""
        return urls.SEARCH_BUNDLE if self.number == 0 else f"{urls.SEARCH_BUNDLE}part-{self.number}/"


def shards(registry: Registry, shard_pages: int = SHARD_PAGES) -> list[Shard]:
    """The indexed pages, in parts of about `shard_pages`, merged by the browser when searching.

    One index for a big registry would make every change index every page again (seconds at
    ten thousand awards). A badge's page and the pages of its listed awards always share a
    part (a badge change, which shows on all of them, indexes one part again), an issuer's
    page has its own; each group goes to part `hash(group) mod count`, so a group stays in its
    part until the number of parts changes. A registry under `shard_pages` pages has one part:
    `pagefind/`, as without parts.
    """
    groups: dict[str, list[str]] = {}
    for lang in registry.site.languages:
        for badge in registry.badges.values():
            groups.setdefault(f"badge:{badge.slug}", []).append(urls.badge_page(badge, lang) + "index.html")
        for issuer in registry.issuers.values():
            groups.setdefault(f"issuer:{issuer.slug}", []).append(
                urls.issuer_page(issuer, lang) + "index.html"
            )
        for award in registry.awards.values():
            if award.listed:
                groups.setdefault(f"badge:{award.badge.slug}", []).append(
                    urls.award_page(award, lang) + "index.html"
                )
    total = sum(len(pages) for pages in groups.values())
    if total == 0:
        return []
    count = max(1, -(-total // max(1, shard_pages)))
    if count == 1:
        return [Shard(0, tuple(indexed_pages(registry)))]
    parts: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(groups):
        number = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") % count
        parts[number].extend(groups[name])
    found = [pages for pages in parts if pages]
    return [Shard(number, tuple(pages)) for number, pages in enumerate(found)]


def indexed_pages(registry: Registry) -> list[str]:
    """The HTML files handed to Pagefind: badges, issuers and listed awards, in every language."""
    pages: list[str] = []
    for lang in registry.site.languages:
        pages += [urls.badge_page(badge, lang) for badge in registry.badges.values()]
        pages += [urls.issuer_page(issuer, lang) for issuer in registry.issuers.values()]
        pages += [urls.award_page(award, lang) for award in registry.awards.values() if award.listed]
    return [page + "index.html" for page in pages]


@dataclass(frozen=True)
class PageFacts:
    """Pagefind filters (key, value; a key may repeat) and result metadata of one page."""

    filters: tuple[tuple[str, str], ...]
    meta: tuple[tuple[str, str], ...]


def year_of(moment: datetime, zone: str) -> str:
    """The year of `moment` where the registry is (an award of 31 December stays in its year)."""
    return str(moment.astimezone(ZoneInfo(zone)).year)


def page_facts(registry: Registry, subject: BadgeClass | Issuer | Award, lang: str) -> PageFacts:
    """What a badge, issuer or listed award page tells the index besides its text."""
    zone = registry.site.timezone
    if isinstance(subject, Issuer):
        issuer, kind = subject, "issuer"
        filters = [("kind", kind), ("structure", issuer.slug)]
        summary = [translate(f"issuer.kind.{issuer.kind}", lang)]
        picture = urls.issuer_image(issuer) if issuer.image is not None else ""
    else:
        badge = subject.badge if isinstance(subject, Award) else subject
        issuer = badge.issuer
        kind = "award" if isinstance(subject, Award) else "badge"
        filters = [("kind", kind), ("family", badge.family), ("structure", issuer.slug)]
        filters += [("code", a.code) for a in badge.alignments if a.code]
        summary = [translate(f"family.{badge.family}", lang), issuer.name]
        if isinstance(subject, Award):
            filters.append(("year", year_of(subject.issued_on, zone)))
            summary.append(format_date(subject.issued_on, lang, zone))
            summary.append(translate(f"award.status.{registry.status(subject)}", lang))
        picture = urls.badge_image(badge)
    if issuer.territory:
        filters.append(("territory", issuer.territory))
        if isinstance(subject, Issuer):
            summary.append(issuer.territory)
    meta = [("kind", translate(f"search.kind.{kind}", lang)), ("summary", " · ".join(summary))]
    if picture:
        meta.append(("picture", picture))  # from the site's root; search.js resolves it
    return PageFacts(tuple(filters), tuple(meta))


# --- the choices of the search form --------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Filter:
    """One <select> of the search form: its URL parameter, its label, what it offers."""

    key: str
    label: str
    any: str
    choices: tuple[Choice, ...]


def search_filters(registry: Registry, lang: str) -> list[Filter]:
    """The filters of the search page, each with the values that some indexed page has."""
    zone = registry.site.timezone
    listed = [a for a in registry.awards.values() if a.listed]
    families = [f for f, _badges in registry.badges_by_family()]
    codes = sorted(
        {(a.framework, a.code, a.name) for b in registry.badges.values() for a in b.alignments if a.code},
        key=lambda c: (c[0], c[1] or ""),
    )
    territories = sorted({i.territory for i in registry.issuers.values() if i.territory}, key=str.casefold)
    issuers = sorted(registry.issuers.values(), key=lambda i: i.name.casefold())
    years = sorted({year_of(a.issued_on, zone) for a in listed}, reverse=True)

    def make(key: str, choices: list[Choice]) -> Filter:
        return Filter(
            key, translate(f"search.{key}", lang), translate(f"search.{key}.any", lang), tuple(choices)
        )

    found = [
        make("kind", [Choice(k, translate(f"search.kind.{k}.plural", lang)) for k in KINDS]),
        make("family", [Choice(f, translate(f"family.{f}", lang)) for f in families]),
        make("code", [Choice(code or "", f"{framework} {code} — {name}") for framework, code, name in codes]),
        make("territory", [Choice(t, t) for t in territories]),
        make("structure", [Choice(i.slug, i.name) for i in issuers]),
        make("year", [Choice(y, y) for y in years]),
    ]
    return [f for f in found if f.choices]


# --- running Pagefind ----------------------------------------------------------------------


def pagefind_executable() -> Path:
    """The Pagefind binary of the `pagefind-bin` wheel (or `$PAGEFIND_BINARY_PATH`)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = None
    else:
        found = get_executable()
    if found is None or not found.is_file():
        raise SearchIndexError(
            "Pagefind manque ; installez-le avec « pip install 'pagefind[bin]' ».",
            "Pagefind is missing; install it with `pip install 'pagefind[bin]'`.",
        )
    return found


def write_indexes(
    writer: TreeWriter, parts: Sequence[Shard], jobs: int = 1, pages: Path | None = None
) -> dict[str, list[str]]:
    """Index each part's pages (already written under `writer.root`); its bundle's files by part.

    Pagefind reads hard links of the pages, one folder a part under `pages`, kept from one
    build to the next (`sync_pages`; the build cache's `search-pages/`), or made afresh in a
    temporary folder when `pages` is None.

    Up to `jobs` Pagefind processes run at once (one uses about 1.3 cores, part of it
    waiting on the disk), and a part's bundle is taken into the tree, and its folder deleted,
    while the next parts are being indexed; bundles are taken in the order of `parts`, so the
    build's files come in the same order whatever the timing.
    """
    if not parts:
        return {}
    executable = pagefind_executable()
    files: dict[str, list[str]] = {}
    # Beside the output tree, so that the bundle's files are moved into it, not written again.
    with tempfile.TemporaryDirectory(prefix=".badgegen-search-", dir=writer.root.parent) as folder:
        running: dict[int, Indexing] = {}
        kept = pages if pages is not None else Path(folder) / "pages"

        def start_from(first: int) -> None:
            """Start the next parts after those running, up to `jobs` processes."""
            for later in range(first + len(running), min(first + max(1, jobs), len(parts))):
                part = parts[later]
                part_pages = kept / f"part-{part.number}"
                sync_pages(writer.root, {page: writer.manifest[page] for page in part.pages}, part_pages)
                running[later] = start_indexing(executable, part_pages, Path(folder) / f"part-{part.number}")

        try:
            for number, shard in enumerate(parts):
                start_from(number)
                bundle = running.pop(number).finish()
                start_from(number + 1)
                files[shard.bundle] = adopt_bundle(writer, bundle, shard.bundle, first=shard.number == 0)
                shutil.rmtree(bundle.parent)  # its pages and what was not moved
        finally:
            for indexing in running.values():
                indexing.stop()
    return files


def is_published(relative: str, *, first: bool) -> bool:
    """Whether a file of a bundle goes to the site: not Pagefind's ready-made interfaces, and
    Pagefind's code only in the first part (`pagefind/`)."""
    if relative in UNUSED_BUNDLE_FILES:
        return False
    return first or not (relative in PART_UNUSED_FILES or fnmatch.fnmatchcase(relative, "wasm.*.pagefind"))


def adopt_bundle(writer: TreeWriter, bundle: Path, prefix: str, *, first: bool) -> list[str]:
    """Move the files of a bundle into the tree under `prefix` (scanned, recorded); their paths."""
    adopted = []
    for file in sorted(p for p in bundle.rglob("*") if p.is_file()):
        relative = file.relative_to(bundle).as_posix()
        if is_published(relative, first=first):
            writer.adopt(prefix + relative, file)
            adopted.append(prefix + relative)
    return adopted


def forget_parts(folder: Path, numbers: Collection[int]) -> None:
    """Delete the kept pages (under `folder`) of the parts that are no more (the registry shrank)."""
    if not folder.is_dir():
        return
    wanted = {f"part-{number}" for number in numbers}
    for part in folder.iterdir():
        if part.name in wanted:
            continue
        if part.is_dir() and not part.is_symlink():
            shutil.rmtree(part)
        else:
            part.unlink()


def sync_pages(root: Path, pages: Mapping[str, Entry], folder: Path) -> None:
    """Make `folder` hold exactly `pages` (path → manifest entry) of the tree at `root`, for Pagefind.

    Hard links, ten times cheaper than copies at ten thousand pages, and kept from one build
    to the next: creating and deleting thousands of links and folders at each build cost
    seconds. A page already there with the right bytes (the same file, or one whose digest is
    the page's: the two trees hold distinct files of the same bytes) is left alone; any other
    file is removed first, so a page that left the part (an award no longer listed) is never
    indexed again.
    """
    for found in _files_under(folder):
        if found not in pages:
            (folder / found).unlink()
            with contextlib.suppress(OSError):
                (folder / found).parent.rmdir()  # only if empty
    for page, entry in pages.items():
        source, target = root / page, folder / page
        if not _holds(target, source, entry):
            _link_or_copy(source, target)


def _files_under(folder: Path) -> Iterator[str]:
    """The files under `folder` (none if it does not exist), as POSIX paths relative to it."""
    for parent, _folders, names in os.walk(folder):
        for name in names:
            yield (Path(parent) / name).relative_to(folder).as_posix()


def _holds(target: Path, source: Path, entry: Entry) -> bool:
    """Whether `target` has the bytes of `source`, whose manifest entry is `entry`."""
    try:
        if os.path.samestat(target.stat(), source.stat()):
            return True
        return entry_of(target.read_bytes()) == entry
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` becomes a hard link to `source` (a copy where none can be made), whatever it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.~new")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        temporary.write_bytes(source.read_bytes())
    temporary.replace(target)


@dataclass
class Indexing:
    """A Pagefind process indexing one part; its bundle and what it says go to `work`."""

    work: Path
    process: subprocess.Popen[bytes]
    deadline: float

    @property
    def bundle(self) -> Path:
        return self.work / "bundle"

    def finish(self) -> Path:
        """Wait for Pagefind; its bundle, or `SearchIndexError` with what it said."""
        try:
            code = self.process.wait(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self.stop()
            raise SearchIndexError(
                f"Pagefind n'a pas pu tourner ({exc}).", f"Pagefind could not run ({exc})."
            ) from exc
        if code != 0 or not (self.bundle / "pagefind.js").is_file():
            output = (self.work / "pagefind.log").read_text("utf-8", "replace").strip()[-2000:]
            raise SearchIndexError(
                f"Pagefind a échoué (code {code}) :\n{output}",
                f"Pagefind failed (exit code {code}):\n{output}",
            )
        return self.bundle

    def stop(self) -> None:
        """End the process (a build that failed meanwhile) and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def start_indexing(executable: Path, pages: Path, work: Path) -> Indexing:
    """Start Pagefind on the pages under `pages`; its bundle and what it says go to `work`."""
    work.mkdir(parents=True)
    # Run in an empty folder, without PAGEFIND_* variables: no stray pagefind.yml or
    # environment may change what is indexed or where it goes.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    command = [str(executable), "--site", str(pages), "--output-path", str(work / "bundle"), "--silent"]
    try:
        with (work / "pagefind.log").open("wb") as log:
            process = subprocess.Popen(
                command, cwd=work, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
    except OSError as exc:
        raise SearchIndexError(
            f"Pagefind n'a pas pu tourner ({exc}).", f"Pagefind could not run ({exc})."
        ) from exc
    return Indexing(work, process, time.monotonic() + PAGEFIND_TIMEOUT)
