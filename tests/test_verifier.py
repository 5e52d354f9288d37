"""The verifier page (/verifier/, /en/verifier/) in a real browser, against the example site on 127.0.0.1.

A recruiter gives the page a baked PNG or SVG, or pastes an assertion address; the page
(static/verifier.js) reads the assertion, fetches the hosted copy from this registry and
says whether the badge is valid, expired, revoked or invalid (forged, or not published),
or issued elsewhere, in which case nothing is fetched from the other host. The recruiter
may also type the candidate's e-mail, compared with the hashed identity in the browser.

Chromium's clock is fixed at the tests' build time (SOURCE_DATE_EPOCH), so "expired"
means the same thing to the page and to the build. Every page opened here must make no
request outside 127.0.0.1 and log no console error. Like tests/test_browser.py, these
tests skip locally without Chromium or Playwright, and must run under CI=true.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import (
    AXE,
    CHROMIUM_ARGS,
    REPO,
    axe_path,
    built_site,
    chromium_path,
    describe_violations,
    missing_tool,
    run_axe,
)
from conftest import SOURCE_DATE_EPOCH

from badgegen import bake

RECIPIENTS: dict[str, str] = json.loads((REPO / "tests/data/example_recipients.json").read_text())
NOW = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), dt.UTC)
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}
ELSEWHERE = "https://elsewhere.example.org/"
WORDS = {
    "fr": {
        "valid": "Valide",
        "expired": "Expiré",
        "revoked": "Révoqué",
        "invalid": "Invalide",
        "elsewhere": "Émis ailleurs",
        "none": "Pas de badge",
        "match": "L'adresse correspond",
        "mismatch": "L'adresse ne correspond pas",
        "forged": "falsifié",
        "open": "Voir la page de ce badge",
    },
    "en": {
        "valid": "Valid",
        "expired": "Expired",
        "revoked": "Revoked",
        "invalid": "Invalid",
        "elsewhere": "Issued elsewhere",
        "none": "No badge",
        "match": "The address matches",
        "mismatch": "The address does not match",
        "forged": "forged",
        "open": "See this badge's page",
    },
}


# --- The example site, and which award is which --------------------------------------------


@dataclass(frozen=True)
class Site:
    base: str
    out: Path
    awards: dict[str, list[str]]  # status → award ids (valid: those whose e-mail the tests know)

    def document(self, award_id: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.out / f"assertions/{award_id}.json").read_text("utf-8"))
        return loaded

    def issuer_name(self, award_id: str) -> str:
        badge = json.loads(
            (self.out / f"badges/{self.document(award_id)['badge'].rsplit('/', 1)[1]}").read_text()
        )
        issuer = json.loads((self.out / f"issuers/{badge['issuer'].rsplit('/', 1)[1]}").read_text())
        return str(issuer["name"])

    def png(self, award_id: str) -> bytes:
        return (self.out / f"assertions/{award_id}.png").read_bytes()

    def first(self, status: str, *, svg: bool | None = None) -> str:
        """An award of `status`; with svg=True one that has a baked SVG, with svg=False one without."""
        for award_id in self.awards[status]:
            if svg is None or (self.out / f"assertions/{award_id}.svg").is_file() == svg:
                return award_id
        raise AssertionError(f"the example content lacks a {status} award (svg={svg})")


def _status(document: dict[str, Any]) -> str:
    if document.get("revoked"):
        return "revoked"
    expires = document.get("expires")
    if expires and dt.datetime.fromisoformat(expires) <= NOW:
        return "expired"
    return "valid"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    out = tmp_path_factory.mktemp("verifier") / "site"
    with built_site(out) as base:
        awards: dict[str, list[str]] = {"valid": [], "expired": [], "revoked": []}
        for file in sorted(out.glob("assertions/*.json")):
            document = json.loads(file.read_text("utf-8"))
            status = _status(document)
            if status != "valid" or file.stem in RECIPIENTS:
                awards[status].append(file.stem)
        yield Site(base, out, awards)


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


# --- Driving the page ------------------------------------------------------------------------


@dataclass
class Verifier:
    """One open verifier page, with what it requested and what went wrong."""

    page: Any
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Addresses this test expects to answer 404 (an assertion that is not published):
    #: Chromium logs a console error for them, which is then not one of the page's.
    missing: set[str] = field(default_factory=set)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            if not (where in self.missing and "404" in message.text):
                self.errors.append(f"{message.text} ({where})")

    def upload(self, name: str, data: bytes) -> Verifier:
        mime = "image/svg+xml" if name.endswith(".svg") else "image/png"
        self.page.set_input_files("#fichier-badge", files=[{"name": name, "mimeType": mime, "buffer": data}])
        return self.settled()

    def paste(self, address: str) -> Verifier:
        self.page.fill("#adresse-badge", address)
        self.page.click("#form-adresse button[type=submit]")
        return self.settled()

    def settled(self) -> Verifier:
        """Wait until the result region holds a result (it says aria-busy=false then)."""
        self.page.wait_for_function(
            "() => document.getElementById('resultat').getAttribute('aria-busy') === 'false'"
        )
        return self

    @property
    def word(self) -> str:
        return str(self.page.inner_text("#resultat .status-word")).strip()

    @property
    def text(self) -> str:
        return " ".join(str(self.page.inner_text("#resultat")).split())

    def email(self, address: str) -> str:
        """Type `address`, compare it, and return the e-mail result's status word."""
        self.page.evaluate("() => document.getElementById('resultat-email').replaceChildren()")
        self.page.fill("#email-personne", address)
        self.page.click("#form-email button[type=submit]")
        self.page.wait_for_function(
            "() => document.getElementById('resultat-email').textContent.trim() !== ''"
        )
        return str(self.page.inner_text("#resultat-email .status-word")).strip()


@pytest.fixture
def open_verifier(browser: Any, site: Site) -> Iterator[Callable[..., Verifier]]:
    """Opens the verifier page (its clock at the build time, under its own Content-Security-Policy);
    checks afterwards that no request left 127.0.0.1 and that no console error was logged."""
    contexts: list[Any] = []
    opened: list[Verifier] = []

    def open_page(lang: str = "fr") -> Verifier:
        context = browser.new_context(viewport=DESKTOP, locale="fr-FR" if lang == "fr" else "en-GB")
        contexts.append(context)
        page = context.new_page()
        verifier = Verifier(page, site.base.rstrip("/"))
        page.on("request", lambda request: verifier.requests.append(request.url))
        page.on("console", verifier._console)
        page.on("pageerror", lambda error: verifier.errors.append(f"uncaught: {error}"))
        page.clock.set_fixed_time(NOW)
        page.goto(f"{site.base}{'en/' if lang == 'en' else ''}verifier/", wait_until="load")
        opened.append(verifier)
        return verifier

    yield open_page
    for context in contexts:
        context.close()
    for verifier in opened:
        foreign = [url for url in verifier.requests if not _on_loopback(url, verifier.origin)]
        assert foreign == [], f"requests outside {verifier.origin}: {foreign}"
        assert verifier.errors == [], "console errors"


def _on_loopback(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or f"{parts.scheme}://{parts.netloc}" == origin


# --- Crafting pictures -----------------------------------------------------------------------


def _rebaked(png: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """The baked PNG with its assertion changed, re-baked by badgegen (a correct iTXt chunk and CRC)."""
    baked = bake.unbake_png(png)
    assert baked is not None
    document = json.loads(baked)
    change(document)
    return bake.bake_png(png, json.dumps(document, ensure_ascii=False))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _with_text_chunk(png: bytes, kind: bytes, data: bytes) -> bytes:
    """`png` with its openbadges chunk replaced by `data` in a chunk of `kind`, right after IHDR."""
    plain = bake.bake_png(png, "x")  # one iTXt "openbadges" chunk after IHDR: cut it out
    ihdr_end = 8 + 12 + 13
    (length,) = struct.unpack(">I", plain[ihdr_end : ihdr_end + 4])
    rest = plain[ihdr_end + 12 + length :]
    return plain[:ihdr_end] + _chunk(kind, data) + rest


# --- What the recruiter sees -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_baked_png_of_a_valid_award_is_valid(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    award_id = site.first("valid", svg=False)
    verifier = open_verifier(lang).upload(f"{award_id}.png", site.png(award_id))
    assert verifier.word == WORDS[lang]["valid"], verifier.text
    assert site.issuer_name(award_id) in verifier.text, "names the issuer"
    link = verifier.page.locator("#resultat a", has_text=WORDS[lang]["open"]).get_attribute("href")
    target = verifier.page.evaluate("(href) => new URL(href, location.href).href", link)
    assert target == f"{site.base}{'en/' if lang == 'en' else ''}assertions/{award_id}/"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_revoked_award_says_revoked_with_its_reason(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    award_id = site.first("revoked")
    reason = site.document(award_id)["revocationReason"]
    verifier = open_verifier(lang).upload(f"{award_id}.png", site.png(award_id))
    assert verifier.word == WORDS[lang]["revoked"], verifier.text
    assert reason in verifier.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_expired_award_says_expired_with_the_date(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    award_id = site.first("expired")
    verifier = open_verifier(lang).upload(f"{award_id}.png", site.png(award_id))
    assert verifier.word == WORDS[lang]["expired"], verifier.text
    expires = dt.date.fromisoformat(site.document(award_id)["expires"][:10])
    month = {"fr": "juin", "en": "June"}[lang] if expires.month == 6 else None
    assert str(expires.year) in verifier.text and (month is None or month in verifier.text), verifier.text


def test_assertion_pointing_to_another_award_is_forged(
    open_verifier: Callable[..., Verifier], site: Site
) -> None:
    """The picture of one award, its id changed to another award's: the recipient differs."""
    award_id = site.first("valid", svg=False)
    other = next(a for a in site.awards["valid"] if RECIPIENTS[a] != RECIPIENTS[award_id])
    forged = _rebaked(site.png(award_id), lambda doc: doc.update(id=site.document(other)["id"]))
    verifier = open_verifier().upload(f"{award_id}.png", forged)
    assert verifier.word == "Invalide", verifier.text
    assert "falsifié" in verifier.text and "la personne" in verifier.text


def test_assertion_with_another_badge_is_forged(open_verifier: Callable[..., Verifier], site: Site) -> None:
    award_id = site.first("valid", svg=False)
    badge = site.document(award_id)["badge"]
    other_badge = next(
        site.document(a)["badge"] for a in site.awards["valid"] if site.document(a)["badge"] != badge
    )
    forged = _rebaked(site.png(award_id), lambda doc: doc.update(badge=other_badge))
    verifier = open_verifier("en").upload("badge.png", forged)
    assert verifier.word == "Invalid", verifier.text
    assert "forged" in verifier.text and "the badge" in verifier.text


def test_assertion_that_is_not_published_is_invalid(
    open_verifier: Callable[..., Verifier], site: Site
) -> None:
    award_id = site.first("valid", svg=False)
    address = f"{site.base}assertions/faux-badge-123.json"
    made_up = _rebaked(site.png(award_id), lambda doc: doc.update(id=address))
    verifier = open_verifier()
    verifier.missing.add(address)
    verifier.upload("badge.png", made_up)
    assert verifier.word == "Invalide", verifier.text
    assert "n'existe pas dans ce registre" in verifier.text


def test_baked_svg_of_a_valid_award_is_valid(open_verifier: Callable[..., Verifier], site: Site) -> None:
    award_id = site.first("valid", svg=True)
    svg = (site.out / f"assertions/{award_id}.svg").read_bytes()
    verifier = open_verifier().upload(f"{award_id}.svg", svg)
    assert verifier.word == "Valide", verifier.text


def test_svg_whose_verify_address_differs_is_forged(
    open_verifier: Callable[..., Verifier], site: Site
) -> None:
    award_id = site.first("valid", svg=True)
    other = next(a for a in site.awards["valid"] if a != award_id)
    svg = (site.out / f"assertions/{award_id}.svg").read_text("utf-8")
    forged = svg.replace(
        f'verify="{site.base}assertions/{award_id}.json"', f'verify="{site.base}assertions/{other}.json"'
    )
    assert forged != svg
    verifier = open_verifier().upload("badge.svg", forged.encode())
    assert verifier.word == "Invalide", verifier.text


@pytest.mark.parametrize("kind", ["compressed iTXt", "zTXt", "tEXt"])
def test_other_png_text_chunks_are_read(
    open_verifier: Callable[..., Verifier], site: Site, kind: str
) -> None:
    award_id = site.first("valid", svg=False)
    text = json.dumps(site.document(award_id))  # ASCII: fits Latin-1 chunks too
    data = {
        "compressed iTXt": b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(text.encode()),
        "zTXt": b"openbadges\x00\x00" + zlib.compress(text.encode("latin-1")),
        "tEXt": b"openbadges\x00" + text.encode("latin-1"),
    }[kind]
    png = _with_text_chunk(site.png(award_id), kind.split()[-1].encode(), data)
    verifier = open_verifier().upload("badge.png", png)
    assert verifier.word == "Valide", verifier.text


def test_picture_without_a_badge_says_so(open_verifier: Callable[..., Verifier], site: Site) -> None:
    badge = next(site.out.glob("badges/*.png"))
    verifier = open_verifier().upload(badge.name, badge.read_bytes())
    assert verifier.word == "Pas de badge", verifier.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pasted_assertion_address_is_checked(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    valid, revoked = site.first("valid"), site.first("revoked")
    verifier = open_verifier(lang).paste(f"  {site.base}assertions/{valid}.json ")
    assert verifier.word == WORDS[lang]["valid"], verifier.text
    assert open_verifier(lang).paste(f"{site.base}assertions/{revoked}.json").word == WORDS[lang]["revoked"]
    # The award page's address (what a candidate most often sends) works too.
    page_address = f"{site.base}{'en/' if lang == 'en' else ''}assertions/{valid}/"
    assert open_verifier(lang).paste(page_address).word == WORDS[lang]["valid"]
    missing = open_verifier(lang)
    missing.missing.add(f"{site.base}assertions/nexiste-pas.json")
    missing.paste(f"{site.base}assertions/nexiste-pas.json")
    assert missing.word == WORDS[lang]["invalid"], missing.text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_badge_from_another_registry_is_reported_without_contacting_it(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    award_id = site.first("valid", svg=False)

    def elsewhere(doc: dict[str, Any]) -> None:
        doc.update(id=f"{ELSEWHERE}assertions/abc.json", badge=f"{ELSEWHERE}badges/jardinage.json")

    verifier = open_verifier(lang).upload("ailleurs.png", _rebaked(site.png(award_id), elsewhere))
    assert verifier.word == WORDS[lang]["elsewhere"], verifier.text
    assert "elsewhere.example.org" in verifier.text
    assert "openbadgesvalidator.imsglobal.org" in verifier.text, "names the official verifier"
    # A pasted address from elsewhere is not fetched either (the fixture checks every request).
    assert open_verifier(lang).paste(f"{ELSEWHERE}assertions/abc.json").word == WORDS[lang]["elsewhere"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_email_is_confirmed_or_rejected_in_the_browser(
    open_verifier: Callable[..., Verifier], site: Site, lang: str
) -> None:
    award_id = site.first("valid", svg=False)
    verifier = open_verifier(lang).upload(f"{award_id}.png", site.png(award_id))
    assert verifier.word == WORDS[lang]["valid"]
    requests_before = len(verifier.requests)
    typed = f"  {RECIPIENTS[award_id].upper()} "  # normalised: trimmed, lower-case
    assert verifier.email(typed) == WORDS[lang]["match"]
    assert verifier.email("quelqu.un.dautre@example.org") == WORDS[lang]["mismatch"]
    assert len(verifier.requests) == requests_before, "the e-mail check sends nothing"
    # Typed first, the address is compared as soon as a badge is checked.
    again = open_verifier(lang)
    again.page.fill("#email-personne", RECIPIENTS[award_id])
    again.upload(f"{award_id}.png", site.png(award_id))
    again.page.wait_for_function("() => document.getElementById('resultat-email').textContent.trim() !== ''")
    assert again.page.inner_text("#resultat-email .status-word").strip() == WORDS[lang]["match"]


def test_award_page_link_opens_the_verifier_on_that_badge(browser: Any, site: Site) -> None:
    award_id = site.first("valid", svg=False)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.clock.set_fixed_time(NOW)
        page.goto(f"{site.base}assertions/{award_id}/")
        page.click("text=Vérifier ce badge maintenant")
        page.wait_for_function(
            "() => document.getElementById('resultat').getAttribute('aria-busy') === 'false'"
        )
        assert page.inner_text("#resultat .status-word").strip() == "Valide"
        assert page.input_value("#adresse-badge") == f"{site.base}assertions/{award_id}.json"
    finally:
        context.close()


def test_copy_button_copies_the_verification_link(browser: Any, site: Site) -> None:
    award_id = site.first("valid", svg=False)
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base.rstrip("/"))
    try:
        page = context.new_page()
        page.goto(f"{site.base}assertions/{award_id}/")
        page.click("button[data-copy]")
        page.wait_for_function("() => document.getElementById('lien-verification-etat').textContent !== ''")
        assert page.inner_text("#lien-verification-etat") == "Lien copié."
        assert page.evaluate("navigator.clipboard.readText()") == f"{site.base}assertions/{award_id}.json"
    finally:
        context.close()


def test_without_javascript_the_page_explains_what_to_do(browser: Any, site: Site) -> None:
    award_id = site.first("valid", svg=False)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site.base}verifier/")
        assert page.is_visible("#sans-javascript")
        assert not page.is_visible("#outil")
        assert "vérificateur officiel" in page.inner_text("#sans-javascript")
        page.goto(f"{site.base}assertions/{award_id}/")
        assert not page.is_visible("button[data-copy]"), "no dead button without JavaScript"
        assert page.input_value("#lien-verification") == f"{site.base}assertions/{award_id}.json"
    finally:
        context.close()


def test_keyboard_reaches_every_control_and_verifies(
    open_verifier: Callable[..., Verifier], site: Site
) -> None:
    verifier = open_verifier()
    page = verifier.page
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")
        )
    expected = ["fichier-badge", "adresse-badge", "Vérifier", "email-personne", "Comparer l'adresse"]
    positions = [reached.index(name) for name in expected if name in reached]
    assert len(positions) == len(expected) and positions == sorted(positions), reached
    # Space on the focused file input activates it (a click, which opens the file chooser;
    # the chooser itself is not waited for: headless Chromium shows it unreliably).
    page.evaluate(
        """() => document.getElementById("fichier-badge").addEventListener("click", (event) => {
            window.activatedByKeyboard = true;
            event.preventDefault();
        })"""
    )
    page.focus("#fichier-badge")
    page.keyboard.press("Space")
    assert page.evaluate("() => window.activatedByKeyboard === true")
    award_id = site.first("valid", svg=False)
    verifier.upload("b.png", site.png(award_id))
    assert verifier.word == "Valide"
    # The address form works with Enter alone.
    again = open_verifier()
    again.page.focus("#adresse-badge")
    again.page.keyboard.type(f"{site.base}assertions/{site.first('revoked')}.json")
    again.page.keyboard.press("Enter")
    assert again.settled().word == "Révoqué"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("case", ["valid", "invalid", "elsewhere", "email"])
def test_no_wcag_violations_with_a_result_shown(
    open_verifier: Callable[..., Verifier], site: Site, lang: str, case: str
) -> None:
    axe_path()
    assert AXE.is_file()
    award_id = site.first("valid", svg=False)
    verifier = open_verifier(lang)
    if case == "invalid":
        verifier.upload(
            "b.png", _rebaked(site.png(award_id), lambda d: d.update(badge=f"{site.base}badges/x.json"))
        )
    elif case == "elsewhere":
        verifier.upload("b.png", _rebaked(site.png(award_id), lambda d: d.update(id=f"{ELSEWHERE}a.json")))
    else:
        verifier.upload("b.png", site.png(award_id))
    if case == "email":
        verifier.email(RECIPIENTS[award_id])
    page = verifier.page
    for viewport in (DESKTOP, NARROW):
        page.set_viewport_size(viewport)
        violations = run_axe(page)
        assert not violations, (
            f"axe-core, {case} result at {viewport['width']} px:\n{describe_violations(violations)}"
        )
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= NARROW["width"], f"the verifier scrolls sideways at 320 px ({width} px)"
    if case == "valid":
        shots = REPO / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{lang}-verifier-valid-320.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(shots / f"{lang}-verifier-valid-1280.png"), full_page=True)
