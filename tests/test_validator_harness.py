"""Self-test of the offline harness around the official 1EdTech Open Badges
2.0 validator (tests/validator/, see tests/validator/README.md).

A hand-written hosted badge (tests/validator/sample/) is served on an ephemeral
loopback port; the harness runs in its own venv (.venv-validator/, built on
first use) and must accept the good assertion (URL, baked PNG, baked SVG) and
reject tampered ones, without any traffic leaving 127.0.0.1.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.util
import json
import struct
import subprocess
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VALIDATOR_DIR = REPO_ROOT / "tests" / "validator"
SAMPLE_DIR = VALIDATOR_DIR / "sample"
HARNESS = VALIDATOR_DIR / "run_ob_validator.py"
CONTEXT_FILE = REPO_ROOT / "badgegen" / "contexts" / "openbadges-v2.jsonld"
# sha256 of https://w3id.org/openbadges/v2 as published (== badgecheck's embedded copy)
CONTEXT_SHA256 = "393a890d7d95eb3a86f5f12309648a64c2d0676e5270e2967b5341a2dcea13d2"

PLACEHOLDER = b"{{BASE}}"
RECIPIENT_EMAIL = "recipient@example.org"
EXTERNAL_IMAGE = "https://badges.example.org/never-fetched.png"


# --------------------------------------------------------------------------- helpers


def _load_setup_venv():
    spec = importlib.util.spec_from_file_location(
        "badgegen_validator_setup_venv", VALIDATOR_DIR / "setup_venv.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def render_png(data: bytes, base: bytes) -> bytes:
    """Replace the placeholder inside text chunks, fixing lengths and CRCs."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [data[:8]], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind in (b"iTXt", b"tEXt") and PLACEHOLDER in body:
            out.append(_png_chunk(kind, body.replace(PLACEHOLDER, base)))
        else:
            out.append(data[pos : pos + 12 + length])
        pos += 12 + length
    return b"".join(out)


def render_sample(src: Path, dest: Path, base: str) -> None:
    for path in sorted(src.rglob("*")):
        if path.is_dir():
            continue
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if path.suffix == ".png":
            data = render_png(data, base.encode())
        else:
            data = data.replace(PLACEHOLDER, base.encode())
        target.write_bytes(data)


def write_tampered(root: Path, base: str) -> None:
    good = json.loads((root / "assertion.json").read_text(encoding="utf-8"))

    def variant(name: str, **changes: object) -> None:
        doc = dict(good, id=base + name)
        for key, value in changes.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        (root / name).write_text(json.dumps(doc, indent=2), encoding="utf-8")

    variant("assertion-wrong-badge.json", badge=base + "no-such-badge.json")
    variant("assertion-no-issuedon.json", issuedOn=None)
    variant("assertion-external-image.json", image=EXTERNAL_IMAGE)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class SampleSite:
    base: str
    root: Path


def run_harness(python: Path, *args: str) -> list[dict]:
    proc = subprocess.run(
        [str(python), str(HARNESS), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"harness failed ({proc.returncode}):\n{proc.stderr}"
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def _describe(result: dict) -> str:
    return json.dumps(result, indent=2)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def validator_python() -> Path:
    setup_venv = _load_setup_venv()
    try:
        return setup_venv.ensure_validator_venv(REPO_ROOT)
    except Exception as exc:  # the venv needs PyPI on first use
        pytest.fail(f"could not build .venv-validator: {exc}")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ob-sample")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    render_sample(SAMPLE_DIR, root, base)
    write_tampered(root, base)
    thread = threading.Thread(target=server.serve_forever, name="ob-sample-server", daemon=True)
    thread.start()
    try:
        yield SampleSite(base=base, root=root)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def results(validator_python: Path, sample_site: SampleSite) -> dict[str, dict]:
    """One harness run (one interpreter start) for all inputs of this module."""
    base, root = sample_site.base, sample_site.root
    inputs = {
        "url": base + "assertion.json",
        "png": str(root / "assertion-baked.png"),
        "svg": str(root / "assertion-baked.svg"),
        "png-url": base + "assertion-baked.png",
        "wrong-badge": base + "assertion-wrong-badge.json",
        "no-issuedon": base + "assertion-no-issuedon.json",
        "external-image": base + "assertion-external-image.json",
    }
    out = run_harness(validator_python, *inputs.values(), "--recipient-identifier", RECIPIENT_EMAIL)
    assert [r["input"] for r in out] == list(inputs.values())
    return dict(zip(inputs, out, strict=True))


# --------------------------------------------------------------------------- tests


def test_sample_recipient_hash_matches_plain_email() -> None:
    recipient = json.loads((SAMPLE_DIR / "assertion.json").read_text(encoding="utf-8"))["recipient"]
    digest = hashlib.sha256((RECIPIENT_EMAIL + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + digest


def test_context_file_is_the_published_ob_v2_context(validator_python: Path) -> None:
    data = CONTEXT_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == CONTEXT_SHA256
    embedded = subprocess.run(
        [
            str(validator_python),
            "-c",
            "import json; from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT as c;"
            " print(json.dumps(c))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert json.loads(data) == json.loads(embedded)


@pytest.mark.parametrize("kind", ["url", "png", "svg", "png-url"])
def test_good_badge_is_valid(results: dict[str, dict], kind: str) -> None:
    result = results[kind]
    assert result["valid"] is True, _describe(result)
    assert result["errorCount"] == 0, _describe(result)
    assert result["openBadgesVersion"] == "2.0"
    assert result["validationSubject"].endswith("/assertion.json")
    # the hashed+salted identity was checked against the plain email
    assert result["recipientProfile"] == {"email": RECIPIENT_EMAIL}
    # the OB v2 context came from the local file, nothing left the machine
    assert "https://w3id.org/openbadges/v2" in result["servedLocally"]
    assert result["blockedFetches"] == []


def test_wrong_badge_url_is_invalid(results: dict[str, dict]) -> None:
    result = results["wrong-badge"]
    assert result["valid"] is False
    assert result["errorCount"] >= 1
    assert any("no-such-badge.json" in m["result"] for m in result["messages"]), _describe(result)


def test_missing_issuedon_is_invalid(results: dict[str, dict]) -> None:
    result = results["no-issuedon"]
    assert result["valid"] is False
    assert any(
        m.get("prop_name") == "issuedOn" and m["messageLevel"] == "ERROR" for m in result["messages"]
    ), _describe(result)


def test_non_loopback_fetch_is_refused_not_attempted(results: dict[str, dict]) -> None:
    result = results["external-image"]
    assert result["valid"] is False
    assert result["blockedFetches"] == [EXTERNAL_IMAGE]


def test_wrong_recipient_email_is_rejected(validator_python: Path, sample_site: SampleSite) -> None:
    (result,) = run_harness(
        validator_python,
        sample_site.base + "assertion.json",
        "--recipient-identifier",
        "someone-else@example.org",
    )
    assert result["valid"] is False
    assert "recipientProfile" not in result
    assert any(m["name"] == "VERIFY_RECIPIENT_IDENTIFIER" for m in result["messages"]), _describe(result)
