"""Many builds in a row: after every one, the incremental site is the clean site, byte for byte.

`test_incremental.py` changes one kind of content at a time, each time from a fresh pair of
trees. What a long-lived registry goes through is a *sequence*: the two output trees take
turns (each build brings the older one up to date, so it catches up on two builds' changes),
and the build cache grows deltas beside its bases (`memostore`, the trees' manifests, the
units) until one passes 10 % and is folded into a new base. A bug in any of these shows only
after several builds. So here a seeded random sequence of edits (the kinds a coordinator
makes, one to three at a time, with one or two workers) runs on the benchmark's synthetic
registry, and every incremental build is compared with a clean build of the same content.

The sequence is fixed by its seed (the same edits at every run); it found no difference over
50 steps of two other seeds when it was written.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_incremental import _build as build_with_timings
from test_incremental import _files

REPO = Path(__file__).resolve().parent.parent
SEED = 1
STEPS = 8
AWARDS = 120
#: Small parts of the search index, so that the parts are many and only some are redone.
SHARD_PAGES = "30"


def _synth() -> Any:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth  # the benchmark's generator
    finally:
        sys.path.remove(str(REPO / "bench"))
    return synth


class Edits:
    """The edits of the sequence; each returns what it did, or None when it found nothing to do."""

    def __init__(self, content: Path, rng: random.Random) -> None:
        self.content = content
        self.rng = rng
        self.synth = _synth()

    def _awards(self) -> list[Path]:
        return sorted(self.content.glob("awards/*/*.yaml"))

    def narrative(self) -> str | None:
        for award in self.rng.sample(self._awards(), 10):
            if "\nnarrative:\n  fr: |-" in award.read_text("utf-8"):
                self.synth.touch_text(award, "narrative", f"Ligne {self.rng.randrange(10**6)}.")
                return f"narrative of {award.stem}"
        return None

    def listed(self) -> str | None:
        award = self.rng.choice(self._awards())
        if any(award.stem in earner.read_text("utf-8") for earner in self.content.glob("earners/*.yaml")):
            return None  # a portfolio shows only listed awards: unlisting it would be refused
        text = award.read_text("utf-8")
        for old, new in (("\nlisted: true", "\nlisted: false"), ("\nlisted: false", "\nlisted: true")):
            if old in text:
                award.write_text(text.replace(old, new), "utf-8")
                return f"{new.strip()} for {award.stem}"
        return None

    def revoke(self) -> str | None:
        award = self.rng.choice(self._awards())
        text = award.read_text("utf-8")
        if "\nrevoked:" in text:
            return None
        award.write_text(
            text.rstrip("\n") + '\nrevoked:\n  "on": "2026-11-01"\n  reason: "Erreur de saisie"\n', "utf-8"
        )
        return f"revoke {award.stem}"

    def unrevoke(self) -> str | None:
        for award in self._awards():
            text = award.read_text("utf-8")
            if "\nrevoked:" in text:
                award.write_text(text[: text.index("\nrevoked:")] + "\n", "utf-8")
                return f"unrevoke {award.stem}"
        return None

    def badge(self) -> str | None:
        badge = self.rng.choice(sorted(self.content.glob("badges/*.yaml")))
        self.synth.touch_text(badge, "description", f"Note {self.rng.randrange(10**6)}.")
        return f"description of {badge.stem}"

    def issuer(self) -> str | None:
        issuer = self.rng.choice(sorted(self.content.glob("issuers/*.yaml")))
        text = issuer.read_text("utf-8")
        name = re.search(r'^name: "(.*)"$', text, re.MULTILINE)
        if name is None:
            return None
        renamed = f'name: "{name.group(1)} {self.rng.randrange(100)}"'
        issuer.write_text(text.replace(name.group(0), renamed, 1), "utf-8")
        return f"name of {issuer.stem}"

    def endorsement(self) -> str | None:
        endorsement = self.rng.choice(sorted(self.content.glob("endorsements/*.yaml")))
        copy = endorsement.parent / f"zz-{self.rng.randrange(10**6)}.yaml"
        copy.write_text(endorsement.read_text("utf-8"), "utf-8")
        return f"new endorsement {copy.stem}"

    def comment(self) -> str | None:
        award = self.rng.choice(self._awards())
        award.write_text(award.read_text("utf-8") + f"# note {self.rng.randrange(10**6)}\n", "utf-8")
        return f"comment in {award.stem}"

    def registry(self) -> str | None:
        registry = self.content / "registry.yaml"
        text = registry.read_text("utf-8")
        tagline = re.search(r"Vos compétences comptent[^.]*\.", text)
        assert tagline is not None
        registry.write_text(
            text.replace(tagline.group(0), f"Vos compétences comptent ({self.rng.randrange(100)}).", 1),
            "utf-8",
        )
        return "tagline of the registry"

    def new_award(self) -> str | None:
        source = self.rng.choice(self._awards())
        award_id = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(20))
        identity = hashlib.sha256(award_id.encode()).hexdigest()
        text = re.sub(
            r'identity: "sha256\$[0-9a-f]+"', f'identity: "sha256${identity}"', source.read_text("utf-8")
        )
        (source.parent / f"{award_id}.yaml").write_text(text, "utf-8")
        return f"new award {award_id}"

    def image(self) -> str | None:
        first, second = self.rng.sample(sorted(self.content.glob("badges/*.png")), 2)
        first.write_bytes(second.read_bytes())
        return f"image of {first.stem}"

    def issued_on(self) -> str | None:
        award = self.rng.choice(self._awards())
        text = award.read_text("utf-8")
        date = re.search(r'issued_on: "(\d{4}-\d\d)-\d\d"', text)
        if date is None:
            return None
        day = f'issued_on: "{date.group(1)}-{self.rng.randrange(1, 28):02d}"'
        award.write_text(text.replace(date.group(0), day), "utf-8")
        return f"date of {award.stem}"

    def all(self) -> list[Callable[[], str | None]]:
        return [
            self.narrative,
            self.listed,
            self.revoke,
            self.unrevoke,
            self.badge,
            self.issuer,
            self.endorsement,
            self.comment,
            self.registry,
            self.new_award,
            self.image,
            self.issued_on,
        ]


def _build(content: Path, out: Path, *extra: str) -> dict[str, Any]:
    return build_with_timings(content, out, "--search-shard-pages", SHARD_PAGES, *extra)


def test_a_random_sequence_of_edits_keeps_the_incremental_site_equal_to_a_clean_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795953600")
    rng = random.Random(SEED)
    content = _synth().generate(tmp_path / "registry", AWARDS, seed=SEED)
    edits = Edits(content, rng)
    out, clean = tmp_path / "site", tmp_path / "clean"
    _build(content, out)
    _build(content, out)  # both trees are filled
    history: list[str] = []
    for step in range(STEPS):
        done = [what for edit in rng.choices(edits.all(), k=rng.choice([1, 1, 2, 3])) if (what := edit())]
        history.append(f"{step}: {', '.join(done) or 'nothing'}")
        figures = _build(content, out, *rng.choice([(), ("--jobs", "1"), ("--jobs", "2")]))
        shutil.rmtree(clean, ignore_errors=True)
        _build(content, clean, "--no-cache")
        incremental, expected = _files(out), _files(clean)
        assert incremental.keys() == expected.keys(), history
        assert [path for path in expected if incremental[path] != expected[path]] == [], history
        assert figures["units_kept"] > 0, history  # incremental indeed: not all made again
    assert len([line for line in history if not line.endswith("nothing")]) >= STEPS - 1
