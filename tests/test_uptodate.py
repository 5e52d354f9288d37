"""A build with nothing to do does nothing, and anything that changes the site makes it build.

One content folder and one output are shared by the steps, in order: each step first
checks that a build right after the previous one has nothing to do (the site left
exactly as it was, the same summary), then changes one input and checks that the
next build runs in full and publishes the change. The two-second "racy" margin is
set to zero here (a file changed in the last two seconds is otherwise not vouched
for), except in the test of that rule; every change below alters a file's size, so
it shows in its status whatever the clock's resolution.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ob3_support import add_signing_key

from badgegen import uptodate
from badgegen.cli import main
from badgegen.ob3 import keys
from badgegen.pipeline import BuildConfig, build
from badgegen.trees import next_tree

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
NOW = "1795953600"  # 2026-11-29T12:00:00Z
EXPIRING = "3zmiiuocrbqukwotd3u3"  # issued 2026-04-22, its badge valid 24 months: expires 2028-04-22
AFTER_EXPIRY = "1840000000"  # 2028-04-22 is 1824249600: this is mid-2028


@pytest.fixture(autouse=True)
def _no_racy_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uptodate, "RACY_MARGIN_NS", 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)


def _arguments(content: Path, out: Path) -> list[str]:
    return ["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]


def _build(content: Path, out: Path, *extra: str) -> dict[str, Any]:
    timings = out.parent / "timings.json"
    assert main([*_arguments(content, out), "--timings", str(timings), *extra]) == 0
    figures: dict[str, Any] = json.loads(timings.read_text("utf-8"))
    return figures


def _state(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of the live site with its inode and modification time: any write shows."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("uptodate")
    content = root / "content"
    shutil.copytree(EXAMPLE, content)
    yield content, root / "site"


def test_a_build_with_nothing_changed_does_nothing(
    workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = workspace
    first = _build(content, out)
    assert not first["up_to_date"] and first["files"] > 200
    capsys.readouterr()
    before = _state(out)
    again = _build(content, out)
    assert again["up_to_date"]
    assert (again["files"], again["bytes"]) == (first["files"], first["bytes"])
    assert again["files_written"] == 0 and again["units_produced"] == 0
    assert _state(out) == before
    printed = capsys.readouterr().out
    assert "Site déjà à jour dans" in printed and f"({first['files']} fichiers, " in printed


def _append_comment(file: Path) -> None:
    file.write_text(file.read_text("utf-8") + "# relu\n", "utf-8")


def _award_file(content: Path, award_id: str) -> Path:
    return next(content.glob(f"awards/*/{award_id}.yaml"))


def _change_award(content: Path, out: Path, workspace: Path) -> str:
    file = _award_file(content, EXPIRING)
    file.write_text(file.read_text("utf-8").replace("pendant deux mois", "pendant trois mois"), "utf-8")
    return "pendant trois mois"


def _add_media(content: Path, out: Path, workspace: Path) -> None:
    shutil.copy(next((content / "media").iterdir()), content / "media" / "copie.jpg")


def _remove_media(content: Path, out: Path, workspace: Path) -> None:
    (content / "media" / "copie.jpg").unlink()


def _comment_only(content: Path, out: Path, workspace: Path) -> None:
    _append_comment(content / "registry.yaml")  # nothing published changes: still a full check


def _delete_live_site(content: Path, out: Path, workspace: Path) -> None:
    shutil.rmtree(out)


def _delete_next_tree(content: Path, out: Path, workspace: Path) -> None:
    shutil.rmtree(next_tree(out))


CHANGES: list[tuple[str, Callable[[Path, Path, Path], Any]]] = [
    ("award", _change_award),
    ("new-media", _add_media),
    ("removed-media", _remove_media),
    ("comment", _comment_only),
    ("next-tree-deleted", _delete_next_tree),
    ("live-site-deleted", _delete_live_site),
]


@pytest.mark.parametrize(("name", "change"), CHANGES, ids=[name for name, _ in CHANGES])
def test_any_change_of_the_content_or_the_trees_builds(
    workspace: tuple[Path, Path], name: str, change: Callable[[Path, Path, Path], Any]
) -> None:
    content, out = workspace
    _build(content, out)
    assert _build(content, out)["up_to_date"]
    expected = change(content, out, out.parent)
    figures = _build(content, out)
    assert not figures["up_to_date"], name
    if expected is not None:
        page = (out / "assertions" / EXPIRING / "index.html").read_text("utf-8")
        assert expected in page
    assert _build(content, out)["up_to_date"], "and the build after has nothing to do again"


def test_other_options_build(workspace: tuple[Path, Path]) -> None:
    content, out = workspace
    _build(content, out)
    assert _build(content, out)["up_to_date"]
    assert not _build(content, out, "--strict")["up_to_date"]
    assert _build(content, out, "--strict")["up_to_date"]
    args = ["build", "--content", str(content), "--out", str(out), "--frozen-ledger"]
    timings = out.parent / "other-base.json"
    assert main([*args, "--base-url", "https://autre.example.org/", "--timings", str(timings)]) == 0
    assert not json.loads(timings.read_text("utf-8"))["up_to_date"]
    assert "https://autre.example.org/" in (out / "sitemap.xml").read_text("utf-8")
    assert not _build(content, out)["up_to_date"]


def test_a_new_template_builds(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, out = workspace
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    config = BuildConfig(content=content, out=out, base_url=BASE, templates=templates, update_ledger=False)
    assert build(config).up_to_date is None
    assert build(config).up_to_date is not None
    base = templates / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<!-- relu --></body>", 1), "utf-8")
    assert build(config).up_to_date is None
    assert "<!-- relu -->" in (out / "index.html").read_text("utf-8")


def test_a_signing_key_builds(
    workspace: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = workspace
    shutil.copytree(content, tmp_path / "content")
    content = tmp_path / "content"
    secret, _public = add_signing_key(content)
    _build(content, out)  # the key is in registry.yaml but not given: nothing signed
    assert _build(content, out)["up_to_date"]
    assert not (out / "ob3").exists()
    monkeypatch.setenv(keys.ENV_KEY, secret)
    figures = _build(content, out)
    assert not figures["up_to_date"] and figures["signed"] > 0
    again = _build(content, out)
    assert again["up_to_date"] and again["signed"] == figures["signed"]
    other, _ = keys.generate()
    monkeypatch.setenv(keys.ENV_KEY, other)  # not the key of registry.yaml: the build must refuse it
    assert main(_arguments(content, out)) != 0


def test_an_expiry_between_two_builds_builds(
    workspace: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, out = workspace
    _build(content, out)
    assert _build(content, out)["up_to_date"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW) + 86400))  # a day later: no status changes
    assert _build(content, out)["up_to_date"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AFTER_EXPIRY)
    assert not _build(content, out)["up_to_date"]
    page = (out / "assertions" / EXPIRING / "index.html").read_text("utf-8")
    assert "expiré" in page.lower()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)  # back in time: statuses would differ again
    assert not _build(content, out)["up_to_date"]
    assert "expiré" not in (out / "assertions" / EXPIRING / "index.html").read_text("utf-8").lower()


def test_a_failed_build_leaves_no_stamp(workspace: tuple[Path, Path]) -> None:
    content, out = workspace
    _build(content, out)
    stamp = out.parent / ".badgegen-cache" / uptodate.STAMP_NAME
    assert stamp.is_file()
    registry = content / "registry.yaml"
    text = registry.read_text("utf-8")
    registry.write_text(text + "inconnu: 1\n", "utf-8")
    try:
        assert main(_arguments(content, out)) == 2
        assert not stamp.exists()
    finally:
        registry.write_text(text, "utf-8")
    assert not _build(content, out)["up_to_date"]


def test_without_cache_nothing_is_remembered(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    content, _out = workspace
    out = tmp_path / "site"
    _build(content, out, "--no-cache")
    assert not _build(content, out, "--no-cache")["up_to_date"]


def _coarse_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """File statuses whose times never change: a clock too coarse to see two writes apart."""
    real = uptodate._status

    def coarse(path: str) -> tuple[int, ...] | None:
        found = real(path)
        return None if found is None else (found[0], 0, 0, found[3], found[4])

    monkeypatch.setattr(uptodate, "_status", coarse)


def _same_size_change(file: Path) -> None:
    text = file.read_text("utf-8")
    assert "Lou" in text
    file.write_text(text.replace("Lou", "Lea", 1), "utf-8")


def test_a_file_changed_just_before_the_build_is_vouched_for_by_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written less than two seconds before a build could be written again in the
    same tick of the clock without its status changing: its bytes are hashed before the
    build reads them, and the next build is up to date only if they are the same."""
    monkeypatch.setattr(uptodate, "RACY_MARGIN_NS", 10**30)  # every file is fresh
    _coarse_clock(monkeypatch)
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    _build(content, out)
    assert _build(content, out)["up_to_date"], "fresh, but the same bytes"
    _same_size_change(content / "earners" / "lou.yaml")  # the status does not show it
    assert not _build(content, out)["up_to_date"]
    assert "Lea" in (out / "personnes" / "lou" / "index.html").read_text("utf-8")


def test_without_the_fresh_file_rule_such_a_change_would_be_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same change, files taken as settled (no margin): the status alone cannot see it —
    what the rule above is for."""
    _coarse_clock(monkeypatch)
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    _build(content, out)
    _same_size_change(content / "earners" / "lou.yaml")
    assert _build(content, out)["up_to_date"]


def test_the_statuses_digest_is_computed_again_only_when_a_status_changed(tmp_path: Path) -> None:
    """A build asks for it before and after (the ledger and status list looked at again)."""
    (tmp_path / "a.yaml").write_text("a: 1\n", "utf-8")
    ledger_file = tmp_path / "published.txt"
    ledger_file.write_text("x\n", "utf-8")
    inputs = uptodate.scan([tmp_path], [ledger_file])
    before = inputs.statuses_digest()
    inputs.refresh(ledger_file)  # untouched
    assert inputs._digest == before
    ledger_file.write_text("x\ny\n", "utf-8")
    inputs.refresh(ledger_file)
    assert inputs._digest is None
    assert inputs.statuses_digest() != before
    assert inputs.statuses_digest() == uptodate.scan([tmp_path], [ledger_file]).statuses_digest()


@pytest.mark.parametrize(
    "written", [(), ("published.txt",), ("published.txt", "status-list.txt", "gone.txt")]
)
def test_settled_statuses_give_the_same_digest_and_only_the_written_files_stay(
    tmp_path: Path, written: tuple[str, ...]
) -> None:
    """`settle()` lets the statuses of the files the build reads go (about 20 MB at 50 000
    awards): the digest is the one of the statuses as scanned, and a written file looked at
    again changes it as it would change a new scan's."""
    for name in ("a.yaml", "b.yaml", "published.txt", "status-list.txt"):
        (tmp_path / name).write_text(f"{name}\n", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text("c: 1\n", "utf-8")
    files = [tmp_path / name for name in written]
    inputs = uptodate.scan([tmp_path], files)
    whole = inputs.statuses_digest()
    settled = uptodate.scan([tmp_path], files)
    settled.settle()
    assert set(settled.statuses) == {str(f) for f in files if f.exists()}
    assert settled.statuses_digest() == whole
    if files:
        files[0].write_text("changed, longer\n", "utf-8")
        settled.refresh(files[0])
        assert settled.statuses_digest() != whole
        assert settled.statuses_digest() == uptodate.scan([tmp_path], files).statuses_digest()
    with pytest.raises(ValueError, match="not one of the files the build writes"):
        settled.refresh(tmp_path / "a.yaml")


def test_a_damaged_stamp_is_no_stamp(tmp_path: Path) -> None:
    """Each byte of the stamp changed in turn: read as no stamp (or some stamp, which must
    then vouch for its inputs' digest), never a traceback (`MemoryError`, `OverflowError`)."""
    from datetime import UTC, datetime

    outcome = uptodate.Outcome(warnings=(), counts=(1, 2, 3, 4), files=5, bytes=6, signing_id=None, signed=0)
    stamp = uptodate.Stamp(b"d" * 20, datetime(2026, 11, 29, tzinfo=UTC), None, outcome, (("a", b"x" * 20),))
    uptodate.write(tmp_path, stamp)
    stored = tmp_path / uptodate.STAMP_NAME
    good = stored.read_bytes()
    assert uptodate.read(tmp_path) == stamp
    for position in range(len(good)):
        for value in (0x00, 0x7F, 0xFF):
            stored.write_bytes(good[:position] + bytes([value]) + good[position + 1 :])
            found = uptodate.read(tmp_path)
            assert found is None or isinstance(found, uptodate.Stamp)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), min_size=1),
        st.binary(min_size=uptodate.DIGEST_SIZE, max_size=uptodate.DIGEST_SIZE),
        max_size=30,
    )
)
def test_the_fresh_files_of_a_stamp_are_two_objects_that_give_back_every_pair(
    fresh: dict[str, bytes],
) -> None:
    """A build right after a checkout finds every file fresh: the stamp holds their paths and
    digests packed (two objects, not a pickled pair per file), and gives back each pair."""
    packed = uptodate.pack_fresh(fresh)
    assert isinstance(packed[0], str) and isinstance(packed[1], bytes)
    assert list(uptodate.unpack_fresh(packed)) == sorted(fresh.items())


def test_a_stamp_whose_digests_are_not_ours_vouches_for_nothing(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_text("a: 1\n", "utf-8")
    digest = uptodate.streamed_digest(file)
    outcome = uptodate.Outcome(warnings=(), counts=(1, 2, 3, 4), files=5, bytes=6, signing_id=None, signed=0)
    stamp = uptodate.Stamp(b"inputs", datetime(2026, 1, 1, tzinfo=UTC), None, outcome, ("", b""))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for fresh, vouched in [
        ({str(file): digest}, True),
        ({str(file): bytes(len(digest))}, False),
    ]:
        good = replace(stamp, fresh=uptodate.pack_fresh(fresh))
        assert uptodate.still_true(good, b"inputs", now) is vouched
    cut = replace(stamp, fresh=(str(file), digest[:-1]))  # (a digest of another size)
    assert list(uptodate.unpack_fresh(cut.fresh)) == [(str(file), None)]
    assert not uptodate.still_true(cut, b"inputs", now)
