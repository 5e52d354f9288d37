"""The permanence ledger (content/published.txt): nothing once published may vanish.

A verifier keeps an assertion URL for years; a person keeps a link to a page. The
ledger lists every such address; a build that would no longer publish one stops
with `published-url-removed`, naming the URL and what to restore. Revoking keeps
the address answering, so it is the way to withdraw an award.
"""

from __future__ import annotations

import itertools
import json
import shutil
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen import ledger
from badgegen.cli import main
from badgegen.load import load_content
from badgegen.model import Registry
from badgegen.resolve import resolve
from badgegen.timeutil import build_time

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
MINIMAL = REPO / "tests/fixtures/minimal/content"
BASE = "https://registre.example.org/iae/"
AWARD = "l6xa54st3vwuqn55eot2"  # an award of the example (2025, valid, unlisted, not endorsed)


def _registry(content: Path) -> Registry:
    resolution = resolve(load_content(content), build_time(), None)
    assert resolution.registry is not None, resolution.errors
    return resolution.registry


def _build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, *extra])


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A copy of the example content, as published (its ledger complete)."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    return content


def _award_file(content: Path, award_id: str) -> Path:
    (path,) = content.glob(f"awards/*/{award_id}.yaml")
    return path


@pytest.mark.parametrize("content", [EXAMPLE, MINIMAL], ids=["example", "minimal"])
def test_committed_ledger_lists_exactly_what_the_content_publishes(content: Path) -> None:
    """Otherwise building the example (as the tests do) would write into the repository."""
    recorded = ledger.read(content)
    expected = ledger.permanent_paths(_registry(content))
    assert recorded.paths == expected, "run `badgegen build --content …` and commit published.txt"
    assert (content / "published.txt").read_bytes() == ledger.render(expected)


def test_ledger_bytes_are_deterministic(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first publication writes the header and the sorted paths; the same content, the same bytes."""
    committed = (published / "published.txt").read_bytes()
    (published / "published.txt").unlink()
    assert _build(published, tmp_path / "site") == 0
    assert "Registre des adresses publiées (" in capsys.readouterr().out
    first = (published / "published.txt").read_bytes()
    assert first == committed
    text = first.decode("utf-8")
    assert text.startswith("# Adresses publiées du registre")
    paths = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert paths == sorted(set(paths))
    assert _build(published, tmp_path / "site") == 0
    assert (published / "published.txt").read_bytes() == first
    assert "à jour" in capsys.readouterr().out


def test_every_ledger_path_is_a_built_file(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert _build(EXAMPLE, out, "--frozen-ledger") == 0
    for path in ledger.read(EXAMPLE).paths:
        file = out / (path + "index.html" if path.endswith("/") else path)
        assert file.is_file(), path
    kinds = {ledger.owner(path)[0] for path in ledger.read(EXAMPLE).paths}
    assert kinds == {"award", "badge", "issuer", "endorsement", "media", "earner"}


def test_listing_pages_and_assets_are_not_in_the_ledger() -> None:
    paths = ledger.read(EXAMPLE).paths
    for always_there in ("", "en/", "badges/", "issuers/", "404.html", "sitemap.xml", "robots.txt"):
        assert always_there not in paths
    assert not any(path.startswith("static/") for path in paths)


def test_deleted_award_is_an_error_naming_its_url(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert _build(published, out) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    ledger_before = (published / "published.txt").read_bytes()
    _award_file(published, AWARD).unlink()
    capsys.readouterr()
    assert _build(published, out) == 2
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "published-url-removed" in line)
    assert line.startswith("content/published.txt:") or "/content/published.txt:" in line
    assert f"{BASE}assertions/{AWARD}.json" in line
    assert f"content/awards/<année>/{AWARD}.yaml" in err
    assert f"« badgegen revoke {AWARD} --reason … »" in err
    assert err.rstrip().endswith("1 erreur dans le contenu : rien n'a été publié.")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert (published / "published.txt").read_bytes() == ledger_before


def test_deleted_award_is_reported_even_beside_other_errors(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _award_file(published, AWARD).unlink()
    badge = published / "badges/ponctualite.yaml"
    badge.write_text(badge.read_text("utf-8").replace("family:", "famile:"), "utf-8")
    assert main(["validate", "--content", str(published), "--base-url", BASE]) == 2
    err = capsys.readouterr().err
    assert "famile" in err
    assert f"{BASE}assertions/{AWARD}.json" in err


def test_revoking_instead_of_deleting_keeps_the_url_answering(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    award = _award_file(published, AWARD)
    award.write_text(
        award.read_text("utf-8") + 'revoked:\n  "on": "2026-11-20"\n  reason: "Attribué par erreur"\n',
        "utf-8",
    )
    assert _build(published, out) == 0
    assert "à jour" in capsys.readouterr().out, "a revoked award publishes the same addresses"
    document = json.loads((out / f"assertions/{AWARD}.json").read_text("utf-8"))
    assert document["revoked"] is True and document["revocationReason"] == "Attribué par erreur"
    assert (out / f"assertions/{AWARD}.png").is_file()
    issuer_url = json.loads((out / "badges/semer-en-plein-champ.json").read_text("utf-8"))["issuer"]
    profile = json.loads((out / issuer_url.removeprefix(BASE)).read_text("utf-8"))
    revocations = json.loads((out / profile["revocationList"].removeprefix(BASE)).read_text("utf-8"))
    assert {"id": f"{BASE}assertions/{AWARD}.json", "revocationReason": "Attribué par erreur"} in (
        revocations["revokedAssertions"]
    )


def test_renamed_badge_is_an_error_naming_the_badge_url(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (published / "badges/ponctualite.yaml").rename(published / "badges/ponctualite-au-travail.yaml")
    for award in published.glob("awards/*/*.yaml"):
        award.write_text(
            award.read_text("utf-8").replace("badge: ponctualite\n", "badge: ponctualite-au-travail\n"),
            "utf-8",
        )
    assert _build(published, tmp_path / "site") == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": published-url-removed " in line]
    assert len(errors) == 1, err
    assert f"{BASE}badges/ponctualite.json" in errors[0]
    assert "content/badges/ponctualite.yaml" in err


def test_validate_never_writes_the_ledger(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = published / "awards/2025/zz7newawardzz7newawa.yaml"
    shutil.copyfile(_award_file(published, AWARD), new)
    before = (published / "published.txt").read_bytes()
    assert main(["validate", "--content", str(published)]) == 0
    assert (published / "published.txt").read_bytes() == before
    (published / "published.txt").unlink()
    assert main(["validate", "--content", str(published)]) == 0
    assert not (published / "published.txt").exists()


def test_build_records_new_paths_unless_frozen(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_id = "zz7newawardzz7newawa"
    shutil.copyfile(_award_file(published, AWARD), published / f"awards/2025/{new_id}.yaml")
    before = (published / "published.txt").read_bytes()
    assert _build(published, tmp_path / "site", "--frozen-ledger") == 0
    assert "Registre" not in capsys.readouterr().out
    assert (published / "published.txt").read_bytes() == before
    assert _build(published, tmp_path / "site") == 0
    assert "4 adresses ajoutées." in capsys.readouterr().out
    added = ledger.read(published).paths - {
        line for line in before.decode().splitlines() if line and not line.startswith("#")
    }
    assert added == {
        f"assertions/{new_id}.json",
        f"assertions/{new_id}.png",
        f"assertions/{new_id}/",
        f"en/assertions/{new_id}/",
    }
    assert new_id in ledger.read(published).award_ids()


def test_failed_build_does_not_record(tmp_path: Path, published: Path) -> None:
    shutil.copyfile(_award_file(published, AWARD), published / "awards/2025/zz7newawardzz7newawa.yaml")
    badge = published / "badges/ponctualite.yaml"
    badge.write_text(badge.read_text("utf-8").replace("family:", "famile:"), "utf-8")
    before = (published / "published.txt").read_bytes()
    assert _build(published, tmp_path / "site") == 2
    assert (published / "published.txt").read_bytes() == before
    assert sorted(p.name for p in published.iterdir() if p.name.startswith(".")) == []


def test_withdrawing_a_media_file_on_purpose_means_removing_its_line(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Personal data may have to go: the deliberate way is to drop its ledger line too (seen in review)."""
    award = _award_file(published, "fib3wiaxgkdopbsxl7nt")
    award.write_text(
        award.read_text("utf-8").replace(
            '    file: "parcelle-semis-mars-2026.jpg"\n',
            '    file: "parcelle-semis-mars-2026.jpg"\n    private: true\n',
        ),
        "utf-8",
    )
    assert _build(published, tmp_path / "site") == 2
    assert f"{BASE}media/parcelle-semis-mars-2026.jpg" in capsys.readouterr().err
    file = published / "published.txt"
    file.write_text(file.read_text("utf-8").replace("media/parcelle-semis-mars-2026.jpg\n", ""), "utf-8")
    assert _build(published, tmp_path / "site") == 0
    assert not (tmp_path / "site/media/parcelle-semis-mars-2026.jpg").exists()
    assert "media/parcelle-semis-mars-2026.jpg" not in file.read_text("utf-8")


def test_owner_of_each_kind_of_path() -> None:
    assert ledger.owner("assertions/abc.json") == ("award", "abc")
    assert ledger.owner("en/assertions/abc/") == ("award", "abc")
    assert ledger.owner("en/badges/semer.json") == ("badge", "semer")
    assert ledger.owner("issuers/ligue/revocations.json") == ("issuer", "ligue")
    assert ledger.owner("issuers/ligue.svg") == ("issuer", "ligue")
    assert ledger.owner("endorsements/2026-x.json") == ("endorsement", "2026-x")
    assert ledger.owner("media/photo.jpg") == ("media", "photo.jpg")
    assert ledger.owner("static/style.css") == ("other", "static/style.css")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"))),
    st.integers(1, 5),
)
def test_the_ledger_file_is_the_header_then_each_path_once_sorted(paths: list[str], lines: int) -> None:
    """`render` joins without copying each path, and `record` writes its pieces a few lines at
    a time (`render_pieces`); the bytes are those of the plain formula, for a list, a set or a
    frozenset, whatever the number of lines a piece holds."""
    expected = (ledger.HEADER + "".join(f"{path}\n" for path in sorted(set(paths)))).encode("utf-8")
    original = ledger.RENDER_LINES
    try:
        ledger.RENDER_LINES = lines
        assert (
            ledger.render(paths) == ledger.render(set(paths)) == ledger.render(frozenset(paths)) == expected
        )
        assert all(piece for piece in ledger.render_pieces(paths))
    finally:
        ledger.RENDER_LINES = original


_LEDGER_PATHS = st.sampled_from(
    ["assertions/a.json", "assertions/b.png", "badges/x/", "en/badges/x/", "z.json"]
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LEDGER_PATHS, max_size=6), planned=st.frozensets(_LEDGER_PATHS))
def test_the_ledger_compared_in_one_pass_says_what_sets_of_its_lines_say(
    lines: list[str], planned: frozenset[str]
) -> None:
    """`compare_sorted` keeps no set of the lines nor of the planned paths (merged, both
    sorted): it answers only for lines sorted without repeats (as `record` writes them), and
    then as the plain formulas do."""
    comparison = ledger.compare_sorted(lines, iter(sorted(planned)))  # (read once, in order)
    in_order = all(a < b for a, b in itertools.pairwise(lines))
    assert (comparison is not None) == in_order
    if comparison is not None:
        assert comparison.missing == set(lines) - planned
        assert comparison.unrecorded == len(planned - set(lines))
    pngs = ledger.compare_sorted(lines, iter(sorted(planned)), lambda path: path.endswith(".png"))
    if pngs is not None:  # (a registry that does not sign leaves its ledger's OB 3.0 lines out)
        assert pngs.missing == {path for path in set(lines) - planned if not path.endswith(".png")}
        assert pngs.unrecorded == len(planned - set(lines))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            _LEDGER_PATHS,
            st.sampled_from(["", "# comment", "  badges/y/  ", "a\u2028b", "c\x0cd", "e\x85f"]),
        ),
        max_size=8,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_the_ledger_read_line_by_line_has_the_lines_read_whole(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], newline: str
) -> None:
    content = tmp_path_factory.mktemp("content")
    ledger.ledger_file(content).write_bytes(newline.join(lines).encode("utf-8"))
    assert list(dict.fromkeys(ledger._ledger_paths(ledger.ledger_file(content)))) == list(
        ledger.read(content).lines
    )


@settings(max_examples=300, deadline=None)
@given(
    lines=st.none()
    | st.lists(
        st.one_of(
            _LEDGER_PATHS,
            st.sampled_from(["", "# comment", "  badges/y/  ", "a\u2028b", "zz/é.json"]),
        ),
        max_size=8,
    ),
    planned=st.frozensets(_LEDGER_PATHS | st.just("media/ç.mp3")),
    newline=st.sampled_from(["\n", "\r\n"]),
    in_order=st.booleans(),
)
def test_recording_merges_the_ledger_as_the_plain_formula_says(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str] | None,
    planned: frozenset[str],
    newline: str,
    in_order: bool,
) -> None:
    """`record` merges a sorted ledger with the sorted paths as it reads it (a ledger out of
    order, or with a path twice, is read whole): either way, the file is the plain formula's
    `render(ledger ∪ planned)` when a path is new, and is not touched otherwise."""
    content = tmp_path_factory.mktemp("content")
    file = ledger.ledger_file(content)
    if lines is not None:
        if in_order:  # (as `record` writes it: sorted, each once; comments and blank lines kept)
            lines = sorted(set(lines), key=lambda line: line.strip())
        file.write_bytes(newline.join(lines).encode("utf-8"))
    before = set(ledger.read(content).lines)
    original = file.read_bytes() if file.exists() else None
    ledger.forget_reads()
    written = {(p + "index.html" if p.endswith("/") else p): 1 for p in planned}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger, "_path_families", lambda registry: [([*planned, *planned], str)])
        patch.setattr(ledger, "RENDER_LINES", 2)
        added = ledger.record(content, None, written)  # type: ignore[arg-type]
    assert added == len(planned - before)
    if added:
        assert file.read_bytes() == ledger.render(before | planned)
    else:
        assert (file.read_bytes() if file.exists() else None) == original
    assert [p.name for p in content.iterdir()] == ([file.name] if file.exists() else [])  # (no leftover)


def test_a_ledger_that_cannot_be_read_is_never_taken_for_an_empty_one(tmp_path: Path) -> None:
    """An unreadable ledger (here a link to itself: root reads any file) stops the recording:
    writing the registry's paths alone would drop every path published before."""
    file = ledger.ledger_file(tmp_path)
    file.symlink_to(file.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger, "_path_families", lambda registry: [(["assertions/a.json"], str)])
        with pytest.raises(OSError):
            ledger.record(tmp_path, None, {"assertions/a.json": 1})  # type: ignore[arg-type]
    assert file.is_symlink() and [p.name for p in tmp_path.iterdir()] == [file.name]


_LEDGER_PATHS = st.sampled_from(
    ["a/", "a/index.html", "a.json", "a/b/", "a/b/index.html", "b", "b/", "ab/", "a-/"]
)


@settings(max_examples=300, deadline=None)
@given(ordered=st.lists(_LEDGER_PATHS, unique=True), written=st.lists(_LEDGER_PATHS, unique=True))
def test_the_paths_not_written_are_those_a_lookup_by_path_finds(
    ordered: list[str], written: list[str]
) -> None:
    """`ledger.not_written` (a binary search in the written paths sorted, not a set of them):
    a trailing `/` is its `index.html`, and the paths missing come out in the ledger's order."""
    ordered = sorted(ordered)
    missing = [
        path for path in ordered if (path + "index.html" if path.endswith("/") else path) not in set(written)
    ]
    assert ledger.not_written(iter(ordered), iter(written)) == missing


#: Families of paths as `_path_families` gives them: objects, and what makes each one's path.
_FAMILY_PATHS = (str, lambda text: f"assertions/{text}.json", lambda text: f"en/assertions/{text}/")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.text(alphabet="ab-./", max_size=4)), st.sampled_from(range(len(_FAMILY_PATHS)))
        ),
        max_size=5,
    )
)
def test_the_permanent_paths_come_sorted_each_once_from_their_families(families: list[Any]) -> None:
    """`sorted_permanent_paths` merges the families, each sorted by its paths, not by its
    objects (`ab` comes before `ab-x`, but `assertions/ab.json` after `assertions/ab-x.json`),
    into the sorted set of every path they make."""
    made = [(objects, _FAMILY_PATHS[index]) for objects, index in families]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger, "_path_families", lambda registry: made)
        merged = list(ledger.sorted_permanent_paths(None))  # type: ignore[arg-type]
        assert merged == sorted(ledger.permanent_paths(None))  # type: ignore[arg-type]
    assert merged == sorted({path_of(o) for objects, path_of in made for o in objects})


def test_the_permanent_paths_are_never_all_made_at_once() -> None:
    """Four families of 100 000 awards' paths: as one list they would hold every path."""
    objects = [f"{number:020d}" for number in range(100_000)]
    paths = (lambda i: f"assertions/{i}.json", lambda i: f"assertions/{i}.png", lambda i: f"assertions/{i}/")
    made = [(objects, path_of) for path_of in (*paths, lambda i: f"en/assertions/{i}/")]
    every_path = sum(sys.getsizeof(path_of(objects[0])) for _, path_of in made) * len(objects)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger, "_path_families", lambda registry: made)
        tracemalloc.start()
        try:
            count = sum(1 for _ in ledger.sorted_permanent_paths(None))  # type: ignore[arg-type]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert count == 4 * len(objects)
    assert peak < every_path / 2, (peak, every_path)


def test_a_build_that_would_record_a_path_it_did_not_write_is_refused(tmp_path: Path) -> None:
    from badgegen.errors import BuildError
    from badgegen.pipeline import BuildConfig, check

    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "published.txt").unlink(missing_ok=True)
    registry = check(BuildConfig(content=content, out=tmp_path / "site")).registry
    assert registry is not None
    written = {
        path + "index.html" if path.endswith("/") else path: 1 for path in ledger.permanent_paths(registry)
    }
    dropped = sorted(written)[3]
    del written[dropped]
    with pytest.raises(BuildError, match="did not write"):
        ledger.record(content, registry, written)
    assert not (content / "published.txt").exists()
