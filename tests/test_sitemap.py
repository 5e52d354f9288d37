"""What the site offers to be found, and what it never publishes.

- /sitemap.xml lists the pages listings show, in both languages with hreflang
  alternates: home, catalogue, issuers, every badge and issuer page, and only the
  awards whose earners agreed to be listed. An unlisted award is never in it.
- /robots.txt allows everything (unlisted pages carry noindex, which a crawler must
  be allowed to read) and names the sitemap.
- Private evidence is described on the award page, but its address, file,
  transcript and narrative are in no published byte.
"""

from __future__ import annotations

import html
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import markupsafe
import pytest
import yaml

from badgegen.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def _build(content: Path, out: Path) -> Path:
    assert (
        main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"])
        == 0
    )
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        from conftest import SOURCE_DATE_EPOCH

        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        return _build(EXAMPLE, tmp_path_factory.mktemp("sitemap") / "site")


def _awards(content: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(content.glob("awards/*/*.yaml"))}


def _sitemap(site: Path) -> dict[str, dict[str, str]]:
    """Each <loc> → its alternates {hreflang: href}."""
    return _urlset_entries((site / "sitemap.xml").read_bytes())


def _urlset_entries(data: bytes) -> dict[str, dict[str, str]]:
    root = ET.fromstring(data)
    assert root.tag == f"{{{NS['s']}}}urlset"
    entries = {}
    for url in root.findall("s:url", NS):
        assert url.find("s:lastmod", NS) is None
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc is not None and loc not in entries
        entries[loc] = {
            link.get("hreflang", ""): link.get("href", "") for link in url.findall("xhtml:link", NS)
        }
    return entries


def test_sitemap_lists_listed_pages_in_both_languages(site: Path) -> None:
    awards = _awards(EXAMPLE)
    pages = ["", "badges/", "issuers/"]
    pages += [f"badges/{p.stem}/" for p in sorted(EXAMPLE.glob("badges/*.yaml"))]
    pages += [f"issuers/{p.stem}/" for p in sorted(EXAMPLE.glob("issuers/*.yaml"))]
    pages += [f"assertions/{award_id}/" for award_id, award in awards.items() if award.get("listed")]
    entries = _sitemap(site)
    expected = {BASE + prefix + page for page in pages for prefix in ("", "en/")}
    assert set(entries) == expected
    for page in pages:
        alternates = {"fr": BASE + page, "en": BASE + "en/" + page}
        assert entries[BASE + page] == alternates
        assert entries[BASE + "en/" + page] == alternates
    for loc in entries:
        assert (site / loc.removeprefix(BASE) / "index.html").is_file(), loc


def test_unlisted_awards_are_never_in_the_sitemap(site: Path) -> None:
    unlisted = [award_id for award_id, award in _awards(EXAMPLE).items() if not award.get("listed")]
    assert unlisted, "the example keeps unlisted awards"
    text = (site / "sitemap.xml").read_text("utf-8")
    for award_id in unlisted:
        assert award_id not in text


def test_an_award_leaves_the_sitemap_when_its_earner_withdraws_consent(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    # An award shown in a portfolio must leave it first (earner-award-unlisted): take one that is not.
    in_portfolios = {
        a for p in content.glob("earners/*.yaml") for a in yaml.safe_load(p.read_text("utf-8"))["awards"]
    }
    listed = [a for a, award in _awards(content).items() if award.get("listed") and a not in in_portfolios]
    (path,) = content.glob(f"awards/*/{listed[0]}.yaml")
    path.write_text(path.read_text("utf-8").replace("listed: true", "listed: false"), "utf-8")
    site = _build(content, tmp_path / "site")
    text = (site / "sitemap.xml").read_text("utf-8")
    assert listed[0] not in text and listed[1] in text
    assert (
        '<meta name="robots" content="noindex, nofollow">'
        in (site / f"assertions/{listed[0]}/index.html").read_text()
    )


@pytest.mark.parametrize("most", [7, 10, 1000])
def test_a_large_sitemap_is_an_index_of_parts_that_list_the_same_addresses(site: Path, most: int) -> None:
    """Past `most` addresses (sitemaps.org allows 50 000 a file), sitemap.xml names parts at the
    site's root (a sitemap may only list addresses under its own folder), each of `most` at most;
    together they list exactly what the one file lists."""
    from badgegen.pipeline import BuildConfig, check
    from badgegen.render import sitemaps

    registry = check(
        BuildConfig(content=EXAMPLE, base_url=BASE, update_ledger=False, use_cache=False)
    ).registry
    assert registry is not None
    files = dict(sitemaps(registry, most))
    whole = _sitemap(site)
    if len(whole) <= most:
        assert list(files) == ["sitemap.xml"] and files["sitemap.xml"] == (site / "sitemap.xml").read_bytes()
        return
    index = ET.fromstring(files.pop("sitemap.xml"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    named = [sitemap.findtext("s:loc", namespaces=NS) for sitemap in index.findall("s:sitemap", NS)]
    assert named == [f"{BASE}sitemap-{number}.xml" for number in range(1, len(files) + 1)]
    assert list(files) == [name.removeprefix(BASE) for name in named]
    parts = [_urlset_entries(data) for data in files.values()]
    assert all(1 <= len(part) <= most for part in parts) and len(parts) == -(-len(whole) // most)
    joined = {loc: links for part in parts for loc, links in part.items()}
    assert joined == whole and sum(map(len, parts)) == len(whole)


def test_robots_allows_all_and_names_the_sitemap(site: Path) -> None:
    lines = (site / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert not any(line.startswith("Disallow: /") for line in lines), "noindex pages must stay readable"
    assert f"Sitemap: {BASE}sitemap.xml" in lines


# --- private evidence ------------------------------------------------------------------


def _private_evidence(content: Path) -> list[tuple[str, dict[str, Any]]]:
    return [
        (award_id, item)
        for award_id, award in _awards(content).items()
        for item in award.get("evidence", [])
        if item.get("private")
    ]


def _secrets(item: dict[str, Any]) -> list[bytes]:
    """What a private piece of evidence must never publish: its address, file, transcript, narrative."""
    found = [item[key] for key in ("url", "file", "transcript") if key in item]
    narrative = item.get("narrative")
    if narrative is not None:
        found += list(narrative.values()) if isinstance(narrative, dict) else [narrative]
    return [value.encode("utf-8") for value in found]


def _published_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_private_evidence_is_in_no_published_byte(site: Path) -> None:
    private = _private_evidence(EXAMPLE)
    assert private, "the example keeps one private piece of evidence"
    published = _published_bytes(site)
    for award_id, item in private:
        secrets = _secrets(item)
        assert secrets, "the example's private evidence has a file and a narrative to hide"
        lines = {line.strip() for secret in secrets for line in secret.decode("utf-8").splitlines()}
        forms = {form for line in lines if line for form in _spellings(line)}
        for path, data in published.items():
            leaked = [form for form in forms if form in data]
            assert leaked == [], path
        if "file" in item:
            assert not (site / "media" / item["file"]).exists()
            assert Path(item["file"]).stem.encode() not in b"".join(published.values())
        assert f"assertions/{award_id}.json" in published, "the award itself stays hosted"


def _spellings(text: str) -> set[bytes]:
    """The ways a text can appear in a page or a document: raw, HTML-escaped (as Jinja does), JSON-escaped."""
    return {
        text.encode("utf-8"),
        str(markupsafe.escape(text)).encode("utf-8"),
        html.escape(text).encode("utf-8"),
        json.dumps(text, ensure_ascii=True)[1:-1].encode("ascii"),
    }


def test_private_evidence_is_described_without_its_link(site: Path) -> None:
    ((award_id, item),) = _private_evidence(EXAMPLE)
    name = item["name"]["fr"] if isinstance(item["name"], dict) else item["name"]
    page = (site / f"assertions/{award_id}/index.html").read_text("utf-8")
    assert name.replace("'", "&#39;") in page
    assert "Preuve privée : montrée seulement sur demande." in page
    english = (site / f"en/assertions/{award_id}/index.html").read_text("utf-8")
    assert "Private evidence: shown only on request." in english
    document = json.loads((site / f"assertions/{award_id}.json").read_text("utf-8"))
    (evidence,) = [e for e in document["evidence"] if e["name"] == name]
    assert "id" not in evidence
    assert evidence["narrative"].startswith("Preuve privée")
    assert set(evidence) <= {"type", "name", "description", "narrative", "genre"}


def test_private_evidence_with_addresses_publishes_none_of_them(tmp_path: Path) -> None:
    """An external podcast and its transcript, made private: neither address is published."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (path,) = content.glob("awards/*/qpiymmfbovbbxqqnmike.yaml")
    text = path.read_text("utf-8")
    marker = '    url: "https://podcasts.example.org/badgeons-iae/episode-03-travailler-ensemble.mp3"\n'
    assert marker in text
    path.write_text(text.replace(marker, marker + "    private: true\n"), "utf-8")
    site = _build(content, tmp_path / "site")
    published = _published_bytes(site)
    for secret in (b"episode-03-travailler-ensemble.mp3", b"episode-03-travailler-ensemble.vtt"):
        assert not [p for p, data in published.items() if secret in data]
    assert b"Podcast transcript" in published["en/assertions/qpiymmfbovbbxqqnmike/index.html"]


def test_private_evidence_needs_neither_url_nor_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (path,) = content.glob("awards/*/qoy66mkzv2jxt5y7m2kh.yaml")
    path.write_text(
        path.read_text("utf-8").replace('    file: "exemple-audio-silencieux.mp3"\n', ""), "utf-8"
    )
    assert main(["validate", "--content", str(content)]) == 0
    assert "evidence-source" not in capsys.readouterr().err
