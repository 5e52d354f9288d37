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
only those pages are sent to the indexer. An unlisted award page, the 404 page,
the listings and the search page never reach it. Inside a page, Pagefind reads only
the element marked `data-pagefind-body` (the `<article>`), skips what is marked
`data-pagefind-ignore`, and takes filters and metadata from the hidden
`data-pagefind-filter` / `data-pagefind-meta` spans that `templates/_search_facts.html`
writes from `page_facts()`; so it is sent only that (`indexed_text()`).

`write_indexes()` runs after every page is written, for the parts of the index (`shards()`)
whose pages changed, several Pagefind services at once (`--jobs`). Pagefind runs as a service
(`pagefind --service`): each page's text goes through a pipe, in the order of the part's pages
(so the page numbers in the index do not depend on how a folder lists its files), and the
bundle comes back the same way; its files are written into the tree like every other file:
read once, recorded, scanned for personal data (Pagefind's chunks decompressed), before
anything is flipped live, and a file whose bytes did not change is left as it is. No file is
written for Pagefind, none by it. Only the first part (`pagefind/`) ships Pagefind's code and
WebAssembly: the browser merges the others into it (`mergeIndex`).

Pagefind 1.5 is not fully byte-deterministic: it writes each filter's values in a
random (hash map) order, so `pagefind/filter/*`, `pagefind/pagefind.*.pf_meta` and
`pagefind/pagefind-entry.json` differ between two builds of the same pages; every
other file of the bundle (page fragments, word indexes, code) is identical.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import functools
import hashlib
import importlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, ClassVar
from zoneinfo import ZoneInfo

from badgegen import urls
from badgegen.errors import BuildError
from badgegen.i18n import format_date, translate
from badgegen.load import read_bytes
from badgegen.model import Award, BadgeClass, Issuer, Registry
from badgegen.trees import TreeWriter

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
#: Pages written to a service at once: it starts indexing while the next ones are read.
FEED_PAGES = 32
#: Bytes its answers may fill before it waits for them to be read (Linux's default is 64 KiB,
#: a few hundred pages' answers, filled while this thread writes another part's files).
ANSWER_PIPE_BYTES = 1 << 20
#: Seconds Pagefind may take for all the parts of a build (about 1 500 pages a second here).
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


#: Pages per part of the search index (see `shards()`), a part holding the pages of one language:
#: Pagefind indexes about 1 500 pages a second here, on one core a service, and a change makes
#: only its parts be indexed again (a listed award's page in each language: a part of each,
#: indexed side by side). At 10 000 awards (6 198 pages), a listed award's parts hold about
#: 450 pages each; see docs/scaling.md for what a visitor's first search costs.
SHARD_PAGES = 500


@dataclass(frozen=True)
class Shard:
    """A part of the search index: the pages Pagefind indexes together, and where it goes.

    `lang`: the language of all its pages, or None for the first part (`pagefind/`), which
    holds pages of every language. The browser loads the WebAssembly of its page's language
    from the first part only, and reads each merged part in that language: a part without
    pages in that language would be read in another one (Pagefind falls back to the language
    with the most pages), so a search page merges the parts of its own language only."""

    number: int
    pages: tuple[str, ...]
    lang: str | None = None

    @property
    def bundle(self) -> str:
        """Its folder in the site: the first part is `pagefind/` itself, the others inside it."""
        return urls.SEARCH_BUNDLE if self.number == 0 else f"{urls.SEARCH_BUNDLE}part-{self.number}/"


def shards(registry: Registry, shard_pages: int = SHARD_PAGES) -> list[Shard]:
    """The indexed pages, in parts of about `shard_pages`, merged by the browser when searching.

    One index for a big registry would make every change index every page again (seconds at
    ten thousand awards). A registry of at most `shard_pages` indexed pages has one part,
    `pagefind/`. A bigger one has:

    - a first part, `pagefind/`, with the issuers' pages in every language: it ships
      Pagefind's code and each language's WebAssembly (see `Shard`), and an issuer page
      changes only with the issuer or its badges;
    - then, language by language, parts holding only that language's pages. A visitor
      searches in one language: the search page merges its language's parts only (before,
      each part held both, and the browser fetched an entry of each part either way). A
      listed award's page in each language is in a part of each, and the two parts are
      indexed side by side (Pagefind uses one core a service): at 10 000 awards, the part
      of 1 070 pages of both languages took 1.07 s, its French and English halves 0.75 s.

    In a language, the pages go in *groups*, and each group to part `hash(group) mod count`,
    so a group stays in its part until the number of its language's parts changes:

    - a badge's page and the pages of its listed awards are one group (a badge change, which
      shows on all of them, indexes one part of each language again), as long as they are at
      most half a part (`badge_groups`); a popular badge's are split into groups of that size,
      each award's page in the group its id hashes to, the badge's own in the first. Without
      that split, a part held all the pages of the most awarded badge: at 50 000 awards the
      largest part had 7 182 pages (Pagefind then took 376 MB, and a change to one of its
      awards indexed all 7 182 again).
    """
    languages = registry.site.languages
    listed: dict[str, list[Award]] = {slug: [] for slug in registry.badges}
    for award in registry.awards.values():
        if award.listed:
            listed[award.badge.slug].append(award)
    group_of: dict[str, str] = {}  # badge slug or award id → its group (the same in every language)
    for slug, awards in listed.items():
        group_of.update(badge_groups(slug, awards, 1, max(1, shard_pages // 2)))
    first: list[str] = []
    groups_in: dict[str, dict[str, list[str]]] = {}  # language → group → its pages
    for lang in languages:
        groups = groups_in[lang] = {}
        for badge in registry.badges.values():
            groups.setdefault(group_of[badge.slug], []).append(urls.badge_page(badge, lang) + "index.html")
        first += [urls.issuer_page(issuer, lang) + "index.html" for issuer in registry.issuers.values()]
        for award in registry.awards.values():
            if award.listed:
                groups.setdefault(group_of[award.id], []).append(urls.award_page(award, lang) + "index.html")
    total = len(first) + sum(len(pages) for groups in groups_in.values() for pages in groups.values())
    if total == 0:
        return []
    if total <= max(1, shard_pages):
        return [Shard(0, tuple(indexed_pages(registry)))]
    found = [Shard(0, tuple(first))]
    for lang, groups in groups_in.items():
        for pages in _spread(groups, shard_pages):
            found.append(Shard(len(found), tuple(pages), lang))
    return found


def _spread(groups: Mapping[str, list[str]], shard_pages: int) -> list[list[str]]:
    """The groups' pages in `ceil(pages / shard_pages)` parts, each group in the part its name
    hashes to; the parts left empty are left out."""
    total = sum(len(pages) for pages in groups.values())
    count = max(1, -(-total // max(1, shard_pages)))
    parts: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(groups):
        parts[_hashed(name) % count].extend(groups[name])
    return [pages for pages in parts if pages]


def badge_groups(slug: str, awards: Sequence[Award], languages: int, group_pages: int) -> dict[str, str]:
    """The group of a badge's pages (under its `slug`) and of each of its listed `awards` (by id).

    One group, `badge:<slug>`, while all their pages fit in `group_pages`; else `k` groups
    `badge:<slug>/<i>` (`k` the fewest of that size): an award's in the group its id hashes to,
    the badge's in the first. A group changes only when `k` does (the badge gained or lost
    about `group_pages` pages), and the awards' groups do not depend on their order."""
    pages = languages * (1 + len(awards))
    split = -(-pages // group_pages)
    if split <= 1:
        return dict.fromkeys([slug, *(award.id for award in awards)], f"badge:{slug}")
    found = {slug: f"badge:{slug}/0"}
    for award in awards:
        found[award.id] = f"badge:{slug}/{_hashed(award.id) % split}"
    return found


def _hashed(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


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
    """The Pagefind binary: `$PAGEFIND_BINARY_PATH`, else the one of the `pagefind-bin-extended`
    or `pagefind-bin` wheel, else `pagefind_extended` or `pagefind` on the `PATH`.

    The order of `pagefind.service.get_executable()`, without importing `pagefind.service`:
    that imports `asyncio` for its own client (16 ms of a rebuild that indexes one part again,
    which runs the binary itself)."""
    found = _find_pagefind()
    if found is None or not found.is_file():
        raise SearchIndexError(
            "Pagefind manque ; installez-le avec « pip install 'pagefind[bin]' ».",
            "Pagefind is missing; install it with `pip install 'pagefind[bin]'`.",
        )
    return found


def _find_pagefind() -> Path | None:
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured is not None:
        return Path(configured)
    for wheel in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            module = importlib.import_module(wheel)
        except ImportError:
            continue
        with contextlib.suppress(FileNotFoundError):  # (a wheel without its binary: the next)
            return Path(module.get_executable())
    external = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(external) if external is not None else None


def write_indexes(writer: TreeWriter, parts: Sequence[Shard], jobs: int = 1) -> dict[str, list[str]]:
    """Index each part's pages (already written under `writer.root`); its bundle's files by part.

    Pagefind runs as a service (`pagefind --service`), one process a part: it is sent each
    page's text through a pipe and hands back the bundle's files, which are written into the
    tree like any other file (scanned, recorded, left alone when their bytes did not change).
    Nothing is written for Pagefind to read, and Pagefind writes nothing that would be read
    back and moved: at 10 000 awards that was 6 000 folders and links made, and 6 400 files
    made twice.

    Up to `jobs` services index at once (a service indexes one page at a time, fed by a
    thread), the largest parts first (`indexing_order`): the parts are uneven (they follow
    the badges), and the largest one, started last, ran alone at the end (1.5 s at 10 000
    awards). This thread reads every running service's answers as they come (`Service.pump`),
    so a service that is done makes room for the next part at once, even while an earlier
    part is still being indexed; it takes the bundles (writes their files) in the order the
    parts started, one at a time, so what is written does not depend on the timing. A
    bundle read by a thread of its own kept that thread's heap (about 30 MB more at 50 000
    awards): all answers are read here. At most `2 × jobs` parts are started and not yet
    taken, which bounds the bundles held at once.
    """
    if not parts:
        return {}
    executable = pagefind_executable()
    order = indexing_order(parts)
    started: list[Service] = []
    waiting: dict[int, Service] = {}  # place in `order` → its service, started and not yet taken
    ahead = 2 * max(1, jobs)

    def expire() -> None:
        for service in list(started):
            service.kill(expired=True)

    watchdog = threading.Timer(PAGEFIND_TIMEOUT, expire)
    watchdog.daemon = True
    watchdog.start()
    files: dict[str, list[str]] = {}
    try:
        for place, number in enumerate(order):
            while True:
                _start_parts(executable, writer.root, parts, order, place, waiting, started, jobs, ahead)
                service = waiting[place]
                if service.done:
                    break
                _pump_any(waiting.values())
            del waiting[place]
            shard = parts[number]
            bundle = service.take()
            files[shard.bundle] = take_bundle(writer, bundle, shard.bundle, first=shard.number == 0)
            del bundle  # (memory: one bundle at a time)
    except BaseException:
        for service in started:
            service.kill()
        raise
    finally:
        watchdog.cancel()
        for service in started:
            service.close()
    return {shard.bundle: files[shard.bundle] for shard in parts}


def _start_parts(
    executable: Path,
    root: Path,
    parts: Sequence[Shard],
    order: Sequence[int],
    first: int,
    waiting: dict[int, Service],
    started: list[Service],
    jobs: int,
    ahead: int,
) -> None:
    """Start the next parts of `order` (from `first`, the next to take) while fewer than
    `jobs` services are indexing and fewer than `ahead` parts wait to be taken."""
    later = first + len(waiting)
    while later < min(first + ahead, len(order)):
        if sum(not service.done for service in waiting.values()) >= max(1, jobs):
            return
        waiting[later] = service = Service.start(executable)
        started.append(service)
        service.feed(root, parts[order[later]])
        later += 1


def _pump_any(services: Iterable[Service]) -> None:
    """Wait until a service still indexing has written something; read all those that have."""
    indexing = {service.output: service for service in services if not service.done}
    if os.name == "nt":  # select() takes only sockets there: wait for the first one started
        next(iter(indexing.values())).pump()
        return
    ready, _, _ = select.select(list(indexing), [], [])
    for output in ready:
        indexing[output].pump()


def indexing_order(parts: Sequence[Shard]) -> list[int]:
    """The parts' numbers in the order their services start: the largest first (with `jobs`
    services at once, the build then waits least for the last one), ties by number."""
    return sorted(range(len(parts)), key=lambda number: (-len(parts[number].pages), number))


def is_published(relative: str, *, first: bool) -> bool:
    """Whether a file of a bundle goes to the site: not Pagefind's ready-made interfaces, and
    Pagefind's code only in the first part (`pagefind/`)."""
    if relative in UNUSED_BUNDLE_FILES:
        return False
    return first or not (relative in PART_UNUSED_FILES or fnmatch.fnmatchcase(relative, "wasm.*.pagefind"))


def take_bundle(writer: TreeWriter, bundle: Mapping[str, bytes], prefix: str, *, first: bool) -> list[str]:
    """Write the files of a bundle into the tree under `prefix` (scanned, recorded); their paths,
    in the order of their path parts (as `PurePosixPath` sorts them)."""
    taken = []
    for relative in sorted(bundle, key=lambda path: path.split("/")):
        if is_published(relative, first=first):
            writer.write(prefix + relative, bundle[relative])
            taken.append(prefix + relative)
    return taken


def forget_pages(folder: Path) -> None:
    """Delete what older versions kept for Pagefind in the build cache (`search-pages/`, hard
    links of the pages): Pagefind is now sent the pages, and reads no file."""
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)


def indexed_text(page: str) -> str:
    """What Pagefind is sent of a page: its `<html>` tag (the language), its title and the element
    marked `data-pagefind-body` (`<article>`) without the elements it ignores, all that Pagefind
    reads of our pages (`tests/test_search.py` checks that it indexes the same from both).

    The rest (head, menus, footer, the verification and sharing boxes) is two thirds of an award
    page: neither piped nor parsed. A page without the mark (or the tags this needs) is sent whole.
    """
    mark = page.find(" data-pagefind-body")
    html = page.find("<html")
    head_end = page.find(">", html) + 1
    start = page.rfind("<article", 0, mark)
    end = page.rfind("</article>")
    title_start, title_end = page.find("<title>"), page.find("</title>")
    if min(mark, html, start, end, title_start, title_end) < 0 or not html < start < mark < end:
        return page
    title = page[title_start : title_end + len("</title>")]
    body = without_ignored(page[start : end + len("</article>")])
    return (
        f'<!DOCTYPE html>\n{page[html:head_end]}\n<head>\n<meta charset="utf-8">\n{title}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


#: The start tag of an element that Pagefind ignores: marked `data-pagefind-ignore` (any value),
#: or an `<svg>` (our icons), which Pagefind always leaves out.
_IGNORED = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*\sdata-pagefind-ignore[\s>=]|<(svg)[\s>]")


def without_ignored(html: str) -> str:
    """`html` without the elements that Pagefind ignores (`_IGNORED`): it indexes none of their
    text. One holding a filter or metadata (which Pagefind still reads there), or whose end is
    not found (a void element, an unclosed tag), is kept."""
    kept: list[str] = []
    at = 0
    for found in ignored_starts(html):
        if found.start() < at:
            continue  # inside an element already cut
        close = _element_end(html, found.group(1) or found.group(2), found.end())
        if close < 0 or "data-pagefind-" in html[html.find(">", found.start()) : close]:
            continue
        kept.append(html[at : found.start()])
        at = close
    kept.append(html[at:])
    return "".join(kept)


def ignored_starts(html: str) -> Iterator[re.Match[str]]:
    """`_IGNORED.finditer(html)`, each search started where a match can first be.

    Run from the start, the pattern is tried at every tag of the page, each scanned to its end
    for the mark: most of the cost of cutting a page. A match holds the mark or starts with
    `<svg`; one for the next mark starts past the last `>` before it (the tag around it holds
    none). So no match starts before the nearer of those two places, and searching from there
    finds the same match as searching from where the last one ended."""
    at = 0
    while True:
        mark = html.find("data-pagefind-ignore", at)
        svg = html.find("<svg", at)
        starts = [svg] if svg >= 0 else []
        if mark >= 0:
            starts.append(html.rfind(">", at, mark) + 1 or at)
        if not starts:
            return
        found = _IGNORED.search(html, min(starts))
        if found is None:
            return
        yield found
        at = found.end()  # (never empty: the pattern starts with « < »)


def _element_end(html: str, tag: str, after: int) -> int:
    """Where the element `tag` whose start tag is before `after` ends (past its end tag), or -1."""
    depth = 1
    for found in _tag_edges(tag).finditer(html, after):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            end = html.find(">", found.start())
            return end + 1 if end >= 0 else -1
    return -1


@functools.cache
def _tag_edges(tag: str) -> re.Pattern[str]:
    """The start and end tags of the elements named `tag`."""
    return re.compile(rf"<(/?){tag}[\s>/]")


def _widen_pipe(process: subprocess.Popen[bytes]) -> None:
    """Let the service's answers fill `ANSWER_PIPE_BYTES` before it has to wait (Linux only;
    elsewhere, or if refused, the pipe keeps its size: only slower)."""
    try:
        import fcntl
    except ImportError:
        return
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setting is not None and process.stdout is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(process.stdout.fileno(), setting, ANSWER_PIPE_BYTES)


def whole_answers(partial: list[bytes], chunk: bytes) -> list[bytes]:
    """The answers that `chunk`, just read from a service, ends; `partial` holds the start of
    an answer cut by the previous reads, and is left holding the start of the next one.

    An answer is base64 followed by a comma (base64 has none). A read holds hundreds of small
    answers, or a piece of a bundle's: each is cut where it ends, without copying the rest
    of the chunk, and an answer cut by reads is joined once."""
    answers = []
    at = 0
    while (end := chunk.find(b",", at)) >= 0:
        piece = chunk[at:end]
        if partial:
            piece = b"".join([*partial, piece])
            partial.clear()
        answers.append(piece)
        at = end + 1
    if at < len(chunk):
        partial.append(chunk[at:])
    return answers


def _message(number: int, payload: Mapping[str, object]) -> bytes:
    """A request to Pagefind's service: base64 of its JSON, then a comma."""
    return base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode()) + b","


class Service:
    """A `pagefind --service` process indexing one part: its pages are sent by a thread."""

    def __init__(
        self, process: subprocess.Popen[bytes], log: IO[bytes], folder: tempfile.TemporaryDirectory[str]
    ) -> None:
        self.process = process
        self.log = log
        self.folder = folder  # its working folder, empty
        self.expected: int | None = None  # the pages it is sent (answers: 2 more)
        self.answers = 0  # answers read and checked
        self.partial: list[bytes] = []  # the start of an answer cut by a read
        self.files: dict[str, bytes] | None = None  # its bundle, once it came back whole
        self.failed: BaseException | None = None
        self.feeder: threading.Thread | None = None
        self.expired = False
        self.closed = False

    @classmethod
    def start(cls, executable: Path) -> Service:
        # Run in an empty folder, without PAGEFIND_* variables: no stray pagefind.yml or
        # environment may change what is indexed.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
        log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `close()`)
        folder = tempfile.TemporaryDirectory(prefix="badgegen-pagefind-")
        try:
            process = subprocess.Popen(
                [str(executable), "--service"],
                cwd=folder.name,
                env=environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        except OSError as exc:
            log.close()
            folder.cleanup()
            raise SearchIndexError(
                f"Pagefind n'a pas pu tourner ({exc}).", f"Pagefind could not run ({exc})."
            ) from exc
        _widen_pipe(process)
        return cls(process, log, folder)

    def feed(self, root: Path, shard: Shard) -> None:
        """Send the part's pages (read under `root`) from a thread, in the order of `shard.pages`:
        Pagefind numbers the pages in the order it is given them."""
        self.expected = len(shard.pages)
        self.feeder = threading.Thread(target=self._send, args=(root, shard), daemon=True)
        self.feeder.start()

    def _send(self, root: Path, shard: Shard) -> None:
        """Write the requests a few pages at a time, so that Pagefind indexes the first pages
        while the next are read (sent all at once, the service waited a sixth of a second
        for each thousand pages, doing nothing)."""
        stdin = self.process.stdin
        assert stdin is not None
        try:
            messages = [_message(0, {"type": "NewIndex", "config": None})]
            folder = str(root)
            for number, page in enumerate(shard.pages, start=1):
                text = indexed_text(read_bytes(f"{folder}/{page}").decode("utf-8"))
                payload = {"type": "AddFile", "index_id": 0, "file_path": page, "file_contents": text}
                messages.append(_message(number, payload))
                if len(messages) >= FEED_PAGES:
                    stdin.write(b"".join(messages))
                    stdin.flush()
                    messages = []
            messages.append(_message(len(shard.pages) + 1, {"type": "GetFiles", "index_id": 0}))
            # Its input stays open until the bundle has come back (`pump` then closes it): the
            # service exits as soon as its input ends, whatever it was doing.
            stdin.write(b"".join(messages))
            stdin.flush()
        except BaseException as exc:  # reported by `pump()`, as the service ends
            self.failed = exc
            with contextlib.suppress(OSError):
                stdin.close()

    @property
    def output(self) -> int:
        """The file descriptor of its answers (to wait on with `select`)."""
        stdout = self.process.stdout
        assert stdout is not None
        return stdout.fileno()

    @property
    def done(self) -> bool:
        """Whether its bundle has come back whole (then `take()` hands it over)."""
        return self.files is not None

    def pump(self) -> None:
        """Read what the service has written (at most a megabyte; waits only if it wrote
        nothing yet) and check each answer that is now whole (`whole_answers`): `NewIndex`,
        one `IndexedFile` per page, then `GetFiles` with the bundle. Once the bundle is whole,
        the service is let go."""
        chunk = os.read(self.output, 1 << 20)
        if not chunk:
            raise self._error("ended too soon")
        for answer in whole_answers(self.partial, chunk):
            self._answer(answer)
        if self.files is not None:
            self.close()

    def _answer(self, message: bytes) -> None:
        payload: dict[str, object] = json.loads(base64.b64decode(message))["payload"]
        kind = payload.get("type")
        if kind == "Error":
            raise self._error(str(payload.get("message")))
        pages = self.expected if self.expected is not None else -1
        wanted = "NewIndex" if self.answers == 0 else "IndexedFile" if self.answers <= pages else "GetFiles"
        if kind != wanted:
            raise self._error(f"answered {kind!r} where {wanted!r} was expected")
        self.answers += 1
        if kind == "GetFiles":
            found = payload.get("files")
            assert isinstance(found, list)
            files = {str(file["path"]): base64.b64decode(file["content"]) for file in found}
            if "pagefind.js" not in files:
                raise self._error("no pagefind.js in its bundle")
            self.files = files

    def take(self) -> dict[str, bytes]:
        """The files of the part's bundle (path → bytes), handed over once (see `bundle`)."""
        files, self.files = self.files, None
        assert files is not None, "a bundle taken before it came back"
        return files

    def bundle(self, pages: int) -> dict[str, bytes]:
        """The files of the part's bundle (path → bytes), once its `pages` pages are indexed
        (waiting for this service alone)."""
        self.expected = pages
        while not self.done:
            self.pump()
        return self.take()

    def _error(self, what: str) -> SearchIndexError:
        if self.expired:
            what = f"{what} (stopped after {PAGEFIND_TIMEOUT} s)"
        if self.failed is not None:
            what = f"{what}: {self.failed}"
        self.log.seek(0)
        output = self.log.read().decode("utf-8", "replace").strip()[-2000:]
        detail = f"{what}\n{output}".strip()
        return SearchIndexError(f"Pagefind a échoué : {detail}", f"Pagefind failed: {detail}")

    def kill(self, *, expired: bool = False) -> None:
        """End the process now (a build that failed meanwhile, or took too long: `expired`)."""
        self.expired = self.expired or expired
        if self.process.poll() is None:
            self.process.kill()

    def close(self) -> None:
        """End its input (the service then exits), wait for it and its feeder; let go of both."""
        if self.closed:
            return
        self.closed = True
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.feeder is not None:
            self.feeder.join()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()
        self.folder.cleanup()
