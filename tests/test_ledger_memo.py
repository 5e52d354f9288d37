"""The ledger is checked and recorded again only when the registry's shape or the ledger changed.

`ledger.shape_digest` stands for everything the permanent paths are made of; a build
keeps in its cache that the ledger, as its file then was, held for a registry of that
shape (`ledger.Verified`). These tests show that the digest changes exactly when the
paths do, and that a build trusting the cache still stops on a removed address.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from badgegen import ledger
from badgegen.cli import main
from badgegen.load import load_content
from badgegen.model import Registry
from badgegen.resolve import resolve
from badgegen.timeutil import build_time

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
BASE = "https://registre.example.org/iae/"
AWARD = "l6xa54st3vwuqn55eot2"  # an award of the example (semer-en-plein-champ, a PNG badge)


def _registry(content: Path) -> Registry:
    resolution = resolve(load_content(content), build_time(), None)
    assert resolution.registry is not None, resolution.errors
    return resolution.registry


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text("utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new, 1), "utf-8")


def _award(content: Path, award_id: str = AWARD) -> Path:
    (path,) = content.glob(f"awards/*/{award_id}.yaml")
    return path


#: Changes of the content: the first ones keep every published path, the others do not.
CHANGES: dict[str, Callable[[Path], None]] = {
    "nothing": lambda c: None,
    "narrative": lambda c: _edit(_award(c), "narrative:", "# une note\nnarrative:"),
    "badge text": lambda c: _edit(c / "badges/ponctualite.yaml", "J'arrive à l'heure.", "J'arrive tôt."),
    "new award": lambda c: shutil.copyfile(_award(c), c / "awards/2025/zz7newawardzz7newawa.yaml"),
    "award of an SVG badge": lambda c: _edit(
        _award(c), "badge: semer-en-plein-champ", "badge: preparer-le-sol"
    ),
    "badge without English": lambda c: _edit(c / "badges/ponctualite.yaml", '  en: "I am on time"\n', ""),
    "issuer without logo": lambda c: _edit(
        c / "issuers/jardins-de-la-loire.yaml", "image: jardins-de-la-loire.png\n", ""
    ),
    "no endorsement": lambda c: (c / "endorsements/2026-fei-cvl-badge-semis.yaml").unlink(),
    "no portfolio": lambda c: (c / "earners/lou.yaml").unlink(),
    "French only": lambda c: _edit(
        c / "registry.yaml", "languages:\n  - fr\n  - en\n", "languages:\n  - fr\n"
    ),
}


def test_the_shape_changes_exactly_when_the_permanent_paths_do(tmp_path: Path) -> None:
    registries: dict[str, Registry] = {}
    for name, change in CHANGES.items():
        content = tmp_path / name.replace(" ", "-") / "content"
        shutil.copytree(EXAMPLE, content)
        change(content)
        registries[name] = _registry(content)
    registries["signed"] = replace(registries["nothing"], signed=True)
    facts = {name: (ledger.shape_digest(r), ledger.permanent_paths(r)) for name, r in registries.items()}
    assert facts["narrative"] == facts["badge text"] == facts["nothing"]
    for (one, (shape_one, paths_one)), (other, (shape_other, paths_other)) in itertools.combinations(
        facts.items(), 2
    ):
        assert (shape_one == shape_other) == (paths_one == paths_other), (one, other)
    assert len({shape for shape, _ in facts.values()}) == len(facts) - 2
    for name, registry in registries.items():  # (the list `record` merges: the same paths, once)
        assert list(ledger.sorted_permanent_paths(registry)) == sorted(ledger.permanent_paths(registry)), name


def _build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, *extra])


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the example content, built once (its ledger recorded and remembered)."""
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    assert _build(content, out) == 0
    return content, out


def test_a_build_of_the_same_shape_neither_checks_nor_records_again(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = built
    calls: list[str] = []
    check, record = ledger.check, ledger.record
    monkeypatch.setattr(ledger, "check", lambda *a, **k: calls.append("check") or check(*a, **k))
    monkeypatch.setattr(ledger, "record", lambda *a, **k: calls.append("record") or record(*a, **k))
    CHANGES["narrative"](content)
    assert _build(content, out) == 0
    assert calls == []
    # A new award: checked and recorded.
    CHANGES["new award"](content)
    capsys.readouterr()
    assert _build(content, out) == 0
    assert calls == ["check", "record"]
    assert "4 adresses ajoutées." in capsys.readouterr().out
    assert _build(content, out, "--no-cache") == 0  # (the same bytes with nothing remembered)


def test_a_line_removed_from_the_ledger_by_hand_is_checked_again(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The cache vouches for the ledger file as it was: any write to it means a full check."""
    content, out = built
    published = content / "published.txt"
    before = published.read_text("utf-8")
    published.write_text(before.replace(f"assertions/{AWARD}.json\n", ""), "utf-8")
    assert _build(content, out) == 0
    assert published.read_text("utf-8") == before, "recorded again"
    _award(content).unlink()
    capsys.readouterr()
    assert _build(content, out) == 2
    assert f"{BASE}assertions/{AWARD}.json" in capsys.readouterr().err


def test_a_frozen_build_leaves_the_recording_to_the_next_one(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = built
    CHANGES["new award"](content)
    assert _build(content, out, "--frozen-ledger") == 0
    assert _build(content, out, "--frozen-ledger") == 0  # same shape, same ledger: still incomplete
    capsys.readouterr()
    assert _build(content, out) == 0
    assert "4 adresses ajoutées." in capsys.readouterr().out
