"""The example registry builds into a complete, deterministic, private-by-default site."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image as PILImage

from badgegen import bake
from badgegen.cli import main
from badgegen.errors import BuildError
from badgegen.trees import TreeWriter

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
RECIPIENTS: dict[str, str] = json.loads((REPO / "tests/data/example_recipients.json").read_text())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1795953600")
        assert (
            main(
                ["build", "--content", str(EXAMPLE), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
            )
            == 0
        )
    return out


def _json(site: Path, relpath: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((site / relpath).read_text("utf-8"))
    return loaded


def _award_ids() -> list[str]:
    return sorted(p.stem for p in EXAMPLE.glob("awards/*/*.yaml"))


def _revoked_ids() -> set[str]:
    return {p.stem for p in EXAMPLE.glob("awards/*/*.yaml") if "\nrevoked:" in p.read_text("utf-8")}


def test_every_award_is_hosted_at_its_own_id(site: Path) -> None:
    for award_id in _award_ids():
        document = _json(site, f"assertions/{award_id}.json")
        assert document["id"] == f"{BASE}assertions/{award_id}.json"
        assert document["@context"] == "https://w3id.org/openbadges/v2"


def test_recipient_is_a_salted_hash_of_the_real_address(site: Path) -> None:
    for award_id in sorted(set(_award_ids()) - _revoked_ids()):
        recipient = _json(site, f"assertions/{award_id}.json")["recipient"]
        assert isinstance(recipient, dict) and recipient["hashed"] is True
        email = RECIPIENTS[award_id].strip().lower()
        digest = hashlib.sha256((email + recipient["salt"]).encode()).hexdigest()
        assert recipient["identity"] == "sha256$" + digest


def test_no_recipient_address_is_published(site: Path) -> None:
    needles = {address.encode() for address in RECIPIENTS.values()}
    needles |= {address.split("@")[0].encode() for address in RECIPIENTS.values()}
    for file in site.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert not any(needle in data for needle in needles), file


def test_revoked_award_stays_hosted_as_revoked(site: Path) -> None:
    (revoked,) = _revoked_ids()
    document = _json(site, f"assertions/{revoked}.json")
    assert document["revoked"] is True
    assert isinstance(document["revocationReason"], str) and document["revocationReason"]
    assert "recipient" not in document
    page = (site / f"assertions/{revoked}/index.html").read_text("utf-8")
    assert "Révoqué" in page
    assert f"{revoked}.png" not in page, "a revoked badge's image is no longer offered"
    assert (site / f"assertions/{revoked}.png").is_file(), "but its URL keeps answering"


def test_baked_png_holds_the_hosted_assertion(site: Path) -> None:
    for award_id in _award_ids():
        png = (site / f"assertions/{award_id}.png").read_bytes()
        with PILImage.open(io.BytesIO(png)) as image:
            image.load()
            embedded = image.text["openbadges"]  # type: ignore[attr-defined]
        assert json.loads(embedded) == _json(site, f"assertions/{award_id}.json")
        assert bake.unbake_png(png) == embedded


def test_baked_svg_holds_the_hosted_assertion_for_svg_badges(site: Path) -> None:
    svgs = sorted(site.glob("assertions/*.svg"))
    assert svgs, "the example has SVG badges"
    for svg in svgs:
        root = ET.fromstring(svg.read_bytes())
        element = root.find("{http://openbadges.org}assertion")
        assert element is not None
        assert element.get("verify") == f"{BASE}assertions/{svg.stem}.json"
        assert json.loads(element.text or "") == _json(site, f"assertions/{svg.stem}.json")


def test_documents_link_to_published_files(site: Path) -> None:
    """Every URL of this registry inside a JSON document is a file of the site."""
    for file in site.rglob("*.json"):
        for url in _urls(json.loads(file.read_text("utf-8"))):
            if url.startswith(BASE):
                target = url.removeprefix(BASE)
                assert (site / target).is_file() or (site / target / "index.html").is_file(), (file, url)


def _urls(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("http") else []
    if isinstance(value, list):
        return [u for item in value for u in _urls(item)]
    if isinstance(value, dict):
        return [u for item in value.values() for u in _urls(item)]
    return []


def test_unlisted_awards_are_hosted_but_not_listed(site: Path) -> None:
    unlisted = [p.stem for p in EXAMPLE.glob("awards/*/*.yaml") if "listed: true" not in p.read_text()]
    assert unlisted
    listings = [site / "index.html", *site.glob("badges/*/index.html"), *site.glob("en/badges/*/index.html")]
    listing_text = "".join(p.read_text("utf-8") for p in listings)
    for award_id in unlisted:
        assert award_id not in listing_text
        page = (site / f"assertions/{award_id}/index.html").read_text("utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in page


def test_pages_exist_in_both_languages(site: Path) -> None:
    for page in site.glob("**/index.html"):
        relative = page.relative_to(site).as_posix()
        if relative.startswith("en/"):
            assert (site / relative.removeprefix("en/")).is_file()
        else:
            assert (site / "en" / relative).is_file(), relative
            assert '<html lang="fr">' in page.read_text("utf-8")
    assert (site / "404.html").is_file()


def test_build_is_byte_identical(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    assert (
        main(["build", "--content", str(EXAMPLE), "--out", str(again), "--base-url", BASE, "--frozen-ledger"])
        == 0
    )
    first = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    # Pagefind 1.5 is not byte-deterministic: it writes each filter's values in the order of a
    # Rust HashMap (random per run), so the filter chunks (pagefind/filter/*.pf_filter), their
    # content-hash names, the language metadata that lists them (pagefind/pagefind.*.pf_meta)
    # and pagefind/pagefind-entry.json (which names the metadata by its hash) change from build to
    # build with the same content. Only these are left out; the rest of the search bundle (page
    # fragments, word indexes, its JavaScript and WebAssembly) must be identical, and
    # tests/test_search.py checks what the index holds.
    first, second = _without_pagefind_filters(first), _without_pagefind_filters(second)
    assert first.keys() == second.keys()
    different = [path for path in first if first[path] != second[path]]
    assert different == []


def _without_pagefind_filters(files: dict[str, bytes]) -> dict[str, bytes]:
    def unstable(path: str) -> bool:
        return (
            path.startswith("pagefind/filter/")
            or path == "pagefind/pagefind-entry.json"
            or (path.startswith("pagefind/pagefind.") and path.endswith(".pf_meta"))
        )

    kept = {path: data for path, data in files.items() if not unstable(path)}
    assert len(kept) < len(files) and any(p.startswith("pagefind/fragment/") for p in kept), "a search index"
    return kept


def test_failed_build_leaves_previous_site_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    assert main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    badge = content / "badges/ponctualite.yaml"
    badge.write_text(badge.read_text("utf-8").replace("family:", "famile:"), "utf-8")
    capsys.readouterr()
    assert main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE]) == 2
    err = capsys.readouterr().err
    assert "ponctualite.yaml" in err and "famile" in err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".badgegen-cache", "content", "site"], "no staging folder left behind"


def test_writer_refuses_escapes_and_duplicates(tmp_path: Path) -> None:
    writer = TreeWriter(tmp_path, {}, None, None)
    for bad in ("../x", "/etc/passwd", "a/../../b", "a//b"):
        with pytest.raises(BuildError):
            writer.write(bad, b"")
    writer.write("badges/x.json", b"{}")
    with pytest.raises(BuildError):
        writer.write("badges/x.json", b"{}")


def test_build_py_runs_as_a_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(EXAMPLE), "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Site construit" in result.stdout
    assert (tmp_path / "s/index.html").is_file()


def test_the_program_ends_with_its_exit_code_and_every_line_written(tmp_path: Path) -> None:
    """Run as a program, badgegen ends the process itself (`cli._exit_at_once`): the exit code
    and everything printed (to pipes, which buffer) must still come out, for errors too."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "badges" / "semer-en-plein-champ.yaml").write_text("name: [\n", "utf-8")
    for folder, code, stream, text in (
        (EXAMPLE, 0, "stdout", "Contenu valide"),
        (content, 2, "stderr", "yaml"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "badgegen", "validate", "--content", str(folder)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == code, result.stderr
        assert text in getattr(result, stream)


def test_validate_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--content", str(EXAMPLE), "--out", str(tmp_path / "site")]) == 0
    assert capsys.readouterr().out.startswith("Contenu valide : ")
    assert list(tmp_path.iterdir()) == []


def test_english_badge_documents_point_back_to_french(site: Path) -> None:
    for english in sorted(site.glob("en/badges/*.json")):
        document = _json(site, english.relative_to(site).as_posix())
        french = _json(site, f"badges/{english.name}")
        assert document["@language"] == "en" and french["@language"] == "fr"
        assert document["related"] == [{"type": "BadgeClass", "id": french["id"], "@language": "fr"}]
        assert french["related"] == [{"type": "BadgeClass", "id": document["id"], "@language": "en"}]
        assert document["image"] == french["image"] and document["issuer"] == french["issuer"]


@pytest.mark.parametrize(
    "content", [EXAMPLE, REPO / "tests/fixtures/minimal/content"], ids=["example", "minimal"]
)
def test_committed_ledger_is_complete(content: Path, tmp_path: Path) -> None:
    """The repository's ledgers already list everything their content publishes."""
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    assert main(["build", "--content", str(copy), "--out", str(tmp_path / "site")]) == 0
    assert (copy / "published.txt").read_bytes() == (content / "published.txt").read_bytes()


def test_video_evidence_plays_here_with_its_captions(tmp_path: Path) -> None:
    """A video published with the site uses the browser's player, with its .vtt captions."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    (content / "media/geste-semis.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    award = next(content.glob("awards/*/fib3wiaxgkdopbsxl7nt.yaml"))
    award.write_text(
        award.read_text("utf-8").replace(
            "evidence:\n",
            "evidence:\n  - kind: video\n    name: Le geste du semis\n    file: geste-semis.mp4\n"
            "    transcript: podcast-travailler-ensemble-transcription.vtt\n",
            1,
        ),
        "utf-8",
    )
    out = tmp_path / "site"
    assert main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE]) == 0
    page = (out / "assertions/fib3wiaxgkdopbsxl7nt/index.html").read_text("utf-8")
    assert '<video controls preload="none" src="../../media/geste-semis.mp4">' in page
    assert '<track kind="captions" src="../../media/podcast-travailler-ensemble-transcription.vtt"' in page
