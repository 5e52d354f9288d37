"""Portfolios (content/earners/), published only with their person's consent.

What is checked here without a browser (tests/test_portfolio.py opens the pages in Chromium):

- a portfolio shows only listed awards, with their public evidence and endorsements, and
  nothing of their private evidence; revoked awards are shown revoked, and left off the sheet;
- portfolios are listed nowhere: not in the sitemap, not on the home, catalogue, badge or
  issuer pages, not in the search index, and they say noindex; only the pages of their own
  awards link to them (« Voir tous les badges de … »);
- their pages are permanent (content/published.txt), and withdrawing consent is possible:
  the file and its ledger lines go together, in one reviewed change;
- the printed QR codes decode (zxing-cpp, a real reader) to the award pages, byte-identical
  from one build to the next.

The rules on the files themselves (unknown, unlisted or shared awards) have their fixtures in
tests/fixtures/invalid/ (earner-*, unknown-reference-earner-award, published-url-removed-earner).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import resvg_py
import yaml
import zxingcpp
from PIL import Image as PILImage

from badgegen import ledger, qr
from badgegen.cli import main
from badgegen.load import load_content
from badgegen.resolve import resolve
from badgegen.timeutil import build_time

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
RECIPIENTS: dict[str, str] = json.loads((REPO / "tests/data/example_recipients.json").read_text())
#: Sam's award given private evidence here, and Sam's unlisted award (not in the portfolio).
SAM_PRIVATE_EVIDENCE = "ph4m7jheahlj6of3alfp"
SAM_UNLISTED = "jphpdgijoznwhl6uve2u"
PRIVATE_ITEM = """\
  - kind: text
    name:
      fr: "Bilan de fin de chantier"
      en: "End-of-work review"
    description:
      fr: "Le bilan écrit avec la personne."
      en: "The review written with the person."
    narrative: "Un récit que seule la personne montre, si elle le veut."
    private: true
"""


def _yaml(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded


def _earners(content: Path = EXAMPLE) -> dict[str, dict[str, Any]]:
    return {p.stem: _yaml(p) for p in sorted((content / "earners").glob("*.yaml"))}


def _award(award_id: str, content: Path = EXAMPLE) -> dict[str, Any]:
    (path,) = content.glob(f"awards/*/{award_id}.yaml")
    return _yaml(path)


def _build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, *extra])


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, where one of Sam's awards also has private evidence (after its public one)."""
    copy = tmp_path_factory.mktemp("earners") / "content"
    shutil.copytree(EXAMPLE, copy)
    (award,) = copy.glob(f"awards/*/{SAM_PRIVATE_EVIDENCE}.yaml")
    text = award.read_text("utf-8")
    assert "\nevidence:\n" in text and text.endswith("listed: true\n")
    award.write_text(text.replace("\n# true seulement", "\n" + PRIVATE_ITEM + "# true seulement"), "utf-8")
    return copy


@pytest.fixture(scope="module")
def site(content: Path) -> Path:
    out = content.parent / "site"
    with pytest.MonkeyPatch.context() as mp:
        from conftest import SOURCE_DATE_EPOCH

        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        assert _build(content, out, "--frozen-ledger") == 0
    return out


class _Links(HTMLParser):
    """Every href of a page, and its visible text (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(page: Path) -> _Links:
    reader = _Links()
    reader.feed(page.read_text("utf-8"))
    return reader


def _award_ids_linked(page: Path) -> set[str]:
    return {m.group(1) for href in _read(page).hrefs if (m := re.search(r"assertions/([a-z0-9]+)/$", href))}


def test_example_portfolios_gather_one_persons_listed_awards() -> None:
    """The example is coherent: each portfolio's awards were all given to one address, and listed."""
    earners = _earners()
    assert set(earners) == {"sam", "lou"}
    for slug, earner in earners.items():
        emails = set()
        for award_id in earner["awards"]:
            award = _award(award_id)
            assert award.get("listed") is True, (slug, award_id)
            email = RECIPIENTS[award_id]
            digest = hashlib.sha256((email + award["recipient"]["salt"]).encode()).hexdigest()
            assert award["recipient"]["identity"] == "sha256$" + digest
            emails.add(email)
        assert len(emails) == 1, f"{slug} gathers the awards of several people"
    # Sam also holds an unlisted award: it stays out of the portfolio.
    assert RECIPIENTS[SAM_UNLISTED] == RECIPIENTS[earners["sam"]["awards"][0]]
    assert _award(SAM_UNLISTED).get("listed") is not True


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_portfolio_shows_only_listed_awards_and_public_evidence(content: Path, site: Path, lang: str) -> None:
    prefix = "" if lang == "fr" else "en/"
    sam = _earners()["sam"]
    page = site / f"{prefix}personnes/sam/index.html"
    sheet = site / f"{prefix}personnes/sam/imprimer/index.html"
    assert _award_ids_linked(page) == set(sam["awards"])
    assert _award_ids_linked(sheet) == set(sam["awards"])
    html, printed = unescape(page.read_text("utf-8")), unescape(sheet.read_text("utf-8"))
    evidence = _award(SAM_PRIVATE_EVIDENCE, content)["evidence"]
    public = next(e for e in evidence if not e.get("private"))
    private = next(e for e in evidence if e.get("private"))
    assert public["name"][lang] in html and public["narrative"][lang].splitlines()[0] in html
    for text in (private["name"][lang], private["description"][lang], private["narrative"]):
        assert text not in html and text not in printed
        # ...while the award page still describes it, as for any private evidence.
        if text != private["narrative"]:
            award_page = site / f"{prefix}assertions/{SAM_PRIVATE_EVIDENCE}/index.html"
            assert text in unescape(award_page.read_text("utf-8"))
    assert SAM_UNLISTED not in html and SAM_UNLISTED not in printed


def test_portfolio_shows_endorsements_status_issuer_and_date(site: Path) -> None:
    html = (site / "personnes/sam/index.html").read_text("utf-8")
    assert "Les badges de Sam" in html
    assert "Cette personne a fait un stage de deux semaines chez nous." in html  # the endorsement
    assert "Paysages du Val" in html and "le 20 mai 2026" in html
    assert "Verts Chantiers de Touraine" in html and "22 avril 2026" in html
    assert html.count('class="status status-valid"') == 3
    lou = (site / "en/personnes/lou/index.html").read_text("utf-8")
    assert 'class="status status-expired"' in lou and "Expired" in lou
    # Grouped by family, in the families' order.
    assert html.index('id="famille-savoir-faire"') < html.index('id="famille-savoir-etre"')
    assert html.index('id="famille-savoir-etre"') < html.index('id="famille-engagement"')


def test_portfolios_are_listed_nowhere_and_not_indexed(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "personnes/" not in sitemap
    portfolio_awards = {a for earner in _earners().values() for a in earner["awards"]}
    for page in site.rglob("*.html"):
        relative = page.relative_to(site).as_posix()
        linking = [h for h in _read(page).hrefs if "personnes/" in h]
        if "personnes/" in relative:
            continue
        award = re.match(r"^(?:en/)?assertions/([a-z0-9]+)/index\.html$", relative)
        if award and award.group(1) in portfolio_awards:
            assert len(linking) == 1, relative
        else:
            assert linking == [], f"{relative} links to a portfolio"
    for page in site.glob("**/personnes/*/**/index.html"):
        html = page.read_text("utf-8")
        assert '<meta name="robots" content="noindex">' in html, page
        assert "data-pagefind-body" not in html, f"{page} would enter the search index"
    assert not (site / "personnes/index.html").exists(), "no index of portfolios"


def test_award_pages_link_to_their_portfolio(site: Path) -> None:
    award_id = _earners()["sam"]["awards"][0]
    html = (site / f"assertions/{award_id}/index.html").read_text("utf-8")
    assert re.search(r'<a href="\.\./\.\./personnes/sam/">.*Voir tous les badges de Sam →</a>', html)
    english = (site / f"en/assertions/{award_id}/index.html").read_text("utf-8")
    assert re.search(r'<a href="\.\./\.\./personnes/sam/">.*See all of Sam&#39;s badges →</a>', english)


def test_portfolio_pages_are_permanent() -> None:
    registry = resolve(load_content(EXAMPLE), build_time(), None).registry
    assert registry is not None
    paths = ledger.permanent_paths(registry)
    for slug in _earners():
        for path in (f"personnes/{slug}/", f"personnes/{slug}/imprimer/"):
            assert path in paths and "en/" + path in paths
            assert ledger.owner(path) == ("earner", slug)
            assert ledger.owner("en/" + path) == ("earner", slug)


def test_withdrawing_consent_removes_the_portfolio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting the file alone is refused; the file and its ledger lines together are accepted."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "earners/sam.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    assert _build(content, tmp_path / "site") == 2
    err = capsys.readouterr().err
    assert "published-url-removed" in err and f"{BASE}personnes/sam/" in err
    assert "si la personne retire son accord, supprimez ce fichier" in err
    published = content / "published.txt"
    published.write_text(
        "".join(
            line for line in published.read_text("utf-8").splitlines(True) if "personnes/sam/" not in line
        ),
        "utf-8",
    )
    assert _build(content, tmp_path / "site") == 0
    assert not (tmp_path / "site/personnes/sam").exists()
    award_id = _earners(EXAMPLE)["sam"]["awards"][0]
    assert "personnes/" not in (tmp_path / f"site/assertions/{award_id}/index.html").read_text("utf-8")
    assert "personnes/sam/" not in published.read_text("utf-8"), "the build does not add them back"


def test_a_revoked_award_stays_shown_as_revoked_and_leaves_the_sheet(tmp_path: Path) -> None:
    """`badgegen revoke` never needs another edit: the portfolio shows the award revoked."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    award_id = _earners()["sam"]["awards"][2]
    assert main(["revoke", award_id, "--reason", "Badge attribué par erreur", "--content", str(content)]) == 0
    assert _build(content, tmp_path / "site", "--frozen-ledger") == 0
    page = (tmp_path / "site/personnes/sam/index.html").read_text("utf-8")
    assert 'class="status status-revoked"' in page and "Révoqué" in page
    narrative = _award(award_id)["narrative"]["fr"].splitlines()[0]
    assert narrative not in page, "a revoked award's story is not shown, as on its own page"
    sheet = tmp_path / "site/personnes/sam/imprimer/index.html"
    assert award_id not in sheet.read_text("utf-8")
    assert _award_ids_linked(sheet) == set(_earners()["sam"]["awards"]) - {award_id}


def test_personal_data_in_a_portfolio_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    sam = content / "earners/sam.yaml"
    sam.write_text(
        sam.read_text("utf-8").replace("près de Tours.", "près de Tours : sam.k@gmail.com"), "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--content", str(content)]) == 2
    err = capsys.readouterr().err
    assert "content/earners/sam.yaml:" in err and "personal-data presentation.fr" in err
    assert "sam.k@gmail.com" not in err


def _decode(svg: str) -> list[str]:
    """What a phone would read: the SVG drawn to pixels (resvg), then read by zxing-cpp."""
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=300, background="#ffffff"))
    with PILImage.open(io.BytesIO(png)) as image:
        return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


def test_qr_svg_decodes_and_is_deterministic() -> None:
    url = "https://badgeons-iae.example.org/en/assertions/3zmiiuocrbqukwotd3u3/"
    drawn = qr.svg(url, "Code QR : vérifier le badge « J'entretiens » & co")
    assert drawn == qr.svg(url, "Code QR : vérifier le badge « J'entretiens » & co")
    assert _decode(str(drawn)) == [url]
    assert 'role="img" aria-label="Code QR : vérifier le badge « J&#39;entretiens » &amp; co"' in drawn
    assert "style=" not in drawn and "<script" not in drawn


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_printed_qr_codes_point_to_their_award_pages(site: Path, lang: str) -> None:
    prefix = "" if lang == "fr" else "en/"
    html = (site / f"{prefix}personnes/sam/imprimer/index.html").read_text("utf-8")
    codes = re.findall(r'<svg class="qr".*?</svg>', html)
    expected = [f"{BASE}{prefix}assertions/{a}/" for a in _earners()["sam"]["awards"]]
    assert len(codes) == len(expected)
    assert sorted(text for code in codes for text in _decode(code)) == sorted(expected)


def test_the_same_content_prints_the_same_bytes(content: Path, site: Path, tmp_path: Path) -> None:
    from conftest import SOURCE_DATE_EPOCH

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        assert _build(content, tmp_path / "again", "--frozen-ledger") == 0
    for page in sorted(site.glob("**/personnes/**/index.html")):
        relative = page.relative_to(site)
        assert (tmp_path / "again" / relative).read_bytes() == page.read_bytes(), relative
