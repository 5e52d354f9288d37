"""The guard against personal data: detectors, content check, output check, strip, git hook.

The content-check messages themselves are fixture cases run by
tests/test_validation_messages.py (``tests/fixtures/invalid/personal-data-*``,
``spreadsheet-in-content``, ``media-metadata-exif``), like every other error code.
``tests/fixtures/privacy/detectors.txt`` lists what the detectors must and must not find.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

import badgegen
from badgegen import bake, privacy
from badgegen.cli import main
from badgegen.hook import HOOK_MARKER, hook_script
from badgegen.privacy import find_personal_data, image_metadata, normalise_email, strip_metadata
from badgegen.trees import next_tree, updated_output

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINIMAL = FIXTURES / "minimal" / "content"
INVALID = FIXTURES / "invalid"
EXAMPLE = REPO / "content"
ALLOWED = frozenset({normalise_email("contact@atelier.example.org")})


# --- detectors: the table of tests/fixtures/privacy/detectors.txt ----------------------------


def _detector_cases() -> list[tuple[list[str], str]]:
    cases = []
    for line in (FIXTURES / "privacy" / "detectors.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kinds, text = line.split(" :: ", 1)
            cases.append(([] if kinds == "-" else kinds.split(","), text))
    return cases


@pytest.mark.parametrize(("kinds", "text"), _detector_cases(), ids=lambda v: str(v)[:40])
def test_detectors(kinds: list[str], text: str) -> None:
    assert [finding.kind for finding in find_personal_data(text, ALLOWED)] == kinds


def test_findings_are_located_and_redacted() -> None:
    text = "ligne un\n  Écrire à camille.martin@exemple.fr ou au 06 12 34 56 78.\nNIR 185057800608491"
    found = find_personal_data(text)
    assert [(f.kind, f.line, f.column, f.excerpt) for f in found] == [
        ("email", 2, 12, "c…@e…"),
        ("phone", 2, 44, "06 •• •• •• ••"),
        ("nir", 3, 5, "• •• •• •• ••• ••• ••"),
    ]
    for finding in found:
        assert not re.search(r"\d{3}|amille|xemple", finding.excerpt)


def test_obfuscated_and_differently_written_public_addresses_are_the_same() -> None:
    assert normalise_email(" Contact [at] Atelier [dot] example [dot] org ") == "contact@atelier.example.org"
    assert find_personal_data("contact(at)atelier.example.org", ALLOWED) == []


# --- detectors: generated values ------------------------------------------------------------


def _nir(sex: int, year: int, month: int, dept: str, town: int, order: int) -> str:
    body = f"{sex}{year:02d}{month:02d}{dept}{town:03d}{order:03d}"
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return body + f"{97 - number % 97:02d}"


nirs = st.builds(
    _nir,
    st.sampled_from([1, 2, 7, 8]),
    st.integers(0, 99),
    st.integers(1, 12),
    st.one_of(st.integers(1, 95).map(lambda d: f"{d:02d}"), st.sampled_from(["2A", "2B"])),
    st.integers(1, 999),
    st.integers(1, 999),
)


@given(nirs, st.sampled_from(["", " ", "."]))
def test_generated_nirs_are_found(nir: str, sep: str) -> None:
    parts = [nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]
    text = f"Numéro : {sep.join(parts)}."
    assert [f.kind for f in find_personal_data(text)] == ["nir"]
    wrong = nir[:13] + f"{(int(nir[13:]) % 97) + 1:02d}"
    assert find_personal_data(f"Numéro : {wrong}.") == []


@given(
    st.sampled_from("123456789"),
    st.lists(st.integers(0, 99), min_size=4, max_size=4),
    st.sampled_from(["{0}{s}{1}{s}{2}{s}{3}{s}{4}", "+33 {0}{s}{1}{s}{2}{s}{3}{s}{4}", "+33{0}{1}{2}{3}{4}"]),
    st.sampled_from([" ", ".", "-", "", "\u00a0"]),
)
def test_generated_french_phones_are_found(first: str, pairs: list[int], layout: str, sep: str) -> None:
    groups = [("" if layout.startswith("+") else "0") + first, *(f"{p:02d}" for p in pairs)]
    text = "Appelez le " + layout.format(*groups, s=sep) + " demain."
    assert [f.kind for f in find_personal_data(text)] == ["phone"]


@given(st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_generated_french_ibans_are_found(digits: str) -> None:
    bban = digits + "123456789"[: 23 - len(digits)]
    check = 98 - int(bban + "1527" + "00") % 97
    iban = f"FR{check:02d}{bban}"
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert [f.kind for f in find_personal_data(f"RIB : {spaced}")] == ["iban"]
    assert [f.kind for f in find_personal_data(f"RIB : {iban}")] == ["iban"]


@given(
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.text("0123456789abcdef", min_size=32, max_size=32),
)
def test_hashes_and_salts_are_not_personal_data(digest: str, salt: str) -> None:
    text = f'identity: "sha256${digest}"\nsalt: "{salt}"\n{digest} {salt}'
    assert find_personal_data(text) == []


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567", min_size=20, max_size=20))
def test_award_ids_are_not_personal_data(award_id: str) -> None:
    text = f"https://registre.example.org/assertions/{award_id}.json awards/2026/{award_id}.yaml {award_id}"
    assert find_personal_data(text) == []


@given(
    st.sampled_from("ABCDEFGHIJKLMN"),
    st.integers(1000, 9999),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    st.integers(1900, 2100),
)
def test_rome_codes_dates_and_years_are_not_personal_data(
    letter: str, number: int, day: date, year: int
) -> None:
    formats = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%dT12:00:00+01:00", "%d %m %Y"]
    dates = " ; ".join(day.strftime(f) for f in formats)
    text = f"Fiche ROME {letter}{number}, le {dates}, en {year}."
    assert find_personal_data(text) == []


@given(st.text(alphabet="0123456789", min_size=8, max_size=14))
def test_digits_in_a_url_path_are_not_a_phone(digits: str) -> None:
    text = f"voir https://journal.example.org/archives/0{digits}/article et https://x.example.org/+33{digits}"
    assert find_personal_data(text) == []


# --- the content check: the example and every fixture pass -----------------------------------------


def test_example_content_has_no_personal_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["privacy-check", "--content", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out == "Aucune donnée personnelle trouvée.\n"
    assert main(["validate", "--content", str(EXAMPLE)]) == 0


def test_messages_never_repeat_what_they_found() -> None:
    planted = [
        "camille",
        "06 12",
        "7 98 76",
        "2 69 05",
        "FR76 3000",
        "directrice.reseau",
        "gmail",
        "Fairphone",
    ]
    for expected in INVALID.glob("*/expected*.txt"):
        if "personal-data" in expected.read_text("utf-8") or "media-metadata" in expected.read_text("utf-8"):
            shown = expected.read_text("utf-8")
            assert not any(value in shown for value in planted), expected


def test_privacy_check_on_named_files_outside_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Rappeler Camille au 06 12 34 56 78.\n", "utf-8")
    assert main(["privacy-check", "--content", str(MINIMAL), "--lang", "en", str(notes)]) == 1
    err = capsys.readouterr().err
    assert "notes.md:1:21: personal-data -: phone number in plain text ('06 •• •• •• ••')" in err
    assert "1 problem: fix the lines shown before committing." in err
    assert "34 56" not in err


# --- photo metadata ---------------------------------------------------------------------------------


def _photo(fmt: str = "JPEG", orientation: int | None = None, size: tuple[int, int] = (24, 16)) -> bytes:
    image = PILImage.new("RGB", size, (90, 140, 60))
    for x in range(size[0] // 2):
        image.putpixel((x, 0), (200, 10, 10))
    exif = PILImage.Exif()
    exif[0x010F] = "Fairphone"
    exif[0x8825] = {1: "N", 2: (47.0, 23.0, 10.0), 3: "E", 4: (0.0, 41.0, 5.0)}
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()}
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Author", "Camille Martin")
        options["pnginfo"] = info
    if fmt == "JPEG":
        options["quality"] = 90
    image.save(out, format=fmt, **options)  # type: ignore[arg-type]
    return out.getvalue()


def _pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with PILImage.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_strip_metadata_is_lossless(fmt: str) -> None:
    if fmt == "WEBP" and not PILImage.registered_extensions().get(".webp"):
        pytest.skip("Pillow without WebP")
    photo = _photo(fmt)
    assert "gps" in image_metadata(photo)
    cleaned, reencoded = strip_metadata(photo)
    assert image_metadata(cleaned) == [] and not reencoded
    assert b"Fairphone" not in cleaned and b"Camille" not in cleaned
    assert _pixels(cleaned) == _pixels(photo)
    assert strip_metadata(cleaned) == (cleaned, False)


def test_strip_metadata_turns_a_sideways_photo_upright() -> None:
    photo = _photo("JPEG", orientation=6)  # "rotate 90° clockwise to display"
    cleaned, reencoded = strip_metadata(photo)
    assert reencoded and image_metadata(cleaned) == []
    assert _pixels(cleaned)[0] == (16, 24)


def test_strip_metadata_command_fixes_the_fixture_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(MINIMAL, content)
    shutil.copytree(INVALID / "media-metadata-exif" / "content", content, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--content", "content"]) == 2
    capsys.readouterr()
    assert main(["strip-metadata", "content/media/parcelle-mars.jpg"]) == 0
    assert capsys.readouterr().out == "content/media/parcelle-mars.jpg: métadonnées retirées.\n"
    assert main(["validate", "--content", "content"]) == 0


def test_strip_metadata_refuses_what_is_not_a_photo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "fiche.txt"
    other.write_text("texte", "utf-8")
    assert main(["strip-metadata", "--lang", "en", str(other)]) == 1
    assert "cannot: not a JPEG, PNG or WebP image" in capsys.readouterr().err


# --- the output check -------------------------------------------------------------------------------


def _site_with_templates(tmp_path: Path, plant: str) -> tuple[Path, Path, Path]:
    """A copy of the minimal content and of the templates, `plant` added to every page."""
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(MINIMAL, content)
    shutil.copytree(REPO / "templates", templates)
    base = templates / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", f"<p>{plant}</p></body>"), "utf-8")
    return content, templates, tmp_path / "site"


def test_output_scan_refuses_a_planted_address_and_keeps_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from badgegen import pipeline

    _, templates, out = _site_with_templates(tmp_path, "Écrire à camille.martin@exemple.fr")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", "content", "--out", "site"]) == 0  # the usual templates
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    config = pipeline.BuildConfig(content=Path("content"), out=Path("site"), templates=templates)
    with pytest.raises(privacy.PublishedPersonalData) as caught:
        pipeline.build(config)
    message = caught.value.format_message("fr")
    assert caught.value.exit_code == 2
    assert "site/index.html:" in message
    assert "published-personal-data: adresse e-mail en clair (c…@e…) dans le site construit." in message
    assert "camille" not in message and "exemple.fr" not in message
    assert message.splitlines()[-1].endswith(": rien n'a été publié, l'ancien site reste en place.")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # The refused build was written into the next tree only (and the cache): never into site/.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".badgegen-cache",
        ".site.next",
        "content",
        "site",
        "templates",
    ]


def test_output_scan_allows_the_public_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from badgegen import pipeline

    content, templates, out = _site_with_templates(tmp_path, "contact@atelier.example.org, 2026-03-14")
    monkeypatch.chdir(tmp_path)
    config = pipeline.BuildConfig(content=content, out=out, templates=templates)
    assert pipeline.build(config).files


def test_build_command_exits_2_on_output_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line: what an image or a template would leak stops the build."""
    from badgegen import cli, pipeline

    _, templates, _ = _site_with_templates(tmp_path, "")
    (templates / "static" / "credits.txt").write_text("Photos : Camille, +33 6 12 34 56 78\n", "utf-8")
    monkeypatch.setattr(cli, "BuildConfig", functools.partial(pipeline.BuildConfig, templates=templates))
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--content", "content", "--out", "site", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "site/static/credits.txt:1:19: published-personal-data: phone number in plain text (+33 6 •• •• •• ••) in the built site.",
        "    → fix: find where this text comes from (page templates in templates/, static files, a badge image) and remove it.",
        "1 problem in the built site: nothing was published, the previous site stays in place.",
    ]
    assert not (tmp_path / "site").exists()
    # Only the next tree (never served) holds the refused files; the cache keeps only the
    # prepared images and parsed files (the output manifests: by successful builds only).
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".badgegen-cache",
        ".site.next",
        "content",
        "templates",
    ]
    assert sorted(p.name for p in (tmp_path / ".badgegen-cache").iterdir()) == [
        "README.txt",
        "images.pickle",
        "parsed-new.pickle",
        "parsed.pickle",
    ]


def test_output_scan_reads_images(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    png = _pixels_png()
    (staging / "baked.png").write_bytes(bake.bake_png(png, '{"recipient": "camille@exemple.fr"}'))
    (staging / "clean-baked.png").write_bytes(bake.bake_png(png, '{"email": "contact@atelier.example.org"}'))
    (staging / "photo.jpg").write_bytes(_photo("JPEG"))
    (staging / "tagged.png").write_bytes(_photo("PNG"))
    problems = privacy.scan_output(staging, ALLOWED, "site")
    assert [p.format("en").splitlines()[0] for p in problems] == [
        "site/baked.png:1:1: published-personal-data: e-mail address in plain text (c…@e…) in the built site.",
        "site/photo.jpg:1:1: published-metadata: the image holds metadata (EXIF, GPS position, camera) that would be published.",
        "site/tagged.png:1:1: published-metadata: the image holds metadata (EXIF, GPS position, camera, embedded text) that would be published.",
    ]


def _pixels_png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (4, 4), (1, 2, 3)).save(out, format="PNG")
    return out.getvalue()


def test_a_refused_check_leaves_the_live_site_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("ancien site", "utf-8")

    def refuse() -> None:
        assert (next_tree(out) / "index.html").read_text("utf-8") == "nouveau site"
        raise privacy.PublishedPersonalData([])

    with pytest.raises(privacy.PublishedPersonalData), updated_output(out, {}, check=refuse) as writer:
        writer.write("index.html", b"nouveau site")
    assert (out / "index.html").read_text("utf-8") == "ancien site"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.next", "site"]  # never flipped live


def test_output_scan_cost_on_the_example(tmp_path: Path) -> None:
    """The scan of the whole example site stays a small part of its build."""
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    assert main(["build", "--content", str(content), "--out", str(out)]) == 0
    started = time.perf_counter()
    assert privacy.scan_output(out, frozenset(), "site")  # without the allow-list, it finds the issuers
    assert time.perf_counter() - started < 1.0


# --- the git pre-commit hook ------------------------------------------------------------------------


def _git_env(home: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Coordinatrice",
        "GIT_AUTHOR_EMAIL": "coordination@example.org",
        "GIT_COMMITTER_NAME": "Coordinatrice",
        "GIT_COMMITTER_EMAIL": "coordination@example.org",
        "PYTHONPATH": str(Path(badgegen.__file__).resolve().parent.parent),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("BADGEGEN_LANG", None)
    return env


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        env=_git_env(repo.parent),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "registre"
    repo.mkdir()
    assert _git(repo, "init", "-q", "-b", "main").returncode == 0
    shutil.copytree(MINIMAL, repo / "content")
    assert _git(repo, "add", "content").returncode == 0
    assert _git(repo, "commit", "-q", "--no-verify", "-m", "contenu initial").returncode == 0
    return repo


def _install(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "badgegen", "hook", "install", *args],
        cwd=repo,
        env=_git_env(repo.parent),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_hook_install_is_idempotent_and_keeps_other_hooks(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    first = _install(repo)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Hook installé : .git/hooks/pre-commit. Chaque « git commit » vérifie")
    assert hook.read_text("utf-8") == hook_script(sys.executable)
    assert os.access(hook, os.X_OK)
    again = _install(repo)
    assert again.stdout.startswith("Hook déjà installé : ")
    hook.write_text("#!/bin/sh\necho autre hook\n", "utf-8")
    refused = _install(repo)
    assert refused.returncode == 1
    assert "Un autre hook pre-commit existe déjà" in refused.stderr
    assert hook.read_text("utf-8") == "#!/bin/sh\necho autre hook\n"
    forced = _install(repo, "--force")
    assert forced.returncode == 0 and HOOK_MARKER in hook.read_text("utf-8")
    assert (hook.parent / "pre-commit.before-badgegen").read_text("utf-8") == "#!/bin/sh\necho autre hook\n"


def test_hook_blocks_a_commit_with_personal_data(repo: Path) -> None:
    assert _install(repo).returncode == 0
    award = repo / "content/awards/2026/uctxbijzo3dbyj52puuw.yaml"
    clean = award.read_text("utf-8")
    award.write_text(
        clean.replace("pendant un mois.", "pendant un mois. Contact : camille.martin@exemple.fr"), "utf-8"
    )
    assert _git(repo, "add", "content").returncode == 0
    refused = _git(repo, "commit", "-m", "attribution")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "content/awards/2026/uctxbijzo3dbyj52puuw.yaml:7:75: personal-data narrative: adresse e-mail en clair "
        "(« c…@e… ») : ce qui est écrit ici est publié et reste dans l'historique du dépôt.",
        "    → correction : retirez cette adresse e-mail : une attribution ne contient jamais l'adresse de la "
        "personne (badgegen award la remplace par une empreinte).",
        "Commit refusé : 1 problème de données personnelles dans les fichiers ci-dessus.",
        "Tout ce qui est commité est publié et reste dans l'historique du dépôt, même supprimé ensuite.",
        "Corrigez chaque ligne indiquée, refaites « git add » sur ces fichiers, puis « git commit ».",
    ]
    assert "camille" not in refused.stdout + refused.stderr

    public = clean.replace("pendant un mois.", "pendant un mois. Contact : contact@atelier.example.org")
    award.write_text(public, "utf-8")  # fixed in the working copy, but not staged yet
    assert _git(repo, "commit", "-m", "attribution").returncode == 1, "the staged version is checked"
    assert _git(repo, "add", "content").returncode == 0
    accepted = _git(repo, "commit", "-m", "attribution")
    assert accepted.returncode == 0, accepted.stderr


def test_hook_blocks_spreadsheets_anywhere_and_passes_clean_commits(repo: Path) -> None:
    assert _install(repo).returncode == 0
    (repo / "notes").mkdir()
    (repo / "notes" / "inscriptions.xlsx").write_bytes(b"PK\x03\x04")
    (repo / "notes" / "compte-rendu.md").write_text("Réunion du 14/03/2026 : 06 12 34 56 78\n", "utf-8")
    assert _git(repo, "add", "notes").returncode == 0
    refused = _git(repo, "commit", "-m", "notes")
    assert refused.returncode == 1
    assert refused.stderr.startswith("notes/inscriptions.xlsx:1:1: spreadsheet-in-content -: le tableur")
    assert "compte-rendu.md" not in refused.stderr, "outside content/, only spreadsheets are refused"
    assert _git(repo, "rm", "-q", "--cached", "notes/inscriptions.xlsx").returncode == 0
    badge = repo / "content/badges/arroser-les-plants.yaml"
    badge.write_text(badge.read_text("utf-8") + "# relu le 14/03/2026 (fiche ROME A1414)\n", "utf-8")
    assert _git(repo, "add", "content").returncode == 0
    accepted = _git(repo, "commit", "-m", "relecture")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stderr == ""


def test_privacy_check_staged_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["privacy-check", "--staged", "--lang", "en"]) == 1
    assert "run it inside the git repository" in capsys.readouterr().err
