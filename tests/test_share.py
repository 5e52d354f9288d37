"""Sharing, without a browser: link previews, LinkedIn's "Add to profile" link, the verifier page's markup.

- Badge and award pages carry Open Graph and Twitter card tags whose addresses are
  absolute and published (og:image is a PNG, also for SVG badges).
- Valid award pages link to LinkedIn's form, every parameter decoding to the award's
  values; expired and revoked ones do not. Unlisted award pages keep `noindex`.
- The verifier page exists in both languages, is linked from every page's menu and from
  award pages, and its only inline <script> is a JSON data block (no executable inline
  script, no on*= attribute: tests/test_links.py checks every page for those).
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import share
from badgegen.cli import main
from badgegen.model import Registry
from badgegen.pipeline import BuildConfig, check
from badgegen.share import LINKEDIN_ADD_TO_PROFILE, OFFICIAL_VERIFIER

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)  # conftest's SOURCE_DATE_EPOCH


class _Head(HTMLParser):
    """<meta> tags, links (with their text), scripts and elements with an id of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.ids: set[str] = set()
        self._in_link: list[str] | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "meta":
            key = values.get("property") or values.get("name")
            if key:
                self.meta.setdefault(key, []).append(values.get("content") or "")
        elif tag == "a":
            self._in_link = [values.get("href") or ""]
        elif tag == "script":
            self.scripts.append(values)
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_link is not None:
            self.links.append((self._in_link[0], " ".join("".join(self._in_link[1:]).split())))
            self._in_link = None
        elif tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_link is not None:
            self._in_link.append(data)
        if self._in_script:
            self.script_text.append(data)


def _read(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text("utf-8"))
    head.close()
    return head


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("share") / "site"
    with pytest.MonkeyPatch.context() as mp:
        from conftest import SOURCE_DATE_EPOCH

        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        args = ["build", "--content", str(EXAMPLE), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
        assert main(args) == 0
    return out


def _awards() -> dict[str, dict[str, object]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(EXAMPLE.glob("awards/*/*.yaml"))}


def _status(site: Path, award_id: str) -> str:
    document = json.loads((site / f"assertions/{award_id}.json").read_text("utf-8"))
    if document.get("revoked"):
        return "revoked"
    if "expires" in document and dt.datetime.fromisoformat(document["expires"]) <= NOW:
        return "expired"
    return "valid"


def _published(site: Path, url: str) -> Path:
    assert url.startswith(BASE), f"{url} is not an absolute address of the site"
    path = url.removeprefix(BASE)
    file = site / path / "index.html" if path.endswith("/") or not path else site / path
    assert file.is_file(), f"{url} is not published"
    return file


def _object_pages(site: Path) -> list[Path]:
    pages = sorted(site.glob("badges/*/index.html")) + sorted(site.glob("assertions/*/index.html"))
    pages += sorted(site.glob("en/badges/*/index.html")) + sorted(site.glob("en/assertions/*/index.html"))
    assert len(pages) > 20
    return pages


def test_badge_and_award_pages_carry_link_previews(site: Path) -> None:
    for page in _object_pages(site):
        meta = _read(page).meta
        where = page.relative_to(site).as_posix()
        for key in ("og:title", "og:description", "og:url", "og:image", "og:type", "og:image:alt"):
            assert len(meta.get(key, [])) == 1 and meta[key][0].strip(), f"{where}: {key}"
        assert meta["twitter:card"] == ["summary"], where
        assert meta["og:url"][0] == BASE + where.removesuffix("index.html"), where
        image = _published(site, meta["og:image"][0])
        assert image.suffix == ".png" and image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), where
        assert meta["og:locale"] == (["en_GB"] if where.startswith("en/") else ["fr_FR"]), where


def test_svg_badges_get_a_png_for_previews(site: Path) -> None:
    svgs = sorted(site.glob("badges/*.svg"))
    assert svgs, "the example has SVG badges"
    for svg in svgs:
        png = svg.with_suffix(".png")
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), png
        meta = _read(site / f"badges/{svg.stem}/index.html").meta
        assert meta["og:image"] == [f"{BASE}badges/{svg.stem}.png"]


@pytest.fixture(scope="module")
def registry() -> Registry:
    built = check(BuildConfig(content=EXAMPLE, base_url=BASE, now=NOW)).registry
    assert built is not None
    return built


def test_award_preview_says_who_gave_it_and_whether_it_counts(site: Path, registry: Registry) -> None:
    for award_id, award in registry.awards.items():
        description = _read(site / f"assertions/{award_id}/index.html").meta["og:description"][0]
        status = _status(site, award_id)
        assert award.badge.issuer.name in description
        if status == "revoked":
            assert "retiré" in description
        else:
            assert description.startswith("Badge donné par ")
            assert ("valable jusqu'au" in description) == (status == "expired")


def _linkedin_links(page: Path) -> list[str]:
    return [href for href, _ in _read(page).links if href.startswith(LINKEDIN_ADD_TO_PROFILE)]


def test_valid_awards_link_to_linkedin_with_their_values(site: Path, registry: Registry) -> None:
    zone = ZoneInfo(registry.site.timezone)
    checked_expiry = False
    for award_id, award in registry.awards.items():
        for lang, prefix in (("fr", ""), ("en", "en/")):
            links = _linkedin_links(site / f"{prefix}assertions/{award_id}/index.html")
            if _status(site, award_id) != "valid":
                assert links == [], f"{award_id}: no LinkedIn link once expired or revoked"
                continue
            (link,) = links
            parts = urlsplit(link)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == LINKEDIN_ADD_TO_PROFILE
            assert "+" not in parts.query, "spaces are written %20"
            params = {key: values[0] for key, values in parse_qs(parts.query, strict_parsing=True).items()}
            issued = award.issued_on.astimezone(zone)
            expected = {
                "startTask": "CERTIFICATION_NAME",
                "name": award.badge.name.get(lang),
                "organizationName": award.badge.issuer.name,
                "issueYear": str(issued.year),
                "issueMonth": str(issued.month),
                "certUrl": f"{BASE}{prefix}assertions/{award_id}/",
                "certId": award_id,
            }
            if award.expires is not None:
                expires = award.expires.astimezone(zone)
                expected |= {"expirationYear": str(expires.year), "expirationMonth": str(expires.month)}
                checked_expiry = True
            assert params == expected, award_id
    assert checked_expiry, "the example has a valid award with an end date"


def test_unlisted_award_pages_keep_noindex_and_still_share(site: Path) -> None:
    awards = _awards()
    unlisted = [a for a, data in awards.items() if not data.get("listed") and _status(site, a) == "valid"]
    assert unlisted
    for award_id in unlisted:
        head = _read(site / f"assertions/{award_id}/index.html")
        assert head.meta["robots"] == ["noindex, nofollow"]
        assert head.meta["og:image"] and _linkedin_links(site / f"assertions/{award_id}/index.html")


def test_award_pages_offer_a_copyable_link_and_the_verifier(site: Path) -> None:
    for award_id in _awards():
        page = site / f"assertions/{award_id}/index.html"
        text = page.read_text("utf-8")
        head = _read(page)
        assert f'value="{BASE}assertions/{award_id}.json"' in text and "readonly" in text
        assert "lien-verification" in head.ids
        verify = [href for href, words in head.links if words.startswith("Vérifier ce badge maintenant")]
        (href,) = verify
        parts = urlsplit(href)
        assert parts.path == "../../verifier/"
        assert parse_qs(parts.query) == {"url": [f"{BASE}assertions/{award_id}.json"]}
        assert [s.get("src") for s in head.scripts] == ["../../static/copy.js"]


def test_every_page_links_to_the_verifier_in_its_language(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        if relative == "404.html" or relative.startswith("pagefind/"):
            continue
        hrefs = [
            href for href, words in _read(page).links if words in {"Vérifier un badge", "Verify a badge"}
        ]
        assert hrefs, f"{relative}: no link to the verifier in the menu"
        target = urlsplit(hrefs[0]).path
        resolved = (page.parent / target).resolve()
        expected = site / ("en/verifier" if relative.startswith("en/") else "verifier")
        assert resolved == expected.resolve(), relative


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_verifier_page_has_its_script_and_a_json_data_block_only(site: Path, lang: str) -> None:
    page = site / ("en/" if lang == "en" else "") / "verifier/index.html"
    head = _read(page)
    external = [s["src"] for s in head.scripts if s.get("src")]
    inline = [s for s in head.scripts if not s.get("src")]
    assert external == ["../static/verifier.js" if lang == "fr" else "../../static/verifier.js"]
    assert [s.get("type") for s in inline] == ["application/json"]
    assert (site / "static/verifier.js").is_file() and (site / "static/copy.js").is_file()
    data = json.loads("".join(head.script_text))
    assert data["base"] == BASE and data["lang"] == lang and data["verifier"] == OFFICIAL_VERIFIER
    assert data["words"]["word.valid"] == {"fr": "Valide", "en": "Valid"}[lang]
    assert {
        "sans-javascript",
        "outil",
        "fichier-badge",
        "adresse-badge",
        "email-personne",
        "resultat",
    } <= head.ids
    text = page.read_text("utf-8")
    assert 'id="resultat" class="verifier-result" role="status" aria-live="polite"' in text
    assert 'id="outil" hidden' in text, "the tool is hidden until its script runs"


@settings(max_examples=500, deadline=None)
@given(st.text(), st.lists(st.tuples(st.text(), st.text()), max_size=4))
def test_remembered_quoting_gives_what_urlencode_gives(text: str, params: list[tuple[str, str]]) -> None:
    """The sharing links encode names once (`share._quoted`) and paths part by part
    (`share._quoted_path`): the text is that of `urlencode(..., quote_via=quote)`."""
    assert share._quoted_path(text) == quote(text, safe="") == share._quoted(text)
    assert share._query(params) == urlencode(params, quote_via=quote)
