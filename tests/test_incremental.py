"""Incremental builds give exactly the bytes of a clean build, and skip what did not change.

Each step changes one kind of content (an award, a badge class, an issuer, an
endorsement, a portfolio, the registry itself, a template…), then builds twice:
incrementally (the cache and both output trees of the steps before) and from
nothing (`--no-cache`, a new folder). The two sites must be identical, file for
file, byte for byte — Pagefind's filter files aside (not byte-deterministic, see
tests/test_build.py). The counts of `--timings` say what the incremental build
kept, produced and wrote.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ob3_support import add_signing_key

from badgegen import uptodate
from badgegen.cli import main
from badgegen.ob3 import keys
from badgegen.trees import next_tree

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
AWARD = "3zmiiuocrbqukwotd3u3"  # listed, endorsed, with evidence


def _files(folder: Path) -> dict[str, bytes]:
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return {path: data for path, data in found.items() if not _pagefind_unstable(path)}


def _pagefind_unstable(path: str) -> bool:
    """Pagefind's files that differ between two runs on the same pages (in every part)."""
    bundle = (
        path[: path.index("/", len("pagefind/part-")) + 1]
        if path.startswith("pagefind/part-")
        else "pagefind/"
    )
    inside = path.removeprefix(bundle)
    return path.startswith("pagefind/") and (
        inside.startswith("filter/")
        or inside == "pagefind-entry.json"
        or (inside.startswith("pagefind.") and inside.endswith(".pf_meta"))
    )


def _build(content: Path, out: Path, *extra: str) -> dict[str, Any]:
    timings = out.parent / f"{out.name}-timings.json"
    args = ["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
    assert main([*args, "--timings", str(timings), *extra]) == 0
    figures: dict[str, Any] = json.loads(timings.read_text("utf-8"))
    return figures


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text("utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), "utf-8")


def _first_line_value(file: Path, key: str) -> str:
    for line in file.read_text("utf-8").splitlines():
        if line.startswith(f"{key}:"):
            return line
    raise AssertionError(f"no {key} in {file}")


def _award_file(content: Path, award_id: str) -> Path:
    return next(content.glob(f"awards/*/{award_id}.yaml"))


def _change_award(content: Path) -> None:
    _replace(_award_file(content, AWARD), "pendant deux mois", "pendant trois mois")


def _change_badge(content: Path) -> None:
    _replace(content / "badges/ponctualite.yaml", "ponctuel", "ponctuelle et ponctuel")


def _change_issuer(content: Path) -> None:
    issuer = content / "issuers/paysages-du-val.yaml"
    line = _first_line_value(issuer, "name")
    _replace(issuer, line, line.rstrip('"') + ' SCOP"' if line.endswith('"') else line + " SCOP")


def _change_endorsement(content: Path) -> None:
    _replace(content / "endorsements/2026-paysages-du-val-award-espaces-verts.yaml", "stage", "contrat")


def _change_earner(content: Path) -> None:
    _replace(content / "earners/lou.yaml", "name: Lou", "name: Loulou")


def _change_registry(content: Path) -> None:
    _replace(content / "registry.yaml", "Vos compétences comptent.", "Vos compétences comptent beaucoup.")


def _comment_only(content: Path) -> None:
    file = _award_file(content, AWARD)
    file.write_text("# un commentaire ne change rien de publié\n" + file.read_text("utf-8"), "utf-8")


def _add_award(content: Path) -> None:
    source = _award_file(content, AWARD)
    text = source.read_text("utf-8").replace("6d5fd6f4", "7d5fd7f4").replace("b8e8d59e", "c8e8d59e")
    (source.parent / "aaaaaaaaaaaaaaaaaaaa.yaml").write_text(text, "utf-8")


def _revoke(content: Path) -> None:
    file = _award_file(content, "qpiymmfbovbbxqqnmike")  # in no portfolio
    file.write_text(
        file.read_text("utf-8") + 'revoked:\n  "on": "2026-11-01"\n  reason: "Attribué par erreur."\n',
        "utf-8",
    )


def _change_media(content: Path) -> None:
    transcript = content / "media" / "podcast-travailler-ensemble-transcription.vtt"
    transcript.write_text(
        transcript.read_text("utf-8") + "\n00:00:09.000 --> 00:00:10.000\nMerci.\n", "utf-8"
    )


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("award", _change_award),
    ("badge", _change_badge),
    ("issuer", _change_issuer),
    ("endorsement", _change_endorsement),
    ("earner", _change_earner),
    ("registry", _change_registry),
    ("comment", _comment_only),
    ("new-award", _add_award),
    ("revoke", _revoke),
    ("media", _change_media),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One content folder and one incremental output, shared by the steps in order."""
    root = tmp_path_factory.mktemp("incremental")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1795953600")
        _build(content, root / "site")
    return content, root / "site"


def _forget_stamp(out: Path) -> None:
    """Make the next build run in full even if nothing changed (`badgegen.uptodate`): what is
    tested here is what the full build keeps, produces and writes."""
    (out.parent / ".badgegen-cache" / uptodate.STAMP_NAME).unlink(missing_ok=True)


def test_a_rebuild_with_nothing_changed_writes_nothing(workspace: tuple[Path, Path]) -> None:
    content, out = workspace
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    _forget_stamp(out)
    figures = _build(content, out)  # fills the next tree (copies from the live one)
    # 15 awards, 2 portfolios, the pages of 7 badge classes and of 5 issuers, 2 media files
    assert figures["units_produced"] == 0 and figures["units_kept"] == 31
    _forget_stamp(out)
    figures = _build(content, out)
    assert figures["files_written"] == 0 and figures["files_copied"] == 0
    assert figures["units_produced"] == 0
    # The live tree of now is the one of two builds ago, untouched since.
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("name", "change"), STEPS, ids=[name for name, _ in STEPS])
def test_incremental_build_equals_a_clean_build(
    workspace: tuple[Path, Path], tmp_path: Path, name: str, change: Callable[[Path], None]
) -> None:
    content, out = workspace
    _forget_stamp(out)
    _build(content, out)  # both trees and the cache are up to date with the step before
    live_before = _files(out)
    change(content)
    figures = _build(content, out)
    # The site that was live is now the next tree, untouched: files shared by both trees (hard
    # links) are replaced by new files when they change, never rewritten in place.
    assert _files(next_tree(out)) == live_before
    clean = tmp_path / "clean"
    _build(content, clean, "--no-cache")
    incremental, expected = _files(out), _files(clean)
    assert incremental.keys() == expected.keys()
    assert [path for path in expected if incremental[path] != expected[path]] == []
    if name == "comment":
        assert figures["units_produced"] == 0 and figures["files_written"] == 0
    if name == "media":
        assert (
            (out / "media" / "podcast-travailler-ensemble-transcription.vtt")
            .read_text("utf-8")
            .endswith("Merci.\n")
        )
    if name in ("award", "new-award", "revoke", "earner", "endorsement"):
        # That award (or portfolio), the portfolio that shows it (or its awards), the pages of
        # their badges (listed awards list on them) or of an endorser: a few of the 31 units.
        assert 1 <= figures["units_produced"] <= 8, figures
    assert not next_tree(clean).exists(), "a first build makes no next tree"


def test_a_deleted_cache_or_tree_changes_nothing(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    """The cache is never needed: without it, or without the next tree, the bytes are the same."""
    content, out = workspace
    # Both trees first hold this content: the next tree may still hold the step before's, and
    # its changed files would count as written below, on top of Pagefind's unstable ones.
    for _ in range(2):
        _forget_stamp(out)
        _build(content, out)
    reference = _files(out)
    shutil.rmtree(out.parent / ".badgegen-cache")
    figures = _build(content, out)  # unknown trees: compared by reading, every unit produced
    # Pagefind ran again (its cache entry is gone): only its unstable files may differ.
    unstable = [p for p in out.rglob("*") if _pagefind_unstable(p.relative_to(out).as_posix())]
    assert figures["units_kept"] == 0 and figures["files_written"] <= len(unstable)
    assert _files(out) == reference
    shutil.rmtree(next_tree(out))
    _build(content, out)
    assert _files(out) == reference


class Killed(BaseException):
    """A build killed where it stands (no handler of `Exception` takes it)."""


@pytest.mark.parametrize("at", ["unit-records", "tree-files", "trees-saved"])
def test_a_build_killed_after_its_flip_leaves_no_wrong_byte_for_later_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    """Three versions of an award, the third built by a build killed as it saves the cache
    (its site flipped live already), then the first again: every build after it publishes
    the bytes of a clean build. Before the mark saved last (`pipeline.TREES_SAVED`), the
    cache said the new live tree held the first version's files: two builds later that tree
    was the next one again, and the third version's files stayed in it, published."""
    from badgegen.cache import BuildCache

    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    award = _award_file(content, AWARD)
    first = award.read_text("utf-8")
    assert "pendant deux mois" in first
    out = tmp_path / "site"
    _build(content, out)
    _replace(award, "pendant deux mois", "pendant trois mois")
    _forget_stamp(out)
    _build(content, out)
    _replace(award, "pendant trois mois", "pendant quatre mois")
    save = BuildCache.save

    def killed_at(store: BuildCache, name: str, value: Any, *, any_code: bool = False) -> None:
        if name.startswith(at):
            raise Killed(name)
        save(store, name, value, any_code=any_code)

    with monkeypatch.context() as patch:
        patch.setattr(BuildCache, "save", killed_at)
        with pytest.raises(Killed):
            _build(content, out)
    assert "quatre mois" in (out / "assertions" / AWARD / "index.html").read_text("utf-8")  # (flipped live)
    award.write_text(first, "utf-8")
    clean = tmp_path / "clean"
    _build(content, clean, "--no-cache")
    expected = _files(clean)
    for _ in range(3):
        _forget_stamp(out)
        _build(content, out)
        assert _files(out) == expected


def test_parallel_and_serial_builds_are_identical(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    _build(EXAMPLE, serial, "--no-cache", "--jobs", "1")
    _build(EXAMPLE, parallel, "--no-cache", "--jobs", "2")
    assert _files(serial) == _files(parallel)


def test_signed_incremental_build_equals_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With OB 3.0: unchanged awards are not signed again, and the bytes are a clean build's."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    secret, _public = add_signing_key(content)
    monkeypatch.setenv(keys.ENV_KEY, secret)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    out = tmp_path / "site"
    cold = _build(content, out, "--jobs", "2")
    assert cold["signed"] > 15
    _build(content, out)
    again = _build(content, out)
    assert again["files_written"] == 0 and again["units_produced"] == 0
    assert again["signatures_made"] == 0 and again["signatures_reused"] > 0, "nothing is signed again"
    _change_award(content)
    changed = _build(content, out, "--jobs", "2")
    # The award, Sam's portfolio that shows it, and the pages of its badge (where it is listed).
    assert changed["units_produced"] == 3
    assert changed["signatures_made"] == 1, "only the changed award's credential is signed"
    clean = tmp_path / "clean"
    _build(content, clean, "--no-cache")
    incremental, expected = _files(out), _files(clean)
    assert incremental.keys() == expected.keys()
    assert any(path.endswith(".credential.json") for path in expected)
    assert [path for path in expected if incremental[path] != expected[path]] == []


def test_a_new_version_of_badgegen_rebuilds_every_unit_but_rewrites_no_identical_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units are keyed by the code (a new version produces them again); the output trees'
    manifests are not, so identical bytes are still recognised and left alone."""
    from badgegen import pipeline

    out = tmp_path / "site"
    _build(EXAMPLE, out)
    # The rebuild that fills the next tree: a build with nothing to do would leave it absent.
    _forget_stamp(out)
    _build(EXAMPLE, out)
    assert next_tree(out).is_dir()
    reference = _files(out)
    monkeypatch.setattr(pipeline, "code_fingerprint", lambda templates: b"another version of badgegen")
    figures = _build(EXAMPLE, out)
    assert figures["units_kept"] == 0 and figures["units_produced"] == 31
    unstable = [p for p in out.rglob("*") if _pagefind_unstable(p.relative_to(out).as_posix())]
    assert figures["files_written"] <= len(unstable)  # Pagefind ran again: only its unstable files
    assert _files(out) == reference


def test_a_generated_registry_builds_incrementally_to_the_bytes_of_a_clean_build(tmp_path: Path) -> None:
    """The benchmark's synthetic registry (bench/synth.py), small: 25 issuers, 60 badges, awards
    with evidence, endorsements and portfolios. After changing an award, a badge and an issuer,
    and adding an endorsement, the incremental site is the clean site, byte for byte."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth  # the benchmark's generator
    finally:
        sys.path.remove(str(REPO / "bench"))
    content = synth.generate(tmp_path / "registry", 150, seed=6)
    out = tmp_path / "site"
    _build(content, out, "--search-shard-pages", "40")  # several parts of the search index
    _build(content, out, "--search-shard-pages", "40")
    award = next(
        p for p in sorted(content.glob("awards/*/*.yaml")) if "\nnarrative:\n  fr: |-" in p.read_text()
    )
    synth.touch_text(award, "narrative", "Une ligne ajoutée.")
    badge = sorted(content.glob("badges/*.yaml"))[3]
    synth.touch_text(badge, "description", "Une ligne ajoutée.")
    issuer = sorted(content.glob("issuers/*.yaml"))[5]
    name = _first_line_value(issuer, "name")
    _replace(
        issuer, name, name.rstrip('"') + ' (coopérative)"' if name.endswith('"') else name + " (coopérative)"
    )
    endorsement = sorted(content.glob("endorsements/*.yaml"))[0]
    (endorsement.parent / "zz-copie.yaml").write_text(endorsement.read_text("utf-8"), "utf-8")
    figures = _build(content, out, "--search-shard-pages", "40")
    assert 0 < figures["units_produced"] < figures["units_kept"], figures
    clean = tmp_path / "clean"
    _build(content, clean, "--no-cache", "--search-shard-pages", "40")
    incremental, expected = _files(out), _files(clean)
    assert incremental.keys() == expected.keys()
    assert [path for path in expected if incremental[path] != expected[path]] == []


def test_files_scanned_clean_before_are_scanned_again_once_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build remembers which bytes it found free of personal data (pages made at every
    build are not scanned twice), never a path: a file that changes is scanned again."""
    import functools

    from badgegen import cli, pipeline

    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    monkeypatch.setattr(cli, "BuildConfig", functools.partial(pipeline.BuildConfig, templates=templates))
    out = tmp_path / "site"
    _build(EXAMPLE, out)
    _build(EXAMPLE, out)
    (templates / "static" / "credits.txt").write_text("Photos : Camille, 06 12 34 56 78\n", "utf-8")
    args = ["build", "--content", str(EXAMPLE), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
    capsys.readouterr()
    assert main(args) == 2
    assert "static/credits.txt" in capsys.readouterr().err
