"""The static search (Pagefind): what the index holds, and the search page in a real browser.

Without a browser: the built index, decompressed, holds only badge, issuer and listed award
pages, never an unlisted award's id nor a recipient's hash; the output check reads it; every
page carries the Content-Security-Policy. In Chromium (see tests/browser_support.py; under
CI=true these tests must run): a skill word finds a listed award and never an unlisted one,
the family and ROME code filters, the English page, the header's form, the page without
JavaScript, axe-core with results shown at 1280 and 320 px, and no request off 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from browser_support import (
    CHROMIUM_ARGS,
    REPO,
    built_site,
    chromium_path,
    describe_violations,
    missing_tool,
    run_axe,
)

from badgegen import privacy
from badgegen.render import CONTENT_SECURITY_POLICY
from badgegen.trees import TreeWriter

CONTENT = REPO / "content"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


def _yaml_files(folder: str) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(CONTENT.glob(f"{folder}/**/*.yaml"))}


AWARDS = _yaml_files("awards")
BADGES = _yaml_files("badges")
ISSUERS = _yaml_files("issuers")
#: `listed: true` missing means unlisted: the earner did not agree to be found.
LISTED = sorted(award_id for award_id, award in AWARDS.items() if award.get("listed") is True)
UNLISTED = sorted(set(AWARDS) - set(LISTED))
#: The listed award and the badge a skill word must find.
SEMER = "semer-en-plein-champ"
LISTED_SEMER = sorted(a for a in LISTED if AWARDS[a]["badge"] == SEMER)


def _pages_of_badges(slugs: set[str], prefix: str = "") -> set[str]:
    """The pages of these badges and of their listed awards (what a filter on them finds)."""
    pages = {f"{prefix}badges/{slug}/" for slug in slugs}
    return pages | {f"{prefix}assertions/{a}/" for a in LISTED if AWARDS[a]["badge"] in slugs}


def test_the_example_has_what_these_tests_need() -> None:
    assert UNLISTED and LISTED_SEMER
    assert any(AWARDS[a]["badge"] == SEMER for a in UNLISTED), "an unlisted award the word would find"
    codes = {a.get("code") for b in BADGES.values() for a in b.get("alignments", [])}
    assert "A1414" in codes


# --- the built index, without a browser -----------------------------------------------------


@dataclass
class Served:
    folder: Path
    base: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example site, built for and served on a loopback port (one build for every test)."""
    folder = tmp_path_factory.mktemp("search") / "site"
    with built_site(folder) as base:
        yield Served(folder, base)


def _fragments(site: Path) -> list[dict[str, Any]]:
    """Every page record of the index: {url, content, filters, meta, …}."""
    found = []
    for path in sorted(site.glob("pagefind/fragment/*.pf_fragment")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd")
        found.append(json.loads(text))
    return found


def test_index_has_badges_issuers_and_listed_awards_only(served: Served) -> None:
    expected = set()
    for prefix in ("", "en/"):
        expected |= {f"/{prefix}badges/{slug}/" for slug in BADGES}
        expected |= {f"/{prefix}issuers/{slug}/" for slug in ISSUERS}
        expected |= {f"/{prefix}assertions/{award_id}/" for award_id in LISTED}
    urls = [record["url"] for record in _fragments(served.folder)]
    assert sorted(urls) == sorted(expected)  # each page once, nothing else (no 404, search, listing)


def test_index_holds_no_unlisted_award_and_no_recipient_hash(served: Served) -> None:
    chunks = sorted(served.folder.glob("pagefind/**/*.pf_*"))
    assert {p.suffix for p in chunks} >= {".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"}
    text = b"".join(gzip.decompress(p.read_bytes()) for p in chunks)
    assert f"/assertions/{LISTED_SEMER[0]}/".encode() in text, "the check reads the real index"
    for award_id in UNLISTED:
        assert award_id.encode() not in text, f"unlisted award {award_id} is in the search index"
    for award_id, award in AWARDS.items():
        identity = award["recipient"]["identity"].removeprefix("sha256$")
        assert identity.encode() not in text, f"recipient hash of {award_id} is in the search index"
        assert award["recipient"]["salt"].encode() not in text, f"recipient salt of {award_id}"


def test_filters_and_details_come_with_each_page(served: Served) -> None:
    records = {record["url"]: record for record in _fragments(served.folder)}
    award = records[f"/assertions/{LISTED_SEMER[0]}/"]
    year = str(AWARDS[LISTED_SEMER[0]]["issued_on"])[:4]
    issuer = BADGES[SEMER]["issuer"]
    assert award["filters"] == {
        "code": ["A1414"],
        "family": ["savoir-faire"],
        "kind": ["award"],
        "structure": [issuer],
        "territory": [ISSUERS[issuer]["territory"]],
        "year": [year],
    }
    assert award["meta"]["kind"] == "Badge attribué" and award["meta"]["picture"] == f"badges/{SEMER}.png"
    english = records[f"/en/assertions/{LISTED_SEMER[0]}/"]
    assert english["meta"]["kind"] == "Awarded badge" and "sow" in english["content"]
    assert "Aller au contenu" not in award["content"], "only the page's article is indexed"


def test_output_check_reads_the_compressed_index(tmp_path: Path) -> None:
    """A recipient's address inside a gzip-compressed chunk is found (and the site refused)."""
    chunk = tmp_path / "pagefind" / "fragment" / "fr_0000000.pf_fragment"
    chunk.parent.mkdir(parents=True)
    record = {"url": "/x/", "content": "Écrire à jeanne.martin@gmail.com pour en savoir plus."}
    chunk.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(record).encode()))
    problems = privacy.scan_output(tmp_path, frozenset(), "site")
    assert [(p.path, p.code) for p in problems] == [
        ("site/pagefind/fragment/fr_0000000.pf_fragment", "published-personal-data")
    ]


def test_every_page_has_the_content_security_policy(served: Served) -> None:
    escaped = CONTENT_SECURITY_POLICY.replace("'", "&#39;")  # as Jinja writes it in an attribute
    meta = f'<meta http-equiv="Content-Security-Policy" content="{escaped}">'
    pages = sorted(served.folder.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        head = page.read_text("utf-8").split("</head>")[0]
        assert meta in head, page
        assert head.index("Content-Security-Policy") < head.index("<title>"), page
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY


def test_search_page_offers_the_filters(served: Served) -> None:
    page = (served.folder / "recherche/index.html").read_text("utf-8")
    for name in ("q", "kind", "family", "code", "territory", "structure", "year"):
        assert f'name="{name}"' in page
    assert '<option value="savoir-etre">Savoir-être</option>' in page
    assert "ROME A1414 — " in page
    assert '<script type="module" src="../static/search.js"></script>' in page
    assert "data-pagefind-body" not in page, "the search page is not indexed"


# --- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("Playwright is missing: install it with `pip install playwright` (no browser download).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    """One browser page, with everything that went wrong while it was open."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, path

    def results(self, address: str) -> list[str]:
        """The result links (site paths) once the search for `address` is answered, all pages of them."""
        self.page.wait_for_function(
            "(address) => document.getElementById('search-status').dataset.search === address", arg=address
        )
        more = self.page.locator("#search-more")
        while more.is_visible():
            count = self.page.locator("#search-list > li").count()
            more.click()
            self.page.wait_for_function(
                "(n) => document.querySelectorAll('#search-list > li').length > n", arg=count
            )
        hrefs: list[str] = self.page.eval_on_selector_all(
            "#search-list a", "(links) => links.map((a) => a.href)"
        )
        assert all(href.startswith(self.base) for href in hrefs), hrefs
        return [href.removeprefix(self.base) for href in hrefs]

    def check_clean(self) -> None:
        origin = self.base.rstrip("/")
        foreign = [
            u
            for u in self.requests
            if urlsplit(u).scheme not in {"data", "blob"} and not u.startswith(origin)
        ]
        assert foreign == [], f"requests off 127.0.0.1: {foreign}"
        assert self.errors == [], "console errors (a CSP violation shows up here)"


@contextmanager
def _tab(browser: Any, base: str, **options: Any) -> Iterator[Tab]:
    """A fresh page; at the end, no console error and no request off the loopback."""
    context = browser.new_context(**{"viewport": DESKTOP, **options})
    page = context.new_page()
    opened = Tab(page, base)
    context.on("request", lambda r: opened.requests.append(r.url))  # pages and workers alike
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(f"uncaught: {e}"))
    try:
        yield opened
        opened.check_clean()
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any, served: Served) -> Iterator[Tab]:
    with _tab(browser, served.base) as opened:
        yield opened


def test_a_skill_word_finds_the_listed_award_and_never_an_unlisted_one(tab: Tab) -> None:
    tab.open("recherche/?q=semis")
    found = tab.results("q=semis")
    assert tab.page.input_value("#search-q") == "semis"
    assert f"assertions/{LISTED_SEMER[0]}/" in found and f"badges/{SEMER}/" in found
    text = tab.page.inner_text("#search-list")
    for award_id in UNLISTED:
        assert not any(award_id in link for link in found) and award_id not in text
    assert re.fullmatch(r"\d+ résultats\.", tab.page.inner_text("#search-status"))
    assert tab.page.locator("#search-list mark").count() > 0, "the words found are highlighted"


def test_all_awards_found_are_exactly_the_listed_ones(tab: Tab) -> None:
    tab.open("recherche/?kind=award")
    found = tab.results("kind=award")
    assert sorted(found) == sorted(f"assertions/{a}/" for a in LISTED)
    for word in ("semer", "ponctuel", "équipe", "sol", "employeur", "badge"):
        tab.open(f"recherche/?q={word}")
        hits = tab.results(f"q={word}".replace("é", "%C3%A9"))
        assert not [h for h in hits if any(a in h for a in UNLISTED)], word


def test_typing_searches_and_a_family_filter_narrows(tab: Tab) -> None:
    tab.open("recherche/")
    assert tab.page.inner_text("#search-status") == "Tapez un mot ou choisissez un filtre."
    assert not [u for u in tab.requests if "/pagefind/" in u], "Pagefind loads only when needed"
    tab.page.fill("#search-q", "semer")
    found = tab.results("q=semer")
    assert f"assertions/{LISTED_SEMER[0]}/" in found
    assert tab.page.url.endswith("recherche/?q=semer"), "the address says what is searched"
    tab.page.fill("#search-q", "")
    tab.page.select_option("#search-family", "savoir-etre")
    found = tab.results("family=savoir-etre")
    etre = {slug for slug, badge in BADGES.items() if badge["family"] == "savoir-etre"}
    assert sorted(found) == sorted(_pages_of_badges(etre))
    assert tab.page.url.endswith("recherche/?family=savoir-etre")


def test_a_rome_code_filter_finds_its_badges_and_listed_awards(tab: Tab) -> None:
    tab.open("recherche/?code=A1414")
    assert tab.page.input_value("#search-code") == "A1414"
    found = tab.results("code=A1414")
    coded = {s for s, b in BADGES.items() if any(a.get("code") == "A1414" for a in b.get("alignments", []))}
    assert sorted(found) == sorted(_pages_of_badges(coded))
    tab.open("recherche/?code=A1414&kind=badge")
    assert sorted(tab.results("kind=badge&code=A1414")) == sorted(f"badges/{s}/" for s in coded)


def test_english_search_page(tab: Tab) -> None:
    tab.open("en/recherche/?q=sow")
    found = tab.results("q=sow")
    assert f"en/assertions/{LISTED_SEMER[0]}/" in found and f"en/badges/{SEMER}/" in found
    assert all(link.startswith("en/") for link in found)
    assert tab.page.evaluate("document.documentElement.lang") == "en"
    assert re.fullmatch(r"\d+ results\.", tab.page.inner_text("#search-status"))
    assert "Awarded badge" in tab.page.inner_text("#search-list")
    assert tab.page.inner_text("label[for=search-family]") == "Skill family"


@pytest.mark.parametrize("prefix", ["", "en/"], ids=["fr", "en"])
def test_header_form_submits_to_the_search_page(browser: Any, served: Served, prefix: str) -> None:
    with _tab(browser, served.base, viewport=NARROW) as tab:
        tab.open(prefix + f"badges/{SEMER}/")
        tab.page.fill("#top-search-q", "semis")
        with tab.page.expect_navigation():
            tab.page.press("#top-search-q", "Enter")
        assert tab.page.url == served.base + prefix + "recherche/?q=semis"
        assert tab.page.input_value("#search-q") == "semis", "the query is prefilled"
        assert tab.page.locator("#top-search-q").count() == 0, "no second search field on the search page"
        assert f"{prefix}assertions/{LISTED_SEMER[0]}/" in tab.results("q=semis")


def test_without_javascript_the_page_says_to_browse_the_catalogue(browser: Any, served: Served) -> None:
    with _tab(browser, served.base, java_script_enabled=False) as tab:
        tab.open("recherche/?q=semis")
        notice = tab.page.locator("main .notice:visible")
        assert notice.count() == 1 and "JavaScript" in notice.inner_text()
        link = notice.get_by_role("link", name="parcourir tous les badges")
        assert link.get_attribute("href") == "../badges/"
        assert not [u for u in tab.requests if "/pagefind/" in u or u.endswith(".js")]


@pytest.mark.parametrize(
    ("path", "address"),
    [
        ("recherche/?q=semis", "q=semis"),
        ("en/recherche/?q=sow&family=savoir-faire", "q=sow&family=savoir-faire"),
    ],
    ids=["fr", "en"],
)
def test_no_wcag_violations_with_results_shown(browser: Any, served: Served, path: str, address: str) -> None:
    lang = "en" if path.startswith("en/") else "fr"
    with _tab(browser, served.base) as tab:
        tab.open(path)
        assert tab.results(address)
        page = tab.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-search-results-1280.png"), full_page=True)
        violations = run_axe(page)
        assert not violations, f"axe-core, {path} at 1280 px:\n{describe_violations(violations)}"
        page.set_viewport_size(NARROW)
        page.screenshot(path=str(SCREENSHOTS / f"{lang}-search-results-320.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= NARROW["width"], "scrolls sideways"
        violations = run_axe(page)
        assert not violations, f"axe-core, {path} at 320 px:\n{describe_violations(violations)}"


# --- an index in parts (a big registry), merged by the browser -----------------------------


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example built with an index in parts of at most a few pages (as 10 000 awards would be)."""
    folder = tmp_path_factory.mktemp("sharded") / "site"
    with built_site(folder, extra=("--search-shard-pages", "12")) as base:
        yield Served(folder, base)


def test_an_index_in_parts_holds_every_page_once(sharded: Served) -> None:
    parts = sorted(sharded.folder.glob("pagefind/part-*/pagefind-entry.json"))
    assert len(parts) >= 2, "several parts besides pagefind/ itself"
    urls = []
    for bundle in [sharded.folder / "pagefind", *(p.parent for p in parts)]:
        for path in sorted(bundle.glob("fragment/*.pf_fragment")):
            text = gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd")
            urls.append(json.loads(text)["url"])
    expected = set()
    for prefix in ("", "en/"):
        expected |= {f"/{prefix}badges/{slug}/" for slug in BADGES}
        expected |= {f"/{prefix}issuers/{slug}/" for slug in ISSUERS}
        expected |= {f"/{prefix}assertions/{award_id}/" for award_id in LISTED}
    assert sorted(urls) == sorted(expected)


def _languages_of(bundle: Path) -> set[str]:
    """The languages Pagefind made an index of in a bundle (its `pagefind-entry.json`)."""
    return set(json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))["languages"])


def test_each_part_is_of_one_language_and_each_search_page_merges_its_own(sharded: Served) -> None:
    """The first part holds every language (the browser takes each language's WebAssembly from
    it); each other part one language, merged by that language's search page only (Pagefind
    would read a part without the page's language in another one)."""
    assert _languages_of(sharded.folder / "pagefind") == {"fr", "en"}
    parts = {p.name: _languages_of(p) for p in sorted((sharded.folder / "pagefind").glob("part-*"))}
    assert all(len(languages) == 1 for languages in parts.values()), parts
    for page, lang, up in (
        ("recherche/index.html", "fr", "../"),
        ("en/recherche/index.html", "en", "../../"),
    ):
        named = re.search(r'data-index-parts="([^"]*)"', (sharded.folder / page).read_text("utf-8"))
        assert named is not None
        mine = sorted(f"{up}pagefind/{name}/" for name, languages in parts.items() if languages == {lang})
        assert mine and sorted(named.group(1).split()) == mine


def test_the_browser_searches_every_part_as_one_index(browser: Any, sharded: Served) -> None:
    with _tab(browser, sharded.base) as tab:
        tab.open("recherche/?kind=award")
        assert sorted(tab.results("kind=award")) == sorted(f"assertions/{a}/" for a in LISTED)
        tab.open("recherche/?q=semis")
        found = tab.results("q=semis")
        assert f"assertions/{LISTED_SEMER[0]}/" in found and f"badges/{SEMER}/" in found
        tab.open("recherche/?family=savoir-etre")
        etre = {slug for slug, badge in BADGES.items() if badge["family"] == "savoir-etre"}
        assert sorted(tab.results("family=savoir-etre")) == sorted(_pages_of_badges(etre))
        french, mark = _parts_asked(tab.requests), len(tab.requests)
        tab.open("en/recherche/?kind=badge")
        assert sorted(tab.results("kind=badge")) == sorted(f"en/badges/{s}/" for s in BADGES)
        tab.open("en/recherche/?kind=award")
        assert sorted(tab.results("kind=award")) == sorted(f"en/assertions/{a}/" for a in LISTED)
        english = _parts_asked(tab.requests[mark:])
        # Pagefind's code comes from the first part only: the parts hold none (see below), and
        # the browser asked for none there, yet searched them (their index files were fetched).
        from_parts = [urlsplit(u).path for u in tab.requests if "/pagefind/part-" in u]
        assert any(path.endswith(".pf_meta") for path in from_parts), "the parts were searched"
        assert [p for p in from_parts if p.endswith((".js", ".pagefind"))] == []
    # Each search page read its own language's parts, and only those.
    folder = sharded.folder / "pagefind"
    assert french == {p.name for p in folder.glob("part-*") if _languages_of(p) == {"fr"}}
    assert english == {p.name for p in folder.glob("part-*") if _languages_of(p) == {"en"}}


def _parts_asked(requests: list[str]) -> set[str]:
    """The parts of the index (`part-N`) that `requests` fetched something of."""
    return {urlsplit(u).path.split("/pagefind/")[1].split("/")[0] for u in requests if "/pagefind/part-" in u}


def test_only_the_first_part_ships_pagefinds_code(sharded: Served) -> None:
    """A merged part is read by the first part's code and WebAssembly (`mergeIndex`): ~300 KB less
    a part; the browser test above searches every part without them."""
    first = sharded.folder / "pagefind"
    assert {"pagefind.js", "pagefind-worker.js", "wasm.fr.pagefind"} <= {p.name for p in first.iterdir()}
    for part in sorted(first.glob("part-*")):
        names = {p.name for p in part.iterdir()}
        assert "pagefind-entry.json" in names
        assert not [n for n in names if n.endswith((".js", ".pagefind", ".css"))], part.name


# --- the bundle written into the output tree ----------------------------------------------------


def test_a_bundle_chunk_with_personal_data_is_found(tmp_path: Path) -> None:
    """The scan sees the bundle's bytes like any others: a chunk with an address refuses the build."""
    chunk = gzip.compress(b"pagefind_dcd" + json.dumps({"content": "jeanne.martin@gmail.com"}).encode())
    problems: list[privacy.OutputProblem] = []
    root = tmp_path / "next"
    root.mkdir()
    writer = TreeWriter(
        root, {}, None, None, lambda r, d: problems.extend(privacy.scan_file(r, d, frozenset(), (), "site"))
    )
    writer.write("pagefind/fragment/fr_2.pf_fragment", chunk)
    assert [(p.path, p.code) for p in problems] == [
        ("site/pagefind/fragment/fr_2.pf_fragment", "published-personal-data")
    ]


def _indexed_urls(site: Path) -> list[str]:
    """The page of every record of every part of the index."""
    found = []
    for path in sorted(site.glob("pagefind/**/fragment/*.pf_fragment")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8").removeprefix("pagefind_dcd")
        found.append(json.loads(text)["url"])
    return found


def test_an_award_no_longer_listed_leaves_the_index_of_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild indexes again the part of an award no longer listed: it leaves the index. Nothing
    is kept for Pagefind in the build cache (it is sent the pages), not even an older version's
    hard links (`search-pages/`)."""
    from badgegen.cli import main

    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795953600")
    args = [
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--frozen-ledger",
        "--search-shard-pages",
        "12",
    ]
    kept = tmp_path / ".badgegen-cache" / "search-pages"
    (kept / "part-0" / "badges").mkdir(parents=True)  # as an older version left it
    assert main(args) == 0 and main(args) == 0
    assert not kept.exists()
    award = LISTED_SEMER[0]
    assert f"/assertions/{award}/" in _indexed_urls(out)
    file = next(content.glob(f"awards/*/{award}.yaml"))
    file.write_text(file.read_text("utf-8").replace("\nlisted: true\n", "\nlisted: false\n"), "utf-8")
    assert main(args) == 0
    urls = _indexed_urls(out)
    assert not [url for url in urls if award in url]
    assert {f"/assertions/{a}/" for a in LISTED if a != award} <= set(urls)
    assert not kept.exists()


# --- what Pagefind is sent of a page (search.indexed_text), and what it gives back -----------


def _example_pages(site: Path) -> list[str]:
    """The pages of a built example that Pagefind indexes (those marked `data-pagefind-body`)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if " data-pagefind-body" in p.read_text("utf-8")
    )


def _indexed_bundle(site: Path, pages: list[str]) -> dict[str, bytes]:
    """The bundle Pagefind's service makes of `pages` (under `site`), its unstable files left out
    (filters and the files naming them, in a random order: see badgegen/search.py)."""
    from badgegen.search import Service, Shard, pagefind_executable

    service = Service.start(pagefind_executable())
    try:
        service.feed(site, Shard(0, tuple(pages)))
        bundle = service.bundle(len(pages))
    finally:
        service.close()
    unstable = ("filter/", "pagefind.", "pagefind-entry.json")
    return {path: data for path, data in bundle.items() if not path.startswith(unstable)}


def test_pagefind_indexes_the_same_from_the_cut_pages(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind is sent only what it reads of a page (`indexed_text`): it makes the very same
    page fragments and word indexes as from the whole pages, so the same results, in the same
    order, with the same excerpts, titles, filters and details."""
    from badgegen import search

    pages = _example_pages(served.folder)
    assert len(pages) > 40 and any("/assertions/" in page for page in pages)
    cut = _indexed_bundle(served.folder, pages)
    monkeypatch.setattr(search, "indexed_text", lambda page: page)
    whole = _indexed_bundle(served.folder, pages)
    assert sorted(cut) == sorted(whole) and any(path.startswith("fragment/") for path in cut)
    assert [path for path in sorted(cut) if cut[path] != whole[path]] == []


def test_a_cut_page_keeps_the_article_and_loses_what_pagefind_ignores() -> None:
    from badgegen.search import indexed_text

    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head><title>Semer</title><link rel="stylesheet"></head>\n'
        "<body><header>Menu</header><main><article data-pagefind-body><h1>Semer</h1>"
        "<section data-pagefind-ignore><section><p>nested</p></section><p>gone</p></section>"
        '<p data-pagefind-ignore="all"><span data-pagefind-filter="kind:x"></span>kept: a filter</p>'
        '<h2><svg viewBox="0 0 1 1"><path d="M0 0"/></svg> Critères</h2>'
        '<img data-pagefind-ignore src="a.png" alt=""><p>semis</p></article></main>'
        "<footer>Contact</footer></body></html>"
    )
    cut = indexed_text(page)
    assert cut.startswith('<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title>Semer')
    for gone in ("Menu", "Contact", "stylesheet", "nested", "gone", "<svg"):
        assert gone not in cut, gone
    for kept in (
        "<h1>Semer</h1>",
        "kept: a filter",
        "<h2> Critères</h2>",
        "<img data-pagefind-ignore",
        "semis",
    ):
        assert kept in cut, kept
    assert (
        indexed_text("<html><body><p>no mark</p></body></html>") == "<html><body><p>no mark</p></body></html>"
    )


def test_a_bundle_is_written_scanned_and_only_the_first_part_ships_the_code(tmp_path: Path) -> None:
    """`take_bundle`: each file written into the tree like any other (its chunks scanned for
    personal data, decompressed), Pagefind's ready-made interfaces never, its code in `pagefind/` only."""
    from badgegen.search import take_bundle

    chunk = gzip.compress(b"pagefind_dcd" + json.dumps({"content": "jeanne.martin@gmail.com"}).encode())
    bundle = {
        "pagefind.js": b"js",
        "pagefind-ui.js": b"ui",
        "wasm.fr.pagefind": b"wasm",
        "fragment/fr_2.pf_fragment": chunk,
        "pagefind-entry.json": b"{}",
    }
    problems: list[privacy.OutputProblem] = []
    root = tmp_path / "next"
    root.mkdir()
    writer = TreeWriter(
        root, {}, None, None, lambda r, d: problems.extend(privacy.scan_file(r, d, frozenset(), (), "site"))
    )
    first = take_bundle(writer, bundle, "pagefind/", first=True)
    other = take_bundle(writer, bundle, "pagefind/part-1/", first=False)
    assert first == [
        "pagefind/fragment/fr_2.pf_fragment",
        "pagefind/pagefind-entry.json",
        "pagefind/pagefind.js",
        "pagefind/wasm.fr.pagefind",
    ]
    assert other == ["pagefind/part-1/fragment/fr_2.pf_fragment", "pagefind/part-1/pagefind-entry.json"]
    assert (root / "pagefind/fragment/fr_2.pf_fragment").read_bytes() == chunk
    assert sorted(writer.manifest) == sorted(first + other)
    assert [(p.path, p.code) for p in problems] == [
        ("site/pagefind/fragment/fr_2.pf_fragment", "published-personal-data"),
        ("site/pagefind/part-1/fragment/fr_2.pf_fragment", "published-personal-data"),
    ]


def test_a_failing_pagefind_stops_the_build_with_what_it_said(tmp_path: Path) -> None:
    """A service that ends before answering (here: a page that cannot be read) is a
    `SearchIndexError`, and no process is left behind."""
    from badgegen.search import SearchIndexError, Shard, write_indexes

    root = tmp_path / "next"
    root.mkdir()
    writer = TreeWriter(root, {}, None, None, None)
    with pytest.raises(SearchIndexError, match="Pagefind failed") as raised:
        write_indexes(writer, [Shard(0, ("missing/index.html",))], jobs=2)
    assert "missing/index.html" in str(raised.value)
    assert writer.manifest == {}


def _pagefind_children() -> list[int]:
    """The Pagefind processes this test process started that are still there (zombies too)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
        except OSError:
            continue  # ended meanwhile
        name, _, fields = rest.rpartition(") ")
        if name == "pagefind" and int(fields.split()[1]) == os.getpid():
            found.append(int(pid))
    return found


def _tree_with(served: Served, pages: list[str], root: Path) -> Path:
    """A tree at `root` holding these pages of the built example (what Pagefind is sent)."""
    for page in pages:
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(served.folder / page, root / page)
    return root


@pytest.mark.parametrize(
    ("sizes", "order"),
    [
        ([730, 640, 1496, 772, 808, 78, 1674], [6, 2, 4, 3, 0, 1, 5]),
        ([3, 3, 3], [0, 1, 2]),
        ([1, 2, 2], [1, 2, 0]),
        ([5], [0]),
    ],
)
def test_the_largest_parts_are_indexed_first(sizes: list[int], order: list[int]) -> None:
    """The parts follow the badges and are uneven (the first row: 10 000 awards): the largest
    start first, so the build does not wait for a large part started last; ties by number."""
    from badgegen.search import Shard, indexing_order

    parts = [
        Shard(number, tuple(f"p{number}-{page}" for page in range(size))) for number, size in enumerate(sizes)
    ]
    assert indexing_order(parts) == order


def test_parts_indexed_side_by_side_are_each_what_the_part_makes_alone(
    served: Served, tmp_path: Path
) -> None:
    """Three uneven parts on two services at once (the large middle one starts first): each
    part's files are those its part makes indexed alone, byte for byte; the tree holds those
    and no others; the result lists the parts in their order."""
    from badgegen.search import Shard, take_bundle, write_indexes

    pages = _example_pages(served.folder)
    parts = [Shard(0, tuple(pages[:4])), Shard(1, tuple(pages[4:-4])), Shard(2, tuple(pages[-4:]))]
    root = _tree_with(served, pages, tmp_path / "next")
    writer = TreeWriter(root, {}, None, None, None)
    files = write_indexes(writer, parts, jobs=2)
    assert list(files) == [part.bundle for part in parts]
    written = sorted(path for path in writer.manifest if path.startswith("pagefind/"))
    assert written == sorted(path for part in parts for path in files[part.bundle])
    unstable = ("filter/", "pagefind.", "pagefind-entry.json")
    for part in parts:
        alone = tmp_path / f"alone-{part.number}"
        alone.mkdir()
        expected = take_bundle(
            TreeWriter(alone, {}, None, None, None),
            _indexed_bundle(root, list(part.pages)),
            part.bundle,
            first=part.number == 0,
        )
        stable = [
            path for path in files[part.bundle] if not path.removeprefix(part.bundle).startswith(unstable)
        ]
        assert stable == [
            path for path in expected if not path.removeprefix(part.bundle).startswith(unstable)
        ]
        for path in stable:
            assert (root / path).read_bytes() == (alone / path).read_bytes(), path
    assert _pagefind_children() == []


def test_at_most_jobs_services_index_at_once_and_bundles_are_taken_in_order(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five parts on two services: whenever a service starts, at most one other is still
    indexing (a service whose bundle came back has ended: it makes room for the next part
    even before its bundle is taken) and at most three parts wait to be taken (`2 × jobs`
    with it); the bundles are taken in the order the parts started (`indexing_order`), each
    whole, and every service has ended by the time `write_indexes` returns."""
    from badgegen import search

    pages = _example_pages(served.folder)
    parts = [search.Shard(number, tuple(pages[number::5])) for number in range(5)]
    root = _tree_with(served, pages, tmp_path / "next")
    started: list[search.Service] = []
    taken: list[str] = []
    start = search.Service.start
    take = search.take_bundle

    def spied_start(executable: Path) -> search.Service:
        indexing = [service for service in started if not service.closed]
        assert len(indexing) <= 1
        assert len(started) - len(taken) <= 3
        started.append(start(executable))
        return started[-1]

    def spied_take(writer: TreeWriter, bundle: dict[str, bytes], prefix: str, *, first: bool) -> list[str]:
        assert "pagefind-entry.json" in bundle
        taken.append(prefix)
        return take(writer, bundle, prefix, first=first)

    monkeypatch.setattr(search.Service, "start", staticmethod(spied_start))
    monkeypatch.setattr(search, "take_bundle", spied_take)
    files = search.write_indexes(TreeWriter(root, {}, None, None, None), parts, jobs=2)
    assert taken == [parts[number].bundle for number in search.indexing_order(parts)]
    assert len(started) == 5 and all(service.closed for service in started)
    assert list(files) == [part.bundle for part in parts]
    assert _pagefind_children() == []


def test_a_part_failing_beside_others_stops_the_build_and_leaves_no_process(
    served: Served, tmp_path: Path
) -> None:
    """Three parts indexed at once, the last of which cannot be (a page is missing): the build
    stops with what Pagefind said, writes nothing of that part, and leaves no Pagefind process
    behind."""
    from badgegen.search import SearchIndexError, Shard, write_indexes

    pages = _example_pages(served.folder)
    root = _tree_with(served, pages, tmp_path / "next")
    parts = [Shard(0, tuple(pages)), Shard(1, tuple(pages[:2])), Shard(2, ("missing/index.html",))]
    writer = TreeWriter(root, {}, None, None, None)
    with pytest.raises(SearchIndexError, match=re.escape("missing/index.html")):
        write_indexes(writer, parts, jobs=3)
    assert not any(path.startswith("pagefind/part-2/") for path in writer.manifest)
    assert _pagefind_children() == []
