"""Revocation: a revoked award stays hosted as revoked, and its issuer's RevocationList names it.

OB 2.0 (`Profile.revocationList`, class `RevocationList`): a document with `type`,
`id`, `issuer` (the Profile's id) and `revokedAssertions`, each entry an object with
the assertion's `id` and an optional `revocationReason`. Every issuer gets one,
empty when nothing is revoked, so its Profile always names a document that answers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from badgegen.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
CONTEXT = json.loads((REPO / "badgegen/contexts/openbadges-v2.jsonld").read_text("utf-8"))["@context"]
BASE = "https://registre.example.org/iae/"


def _json(site: Path, url: str) -> dict[str, Any]:
    assert url.startswith(BASE), url
    loaded: dict[str, Any] = json.loads((site / url.removeprefix(BASE)).read_text("utf-8"))
    return loaded


def _build(content: Path, out: Path) -> Path:
    assert (
        main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"])
        == 0
    )
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        from conftest import SOURCE_DATE_EPOCH

        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        return _build(EXAMPLE, tmp_path_factory.mktemp("revocation") / "site")


def _expected(content: Path) -> dict[str, list[dict[str, str]]]:
    """From the YAML alone: issuer slug → its revoked assertions, sorted by URL."""
    issuer_of = {
        p.stem: yaml.safe_load(p.read_text("utf-8"))["issuer"] for p in content.glob("badges/*.yaml")
    }
    found: dict[str, list[dict[str, str]]] = {p.stem: [] for p in content.glob("issuers/*.yaml")}
    for path in content.glob("awards/*/*.yaml"):
        award = yaml.safe_load(path.read_text("utf-8"))
        if "revoked" in award:
            entry = {
                "id": f"{BASE}assertions/{path.stem}.json",
                "revocationReason": award["revoked"]["reason"],
            }
            found[issuer_of[award["badge"]]].append(entry)
    return {slug: sorted(entries, key=lambda e: e["id"]) for slug, entries in found.items()}


def _check_lists(site: Path, content: Path) -> int:
    expected = _expected(content)
    revoked = 0
    for slug, entries in expected.items():
        profile = _json(site, f"{BASE}issuers/{slug}.json")
        assert profile["revocationList"] == f"{BASE}issuers/{slug}/revocations.json"
        document = _json(site, profile["revocationList"])
        assert list(document) == ["@context", "type", "id", "issuer", "revokedAssertions"]
        assert document["@context"] == "https://w3id.org/openbadges/v2"
        assert document["type"] == "RevocationList"
        assert document["id"] == profile["revocationList"]
        assert document["issuer"] == profile["id"]
        assert document["revokedAssertions"] == entries
        for entry in entries:
            hosted = _json(site, entry["id"])
            assert hosted["revoked"] is True
            assert hosted["revocationReason"] == entry["revocationReason"]
        revoked += len(entries)
    return revoked


def test_every_issuer_has_a_revocation_list_naming_its_revoked_awards(site: Path) -> None:
    assert _check_lists(site, EXAMPLE) >= 1, "the example keeps one revoked award"


def test_revocation_list_terms_are_in_the_ob_v2_context(site: Path) -> None:
    document = _json(site, f"{BASE}issuers/jardins-de-la-loire/revocations.json")
    assert CONTEXT["RevocationList"] == "obi:RevocationList"
    for term in [key for key in document if not key.startswith("@")] + ["revocationReason", "revocationList"]:
        assert term in CONTEXT or term in ("id", "type"), term
    assert CONTEXT["revocationList"]["@type"] == "@id"


def test_revocation_lists_are_sorted_by_assertion_url(tmp_path: Path) -> None:
    """Revoke every award of a copy of the example: each list holds its issuer's, in URL order."""
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    for path in sorted(content.glob("awards/*/*.yaml")):
        text = path.read_text("utf-8")
        if "\nrevoked:" not in text:
            path.write_text(
                text + f'revoked:\n  "on": "2026-11-28"\n  reason: "Retiré ({path.stem[:4]})"\n', "utf-8"
            )
    site = _build(content, tmp_path / "site")
    assert _check_lists(site, content) == len(list(content.glob("awards/*/*.yaml")))
    for file in site.glob("issuers/*/revocations.json"):
        ids = [entry["id"] for entry in json.loads(file.read_text("utf-8"))["revokedAssertions"]]
        assert ids == sorted(ids)


def test_revoked_award_page_says_revoked_and_links_no_evidence(site: Path) -> None:
    document = _json(site, f"{BASE}issuers/jardins-de-la-loire/revocations.json")
    (entry,) = document["revokedAssertions"]
    award_id = entry["id"].removeprefix(f"{BASE}assertions/").removesuffix(".json")
    for page, word in (
        (f"assertions/{award_id}/index.html", "Révoqué"),
        (f"en/assertions/{award_id}/index.html", "Revoked"),
    ):
        text = (site / page).read_text("utf-8")
        assert word in text and entry["revocationReason"] in text
