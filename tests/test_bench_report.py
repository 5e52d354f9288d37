"""The benchmark's report (bench/scale.py): the figures it derives from a build's --timings.

The benchmark itself is not a test (no time is asserted anywhere); what it prints must still
say what it claims.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
try:
    import scale  # the benchmark's driver
finally:
    sys.path.remove(str(REPO / "bench"))


def test_signing_is_reported_per_document_given_a_proof() -> None:
    """A warm build signs one credential and takes 5 045 proofs from the memo: its signing time
    is spread over the 5 046 documents, not over the one signature (0.61 s "per document")."""
    warm = scale.Step(
        0,
        7.2,
        348.0,
        {"signed": 5046, "signatures_made": 1, "signatures_reused": 5045, "signing_seconds": 0.6141},
    )
    figures = scale.signing_figures(warm)
    assert figures == {
        "documents": 5046,
        "signed": 1,
        "reused": 5045,
        "signing_seconds": 0.6141,
        "seconds_per_document": round(0.6141 / 5046, 6),
    }
    cold = scale.Step(
        0,
        130.0,
        378.0,
        {"signed": 65135, "signatures_made": 65135, "signatures_reused": 0, "signing_seconds": 64.74},
    )
    assert scale.signing_figures(cold)["seconds_per_document"] == round(64.74 / 65135, 6)
    assert scale.signing_figures(scale.Step(2, None, None))["seconds_per_document"] is None
    older = scale.Step(
        0, 1.0, 50.0, {"signed": 10, "signing_seconds": 0.01}
    )  # (a badgegen before the counts)
    assert scale.signing_figures(older)["seconds_per_document"] == 0.001


def test_the_table_says_how_many_proofs_came_from_the_memo() -> None:
    step = scale.Step(
        0, 1.0, 50.0, {"signed": 3, "signatures_made": 1, "signatures_reused": 2, "signing_seconds": 0.003}
    )
    run = {
        "generate_seconds": 0.1,
        "steps": {name: asdict(step) for name in scale.STEPS},
        "signing": {"cold": scale.signing_figures(step), "warm": scale.signing_figures(step)},
        "site": {"unsigned": None, "signed": None},
    }
    text = scale.table({"1000": run})
    assert "proofs taken from the memo, warm" in text
    assert any(
        line.startswith("signing ms/document given a proof, warm") and line.rstrip().endswith("1.00")
        for line in text.splitlines()
    )


def test_the_tagline_step_makes_every_unit_again(tmp_path: Path) -> None:
    """The step "registry tagline changed" measures what it says: after the change, the build
    keeps no unit and makes every one again (as after a new version of badgegen)."""
    import json

    from badgegen.cli import main

    sys.path.insert(0, str(REPO / "bench"))
    try:
        import synth  # the benchmark's generator
    finally:
        sys.path.remove(str(REPO / "bench"))
    content = synth.generate(tmp_path / "registry", 30, seed=3)
    out, timings = tmp_path / "site", tmp_path / "timings.json"
    args = [
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--frozen-ledger",
        "--timings",
        str(timings),
    ]
    assert main(args) == 0
    before = (content / "registry.yaml").read_text("utf-8")
    scale.change_tagline(content, "Banc d'essai.")
    after = (content / "registry.yaml").read_text("utf-8")
    assert after != before and "Banc d'essai." in after
    assert main(args) == 0
    figures = json.loads(timings.read_text("utf-8"))
    assert figures["units_kept"] == 0 and figures["units_produced"] > 30
