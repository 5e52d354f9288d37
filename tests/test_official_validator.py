"""The official 1EdTech Open Badges 2.0 validator accepts the example registry.

The example content is built for a loopback address, served there, and every
assertion URL and every baked PNG and SVG is handed to the real validator
(badgecheck, in its own virtual environment, offline: see tests/validator/).
Each award is also checked with its earner's e-mail address, which proves the
salted hash matches.

The validator compares dates with the real clock and does not check hosted
revocation, so: the expired award must be reported invalid *because it expired*,
and the revoked award is checked here directly (its document says revoked); the
validator still rejects it, since the revoked document no longer names a badge.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegen.cli import main
from badgegen.serve import make_server

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
HARNESS = REPO / "tests/validator/run_ob_validator.py"
RECIPIENTS: dict[str, str] = json.loads((REPO / "tests/data/example_recipients.json").read_text())


def _validator_python() -> Path:
    spec = importlib.util.spec_from_file_location("setup_venv", REPO / "tests/validator/setup_venv.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    python: Path = module.ensure_validator_venv(REPO)
    return python


def _kinds() -> dict[str, set[str]]:
    """Award ids of the example by what the validator should say of them."""
    revoked, expired = set(), set()
    for path in EXAMPLE.glob("awards/*/*.yaml"):
        text = path.read_text("utf-8")
        if "\nrevoked:" in text:
            revoked.add(path.stem)
        elif "\nexpires:" in text:
            expired.add(path.stem)
    assert revoked and expired, "the example keeps one revoked and one expired award"
    return {"revoked": revoked, "expired": expired, "valid": set(RECIPIENTS) - revoked - expired}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("validated") / "site"
    server = make_server(out, 0)  # the folder is read per request: bind first to learn the port
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    assert (
        main(["build", "--content", str(EXAMPLE), "--out", str(out), "--base-url", base, "--frozen-ledger"])
        == 0
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, out
    server.shutdown()
    server.server_close()


def _validate(python: Path, *args: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [str(python), str(HARNESS), "--fail-on-blocked", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reports(served: tuple[str, Path]) -> dict[str, dict[str, object]]:
    """One validator run over every assertion URL and every baked image."""
    base, out = served
    inputs = [f"{base}assertions/{award_id}.json" for award_id in sorted(RECIPIENTS)]
    inputs += [str(p) for p in sorted(out.glob("assertions/*.png")) + sorted(out.glob("assertions/*.svg"))]
    results = _validate(_validator_python(), *inputs)
    return {str(r["input"]): r for r in results}


def _messages(report: dict[str, object]) -> str:
    return json.dumps(report.get("messages", []), ensure_ascii=False)


@pytest.mark.parametrize("award_id", sorted(_kinds()["valid"]))
def test_valid_award_passes_by_url_and_baked_images(
    award_id: str, served: tuple[str, Path], reports: dict[str, dict[str, object]]
) -> None:
    base, out = served
    checked = [f"{base}assertions/{award_id}.json", str(out / f"assertions/{award_id}.png")]
    if (out / f"assertions/{award_id}.svg").exists():
        checked.append(str(out / f"assertions/{award_id}.svg"))
    for key in checked:
        report = reports[key]
        assert report["valid"] is True, f"{key}: {_messages(report)}"
        assert report["errorCount"] == 0


@pytest.mark.parametrize("award_id", sorted(_kinds()["expired"]))
def test_expired_award_is_rejected_for_expiry(award_id: str, reports: dict[str, dict[str, object]]) -> None:
    report = next(r for key, r in reports.items() if key.endswith(f"{award_id}.json"))
    assert report["valid"] is False
    assert "expir" in _messages(report).lower()


@pytest.mark.parametrize("award_id", sorted(_kinds()["revoked"]))
def test_revoked_award_is_hosted_as_revoked_and_rejected(
    award_id: str, served: tuple[str, Path], reports: dict[str, dict[str, object]]
) -> None:
    _, out = served
    document = json.loads((out / f"assertions/{award_id}.json").read_text("utf-8"))
    assert document["revoked"] is True and document["revocationReason"]
    for key, report in reports.items():
        if award_id in key:
            assert report["valid"] is False, f"{key} must not verify once revoked"


def test_hashed_recipients_match_with_the_validator(served: tuple[str, Path]) -> None:
    """The validator confirms each earner's e-mail against the salted hash, and refuses another."""
    base, _ = served
    python = _validator_python()
    for award_id in sorted(_kinds()["valid"]):
        url = f"{base}assertions/{award_id}.json"
        (good,) = _validate(python, "--recipient-identifier", RECIPIENTS[award_id], url)
        assert good["valid"] is True, f"{award_id}: {_messages(good)}"
    award_id = sorted(_kinds()["valid"])[0]
    (bad,) = _validate(
        python, "--recipient-identifier", "someone.else@example.org", f"{base}assertions/{award_id}.json"
    )
    assert bad["valid"] is False
