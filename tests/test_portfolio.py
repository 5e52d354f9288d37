"""Portfolios and their printable sheet in a real browser (Chromium through Playwright).

The example content has two portfolios (content/earners/): Sam (three valid badges, one
endorsed, one with evidence that is partly private) and Lou (one of them expired). Each page
is opened in French and English at 1280 px and 320 px, checked by axe-core (WCAG 2.1 A/AA),
and photographed into test-artifacts/screenshots/. The printable sheet is printed to PDF by
Chromium (A4): it must fit on one page, also with six badges, and each of its QR codes, read
by zxing-cpp from the SVG the browser shows, must open the award page that verifies the badge.

Locally these tests skip when Chromium or Playwright is missing; under CI=true they must run
(see tests/browser_support.py).
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import resvg_py
import yaml
import zxingcpp
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
from PIL import Image as PILImage

CONTENT = REPO / "content"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 740}
#: An A4 sheet seen at 96 px per inch: 210 mm wide.
A4_WIDTH = {"width": 794, "height": 1123}
STATUS_WORDS = {
    "fr": {"valid": "Valide", "expired": "Expiré", "revoked": "Révoqué"},
    "en": {"valid": "Valid", "expired": "Expired", "revoked": "Revoked"},
}


def _yaml(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded


def _awards_of(slug: str) -> list[str]:
    return list(_yaml(CONTENT / "earners" / f"{slug}.yaml")["awards"])


@dataclass(frozen=True)
class Case:
    lang: str
    kind: str  # portfolio or print
    slug: str

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.lang}-{self.slug}"

    @property
    def path(self) -> str:
        prefix = "" if self.lang == "fr" else "en/"
        return f"{prefix}personnes/{self.slug}/" + ("imprimer/" if self.kind == "print" else "")


CASES = [Case(lang, kind, "sam") for lang in ("fr", "en") for kind in ("portfolio", "print")]
CASES += [Case("fr", "portfolio", "lou"), Case("en", "print", "lou")]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with built_site(tmp_path_factory.mktemp("portfolio") / "site") as base:
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
    """One page, opened at 1280 px then narrowed to 320 px (axe-core at both widths)."""

    case: Case
    visit: Visit
    html_lang: str
    h1: list[str]
    badges: int
    statuses: list[str]
    axe_desktop: list[dict[str, Any]] | None
    axe_narrow: list[dict[str, Any]] | None
    scroll_width_narrow: int
    too_wide_narrow: list[str]


@pytest.fixture(scope="module", params=CASES, ids=[case.id for case in CASES])
def survey(browser: Any, site_url: str, request: pytest.FixtureRequest) -> Iterator[Survey]:
    case: Case = request.param
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR" if case.lang == "fr" else "en-GB")
    try:
        page = context.new_page()
        record = visit(page, site_url + case.path, site_url.rstrip("/"))
        facts = page.evaluate(
            """() => ({
                lang: document.documentElement.lang,
                h1: Array.from(document.querySelectorAll("h1")).map((h) => h.innerText.trim()),
                badges: document.querySelectorAll(".portfolio-badge, .sheet-badge").length,
                statuses: Array.from(document.querySelectorAll("main .status")).map((s) => s.innerText.trim()),
            })"""
        )
        axe_desktop = run_axe(page) if AXE.is_file() else None
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{case.id}-1280.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SCREENSHOTS / f"{case.id}-375.png"), full_page=True)
        page.set_viewport_size(NARROW)
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        too_wide = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > limit)
                .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))""",
            NARROW["width"],
        )
        axe_narrow = run_axe(page) if AXE.is_file() else None
        yield Survey(
            case=case,
            visit=record,
            html_lang=facts["lang"],
            h1=facts["h1"],
            badges=facts["badges"],
            statuses=facts["statuses"],
            axe_desktop=axe_desktop,
            axe_narrow=axe_narrow,
            scroll_width_narrow=scroll_width,
            too_wide_narrow=too_wide,
        )
    finally:
        context.close()


def _violations(found: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if found is None:
        axe_path()  # fails with the command that installs axe-core
        raise AssertionError("unreachable")
    return found


def test_page_loads_cleanly(survey: Survey) -> None:
    assert survey.visit.status == 200, survey.visit.url
    assert survey.visit.console_errors == [], survey.visit.url
    assert survey.visit.failed == [], survey.visit.url
    assert survey.visit.foreign == [], f"requests to another host than 127.0.0.1 on {survey.visit.url}"


def test_name_language_and_badges(survey: Survey) -> None:
    case = survey.case
    name = _yaml(CONTENT / "earners" / f"{case.slug}.yaml")["name"]
    assert survey.html_lang == case.lang
    assert survey.h1 == [f"Les badges de {name}" if case.lang == "fr" else f"{name}'s badges"]
    assert survey.badges == len(_awards_of(case.slug))
    words = set(STATUS_WORDS[case.lang].values())
    assert len(survey.statuses) == survey.badges and set(survey.statuses) <= words, survey.statuses


def test_no_wcag_violations_at_1280px(survey: Survey) -> None:
    violations = _violations(survey.axe_desktop)
    assert not violations, f"axe-core, {survey.visit.url} at 1280 px:\n{describe_violations(violations)}"


def test_no_wcag_violations_at_320px(survey: Survey) -> None:
    violations = _violations(survey.axe_narrow)
    assert not violations, f"axe-core, {survey.visit.url} at 320 px:\n{describe_violations(violations)}"


def test_no_horizontal_scrolling_at_320px(survey: Survey) -> None:
    assert survey.scroll_width_narrow <= NARROW["width"], (
        f"{survey.visit.url} scrolls sideways at 320 px ({survey.scroll_width_narrow} px wide); "
        f"too wide: {survey.too_wide_narrow[:8]}"
    )


def test_pages_were_photographed(survey: Survey) -> None:
    for width in (1280, 375):
        assert (SCREENSHOTS / f"{survey.case.id}-{width}.png").stat().st_size > 0


# --- the printed sheet ------------------------------------------------------------------------


def _pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF has: its page objects (Chromium writes one per printed page)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def _print(page: Any, url: str, name: str) -> tuple[bytes, dict[str, Any]]:
    """Open `url` as printed on A4: the PDF Chromium prints, and what the print styles show."""
    page.set_viewport_size(A4_WIDTH)
    page.goto(url, wait_until="load")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => {
            const visible = (selector) => Array.from(document.querySelectorAll(selector))
                .some((el) => getComputedStyle(el).display !== "none" && el.getClientRects().length > 0);
            return {
                nav: visible("header.top") || visible("nav") || visible("footer.bottom"),
                controls: visible(".print-controls"),
                sheetHeight: document.querySelector(".print-sheet").getBoundingClientRect().height,
            };
        }"""
    )
    page.screenshot(path=str(SCREENSHOTS / f"{name}-a4.png"), full_page=True)
    pdf: bytes = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return pdf, shown


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_print_view_fits_one_a4_page_without_navigation(browser: Any, site_url: str, lang: str) -> None:
    prefix = "" if lang == "fr" else "en/"
    page = browser.new_page()
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf, shown = _print(page, f"{site_url}{prefix}personnes/sam/imprimer/", f"print-{lang}-sam")
    finally:
        page.close()
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf) == 1, f"the sheet takes {_pdf_pages(pdf)} pages"
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert box is not None and abs(float(box[1]) - 595.3) < 1 and abs(float(box[2]) - 841.9) < 1, "A4"
    assert not shown["nav"] and not shown["controls"], "no navigation, header, footer or button on paper"


@pytest.fixture(scope="module")
def six_badges_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example, with Sam showing six badges (listed ones of the example, for the layout only)."""
    root = tmp_path_factory.mktemp("six")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    taken = set(_awards_of("lou"))
    listed = [
        path.stem
        for path in sorted(content.glob("awards/*/*.yaml"))
        if _yaml(path).get("listed") is True and path.stem not in taken
    ]
    six = (_awards_of("sam") + [a for a in listed if a not in _awards_of("sam")])[:6]
    assert len(six) == 6
    sam = _yaml(content / "earners/sam.yaml")
    sam["awards"] = six
    sam["presentation"] = {
        lang: " ".join([text] * 2) for lang, text in sam["presentation"].items()
    }  # a longer presentation than the example's
    (content / "earners/sam.yaml").write_text(yaml.safe_dump(sam, allow_unicode=True), "utf-8")
    with built_site(root / "site", content) as base:
        yield base


def test_six_badges_fit_one_a4_page(browser: Any, six_badges_url: str) -> None:
    page = browser.new_page()
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf, shown = _print(page, f"{six_badges_url}personnes/sam/imprimer/", "print-fr-six-badges")
        printed = page.evaluate("document.querySelectorAll('.sheet-badge').length")
    finally:
        page.close()
    assert printed == 6
    # The printable height of an A4 page with 12 mm margins: 273 mm, 1032 px at 96 px per inch.
    assert _pdf_pages(pdf) == 1, f"six badges take {_pdf_pages(pdf)} pages ({shown['sheetHeight']:.0f} px)"
    assert shown["sheetHeight"] < 1032


def _decode(svg: str) -> list[str]:
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=300, background="#ffffff"))
    with PILImage.open(io.BytesIO(png)) as image:
        return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_qr_codes_open_the_award_pages_that_verify_them(browser: Any, site_url: str, lang: str) -> None:
    """Each QR code as the browser has it decodes to its award page, which says the badge's status."""
    prefix = "" if lang == "fr" else "en/"
    page = browser.new_page()
    try:
        page.goto(f"{site_url}{prefix}personnes/sam/imprimer/", wait_until="load")
        sheets = page.evaluate(
            """() => Array.from(document.querySelectorAll(".sheet-badge")).map((li) => ({
                svg: li.querySelector("svg.qr").outerHTML,
                label: li.querySelector("svg.qr").getAttribute("aria-label"),
                name: li.querySelector("h2").innerText.trim(),
                href: li.querySelector(".sheet-url a").href,
            }))"""
        )
        expected = {f"{site_url}{prefix}assertions/{award_id}/" for award_id in _awards_of("sam")}
        assert {sheet["href"] for sheet in sheets} == expected
        for sheet in sheets:
            assert _decode(sheet["svg"]) == [sheet["href"]]
            assert sheet["name"] in sheet["label"]
            response = page.goto(sheet["href"], wait_until="load")
            assert response is not None and response.status == 200
            word = page.locator(".status-box .status-word").inner_text().strip()
            assert word == STATUS_WORDS[lang]["valid"], sheet["href"]
            assert sheet["name"] in page.locator("h1").inner_text(), "the page of the very badge printed"
    finally:
        page.close()


def test_print_button_prints_and_is_hidden_without_script(browser: Any, site_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{site_url}personnes/sam/imprimer/", wait_until="load")
        page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
        button = page.get_by_role("button", name="Imprimer")
        assert button.is_visible()
        button.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("window.printed") == 1
    finally:
        page.close()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}personnes/sam/imprimer/", wait_until="load")
        assert page.locator("button[data-print]").is_hidden(), "a button that would do nothing"
    finally:
        context.close()


def test_award_page_leads_to_the_portfolio_and_its_print_view(browser: Any, site_url: str) -> None:
    """From a badge someone showed, a recruiter reaches all of that person's badges, by keyboard."""
    page = browser.new_page()
    try:
        page.goto(f"{site_url}assertions/{_awards_of('sam')[0]}/", wait_until="load")
        violations = run_axe(page)
        assert not violations, describe_violations(violations)
        link = page.get_by_role("link", name="Voir tous les badges de Sam")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site_url}personnes/sam/")
        page.get_by_role("link", name="Imprimer (une page A4)").click()
        page.wait_for_url(f"{site_url}personnes/sam/imprimer/")
        assert page.locator("h1").inner_text().strip() == "Les badges de Sam"
    finally:
        page.close()


def test_axe_runs_on_the_print_styles_too(browser: Any, site_url: str) -> None:
    """The sheet as printed (print media) has no WCAG violation either."""
    page = browser.new_page(viewport=A4_WIDTH)
    try:
        page.goto(f"{site_url}personnes/sam/imprimer/", wait_until="load")
        page.emulate_media(media="print")
        violations = run_axe(page)
    finally:
        page.close()
    assert not violations, describe_violations(violations)
