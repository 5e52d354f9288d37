"""The example site in a real browser: it loads cleanly, reads well at 320 px, passes axe-core.

Debian's Chromium, driven by Playwright, opens every kind of page in French and English
from a local build served on 127.0.0.1. Locally these tests skip when Chromium or
Playwright is missing; under CI=true they must run (see tests/browser_support.py).
Full-page screenshots of the main pages land in test-artifacts/screenshots/ for review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser_support import (
    AXE,
    CHROMIUM_ARGS,
    REPO,
    Visit,
    axe_path,
    built_site,
    chromium_path,
    describe_violations,
    missing_tool,
    run_axe,
    visit,
)
from conftest import SOURCE_DATE_EPOCH

CONTENT = REPO / "content"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 740}
STATUS_WORDS = {
    "fr": {"valid": "Valide", "expired": "Expiré", "revoked": "Révoqué"},
    "en": {"valid": "Valid", "expired": "Expired", "revoked": "Revoked"},
}


def _yaml(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded


def _awards_by_status() -> dict[str, list[str]]:
    """Award ids of the example content by their status at the tests' build time."""
    now = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), dt.UTC).date()
    found: dict[str, list[str]] = {"valid": [], "expired": [], "revoked": []}
    for path in sorted(CONTENT.glob("awards/**/*.yaml")):
        award = _yaml(path)
        expires = award.get("expires")
        if "revoked" in award:
            found["revoked"].append(path.stem)
        elif expires is not None and dt.date.fromisoformat(str(expires)) < now:
            found["expired"].append(path.stem)
        else:
            found["valid"].append(path.stem)
    # First, an award with a photo as evidence, so that an image from media/ is loaded too.
    found["valid"].sort(key=lambda stem: "kind: photo" not in _award_text(stem))
    return found


def _award_text(stem: str) -> str:
    (path,) = CONTENT.glob(f"awards/**/{stem}.yaml")
    return path.read_text("utf-8")


def _endorsed(kind: str) -> str:
    """A badge or issuer that has an endorsement (so that section is tested too)."""
    for path in sorted(CONTENT.glob("endorsements/*.yaml")):
        subject = _yaml(path).get(kind)
        if subject:
            return str(subject)
    return sorted(p.stem for p in CONTENT.glob(f"{kind}s/*.yaml"))[0]


@dataclass(frozen=True)
class PageCase:
    lang: str
    kind: str
    path: str  # relative to the site's base URL
    status: str | None = None  # for award pages: valid, expired or revoked

    @property
    def id(self) -> str:
        return f"{self.lang}-{self.kind}"

    @property
    def html_lang(self) -> str:
        return "fr" if self.kind == "404" else self.lang  # one 404.html, French first, for every path


def _cases() -> list[PageCase]:
    awards = _awards_by_status()
    assert all(awards.values()), f"the example content lacks an award of some status: {awards}"
    badge, issuer = _endorsed("badge"), _endorsed("issuer")
    cases = []
    for lang, prefix in (("fr", ""), ("en", "en/")):
        cases += [
            PageCase(lang, "home", prefix),
            PageCase(lang, "catalogue", f"{prefix}badges/"),
            PageCase(lang, "badge", f"{prefix}badges/{badge}/"),
            PageCase(lang, "issuers", f"{prefix}issuers/"),
            PageCase(lang, "issuer", f"{prefix}issuers/{issuer}/"),
            PageCase(lang, "verifier", f"{prefix}verifier/"),  # with results: tests/test_verifier.py
            PageCase(lang, "search", f"{prefix}recherche/"),  # results: tests/test_search.py
        ]
        cases += [
            PageCase(lang, f"award-{status}", f"{prefix}assertions/{awards[status][0]}/", status)
            for status in ("valid", "expired", "revoked")
        ]
        cases.append(PageCase(lang, "404", f"{prefix}page-qui-n-existe-pas/"))
    return cases


CASES = _cases()
CASE_IDS = [case.id for case in CASES]


def _fail_without_axe() -> list[dict[str, Any]]:
    """axe-core is not installed: fail with the command that installs it."""
    axe_path()
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with built_site(tmp_path_factory.mktemp("browser") / "site") as base:
        yield base


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
class Survey:
    """Everything the tests check about one page, gathered in one visit (a browser is slow to start)."""

    case: PageCase
    visit: Visit
    html_lang: str
    h1_count: int
    title: str
    stylesheet_rules: list[int]
    status_word: str | None
    axe_desktop: list[dict[str, Any]] | None  # None when axe-core is not installed
    scroll_width_narrow: int
    too_wide_narrow: list[str]
    axe_narrow: list[dict[str, Any]] | None
    skip_link: dict[str, Any]
    hash_after_skip: str


@pytest.fixture(scope="module", params=CASES, ids=CASE_IDS)
def survey(browser: Any, site_url: str, request: pytest.FixtureRequest) -> Iterator[Survey]:
    """One page, opened at 1280 px then narrowed to 320 px, with axe-core run at both widths.

    The main pages are also photographed, full-page, at 1280 and 375 px.
    """
    case: PageCase = request.param
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR" if case.lang == "fr" else "en-GB")
    try:
        page = context.new_page()
        record = visit(page, site_url + case.path, site_url.rstrip("/"))
        facts = page.evaluate(
            """() => ({
                lang: document.documentElement.lang,
                h1: document.querySelectorAll("h1").length,
                title: document.title,
                rules: Array.from(document.styleSheets).map((sheet) => sheet.cssRules.length),
                word: document.querySelector(".status-box .status-word")?.innerText ?? null,
            })"""
        )
        axe_desktop = run_axe(page) if AXE.is_file() else None
        if case.id in SCREENSHOT_CASES:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{case.id}-1280.png"), full_page=True)
            page.set_viewport_size(PHONE)
            page.screenshot(path=str(SCREENSHOTS / f"{case.id}-375.png"), full_page=True)
        page.set_viewport_size(NARROW)
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        too_wide = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > limit)
                .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                    + " " + JSON.stringify(el.textContent.trim().slice(0, 40)))""",
            NARROW["width"],
        )
        axe_narrow = run_axe(page) if AXE.is_file() else None
        page.keyboard.press("Tab")
        skip_link = page.evaluate(
            """() => {
                const el = document.activeElement;
                const box = el.getBoundingClientRect();
                return {
                    className: el.className, href: el.getAttribute("href"), text: el.textContent.trim(),
                    onScreen: box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0
                        && box.right <= window.innerWidth && box.bottom <= window.innerHeight,
                    visibility: getComputedStyle(el).visibility,
                };
            }"""
        )
        page.keyboard.press("Enter")
        yield Survey(
            case=case,
            visit=record,
            html_lang=facts["lang"],
            h1_count=facts["h1"],
            title=facts["title"],
            stylesheet_rules=facts["rules"],
            status_word=facts["word"],
            axe_desktop=axe_desktop,
            scroll_width_narrow=scroll_width,
            too_wide_narrow=too_wide,
            axe_narrow=axe_narrow,
            skip_link=skip_link,
            hash_after_skip=page.evaluate("location.hash"),
        )
    finally:
        context.close()


#: Photographed for review: every kind of page in French, the home and an award in English.
SCREENSHOT_CASES = {c.id for c in CASES if c.lang == "fr" or c.kind in {"home", "award-valid"}}


def test_page_answers_with_the_right_status(survey: Survey) -> None:
    expected = 404 if survey.case.kind == "404" else 200
    assert survey.visit.status == expected, survey.visit.url


def test_no_console_errors(survey: Survey) -> None:
    errors = survey.visit.console_errors
    if survey.case.kind == "404":  # Chromium reports the page's own 404 status in the console
        errors = [e for e in errors if not (survey.visit.url in e and "404" in e)]
    assert errors == [], survey.visit.url


def test_every_request_succeeds_on_this_host_only(survey: Survey) -> None:
    assert survey.visit.failed == [], f"failed requests or images on {survey.visit.url}"
    assert survey.visit.foreign == [], f"requests to another host than 127.0.0.1 on {survey.visit.url}"
    assert len(survey.stylesheet_rules) == 1 and survey.stylesheet_rules[0] > 0, "the stylesheet applies"


def test_language_heading_and_title(survey: Survey) -> None:
    assert survey.html_lang == survey.case.html_lang
    assert survey.h1_count == 1
    assert survey.title.strip()


def test_award_page_shows_its_status(survey: Survey) -> None:
    if survey.case.status is None:
        assert survey.status_word is None
        return
    assert (survey.status_word or "").strip() == STATUS_WORDS[survey.case.lang][survey.case.status]


def test_first_tab_reaches_the_visible_skip_link(survey: Survey) -> None:
    skip = survey.skip_link
    assert skip["className"] == "skip" and skip["href"] == "#contenu", skip
    assert skip["text"] and skip["onScreen"] and skip["visibility"] == "visible", skip
    assert survey.hash_after_skip == "#contenu"


def test_no_horizontal_scrolling_at_320px(survey: Survey) -> None:
    assert survey.scroll_width_narrow <= NARROW["width"], (
        f"{survey.visit.url} scrolls sideways at 320 px ({survey.scroll_width_narrow} px wide); "
        f"too wide: {survey.too_wide_narrow[:8]}"
    )


def test_no_wcag_violations_at_1280px(survey: Survey) -> None:
    violations = survey.axe_desktop if survey.axe_desktop is not None else _fail_without_axe()
    assert not violations, f"axe-core, {survey.visit.url} at 1280 px:\n{describe_violations(violations)}"


def test_no_wcag_violations_at_320px(survey: Survey) -> None:
    violations = survey.axe_narrow if survey.axe_narrow is not None else _fail_without_axe()
    assert not violations, f"axe-core, {survey.visit.url} at 320 px:\n{describe_violations(violations)}"


def test_main_pages_were_photographed(survey: Survey) -> None:
    if survey.case.id in SCREENSHOT_CASES:
        for width in (1280, 375):
            assert (SCREENSHOTS / f"{survey.case.id}-{width}.png").stat().st_size > 0


def test_axe_check_is_not_vacuous(browser: Any) -> None:
    """The same axe-core set-up does report violations on a page that has some."""
    page = browser.new_page()
    try:
        page.set_content(
            '<!DOCTYPE html><html lang="fr"><title>t</title><body><main><h1>Essai</h1>'
            '<p style="color:#bbb">texte pâle</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "</main></body></html>"
        )
        found = {v["id"] for v in run_axe(page)}
    finally:
        page.close()
    assert {"color-contrast", "image-alt"} <= found, found
