"""Open Badges 3.0: keys, canonical forms, signatures, status lists, baking, leaks.

The signed example is built once per module with a key generated here (never committed).
The independent check of the signatures, by Digital Bazaar's verifier, is
tests/test_ob3_verifier.py; here the signatures are checked against the W3C vc-di-eddsa
test vectors (same key, same document → the spec's exact proofValue), and every canonical
form is computed by three implementations (pyld, pyld then pyoxigraph, and badgegen's fast
engine, tested further in tests/test_ob3_fastrdf.py) that must agree.
"""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import given, settings
from hypothesis import strategies as st
from ob3_support import BASE, EXAMPLE, SignedSite, add_signing_key, build_signed_site
from PIL import Image as PILImage

from badgegen import bake, ledger
from badgegen.cli import main
from badgegen.ob3 import canon, did, keys, leaks, multibase, proof, status

# --- W3C vc-di-eddsa test vectors (TestVectors/ of w3c/vc-di-eddsa: keyPair.json, eddsa-rdfc-2022/) ---

SPEC_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # published in the spec: a test vector
SPEC_EXAMPLES_CONTEXT = {
    "https://www.w3.org/ns/credentials/examples/v2": {
        "@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}
    }
}
SPEC_UNSIGNED: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
SPEC_METHOD = "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
SPEC_CREATED = "2023-02-24T23:36:38Z"
SPEC_PROOF_CANON = (
    '_:c14n0 <http://purl.org/dc/terms/created> "2023-02-24T23:36:38Z"'
    "^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n"
    "_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n"
    '_:c14n0 <https://w3id.org/security#cryptosuite> "eddsa-rdfc-2022"'
    "^^<https://w3id.org/security#cryptosuiteString> .\n"
    "_:c14n0 <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n"
    f"_:c14n0 <https://w3id.org/security#verificationMethod> <{SPEC_METHOD}> .\n"
)
SPEC_HASH_DATA = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)
SPEC_PROOF_VALUE = "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"


def test_spec_key_pair_round_trips() -> None:
    private = keys.private_key_from(SPEC_SECRET)
    assert keys.public_key_of(private) == SPEC_PUBLIC
    assert keys.secret_of(private) == SPEC_SECRET
    assert multibase.encode_public_key(multibase.decode_public_key(SPEC_PUBLIC)) == SPEC_PUBLIC


def test_spec_vector_is_signed_byte_for_byte() -> None:
    """The spec's document, key and proof options give the spec's hashData and proofValue."""
    private = keys.private_key_from(SPEC_SECRET)
    config = {
        "@context": SPEC_UNSIGNED["@context"],
        **proof.proof_configuration({}, SPEC_METHOD, SPEC_CREATED),
    }
    assert canon.canonicalize(config, extra=SPEC_EXAMPLES_CONTEXT) == SPEC_PROOF_CANON
    options = proof.proof_configuration({}, SPEC_METHOD, SPEC_CREATED)
    assert proof.hash_data(SPEC_UNSIGNED, options, extra=SPEC_EXAMPLES_CONTEXT).hex() == SPEC_HASH_DATA
    signed = proof.sign(SPEC_UNSIGNED, private, SPEC_METHOD, SPEC_CREATED, extra=SPEC_EXAMPLES_CONTEXT)
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": SPEC_CREATED,
        "verificationMethod": SPEC_METHOD,
        "proofPurpose": "assertionMethod",
        "proofValue": SPEC_PROOF_VALUE,
    }
    for engine in ("pyld", "oxigraph"):
        assert proof.verify(signed, private.public_key(), engine=engine, extra=SPEC_EXAMPLES_CONTEXT)


@given(st.binary(min_size=32, max_size=32))
@settings(max_examples=50, deadline=None)
def test_multikey_encodings_round_trip(raw: bytes) -> None:
    public, secret = multibase.encode_public_key(raw), multibase.encode_secret_key(raw)
    assert public.startswith("z6Mk") and len(public) == 48
    assert secret.startswith("z3u2") and len(secret) == 48
    assert multibase.decode_public_key(public) == raw and multibase.decode_secret_key(secret) == raw
    assert multibase.decode_base64url(multibase.encode_base64url(raw)) == raw


def test_base58_keeps_leading_zeros() -> None:
    assert multibase.b58encode(b"\x00\x00\x01") == "112"
    assert multibase.b58decode("112") == b"\x00\x00\x01"
    with pytest.raises(ValueError):
        multibase.b58decode("0OIl")
    with pytest.raises(ValueError):
        multibase.decode_public_key(SPEC_SECRET)  # a secret is not a public key


def test_keys_generate_prints_both_keys_and_where_they_go(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "generate", "--id", "key-2027"]) == 0
    out = capsys.readouterr().out
    secret = next(word for word in out.split() if word.startswith("z3u2"))
    public = next(word for word in out.split() if word.startswith("z6Mk"))
    assert keys.public_key_of(keys.private_key_from(secret)) == public
    assert f"signing_keys:\n  - id: key-2027\n    public_key: {public}" in out
    for words in ("BADGEGEN_SIGNING_KEY", "BADGEGEN_SIGNING_KEY_FILE", "Environments", "retired: true"):
        assert words in out
    assert main(["keys", "generate", "--lang", "en"]) == 0
    assert "Never write it in the repository" in capsys.readouterr().out


# --- DIDs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected", "url"),
    [
        (
            "https://registre.example.org/iae/",
            "did:web:registre.example.org:iae:issuers:x",
            "https://registre.example.org/iae/issuers/x/did.json",
        ),
        (
            "https://badges.example.org/",
            "did:web:badges.example.org:issuers:x",
            "https://badges.example.org/issuers/x/did.json",
        ),
        (
            "http://127.0.0.1:8000/",
            "did:web:127.0.0.1%3A8000:issuers:x",
            "https://127.0.0.1:8000/issuers/x/did.json",
        ),
    ],
)
def test_did_web_follows_the_method_rules(base: str, expected: str, url: str) -> None:
    assert did.did_web(base, "issuers", "x") == expected
    assert did.did_url(expected) == url
    assert did.did_url("did:web:example.org") == "https://example.org/.well-known/did.json"


# --- the signed example -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> SignedSite:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1795953600")
        return build_signed_site(tmp_path_factory.mktemp("signed"))


def _json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def _award_ids() -> list[str]:
    return sorted(p.stem for p in EXAMPLE.glob("awards/*/*.yaml"))


def _signed_documents(site: Path) -> list[Path]:
    found = [*site.glob("assertions/*.credential.json"), *site.glob("endorsements/*.credential.json")]
    return sorted([*found, *site.glob("issuers/*/status/revocation.json")])


def _public(site: SignedSite) -> Ed25519PublicKey:
    return keys.private_key_from(site.secret).public_key()


def test_every_award_has_a_signed_credential(signed: SignedSite) -> None:
    for award_id in _award_ids():
        credential = _json(signed.out / f"assertions/{award_id}.credential.json")
        assert credential["@context"] == [canon.VC_V2, canon.OB_V3]
        assert credential["id"] == f"{BASE}assertions/{award_id}.credential.json"
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        issuer = credential["issuer"]["id"]
        assert issuer.startswith("did:web:registre.example.org:iae:issuers:")
        assert credential["proof"]["verificationMethod"] == f"{issuer}#key-2026"
        assert "created" not in credential["proof"]  # no signing time: same content, same bytes
        assert proof.verify(credential, _public(signed))
        hosted = _json(signed.out / f"assertions/{award_id}.json")
        if "revoked" not in hosted:  # the OB 2.0 assertion points to its credential
            assert hosted["related"] == [{"id": credential["id"], "version": "Open Badges v3p0"}]
            identity = credential["credentialSubject"]["identifier"][0]
            assert identity["identityHash"] == hosted["recipient"]["identity"]
            assert identity["salt"] == hosted["recipient"]["salt"]
            assert credential["validFrom"] == hosted["issuedOn"]
            assert credential.get("validUntil") == hosted.get("expires")


def test_endorsements_and_status_lists_are_signed_by_their_issuer(signed: SignedSite) -> None:
    for path in _signed_documents(signed.out):
        document = _json(path)
        issuer = document["issuer"] if isinstance(document["issuer"], str) else document["issuer"]["id"]
        assert document["proof"]["verificationMethod"] == f"{issuer}#key-2026", path
        assert proof.verify(document, _public(signed)), path


def test_a_changed_byte_breaks_the_signature(signed: SignedSite) -> None:
    credential = _json(next(iter(signed.out.glob("assertions/*.credential.json"))))
    credential["credentialSubject"]["achievement"]["name"] += "!"
    assert not proof.verify(credential, _public(signed))
    other = Ed25519PublicKey.from_public_bytes(multibase.decode_public_key(SPEC_PUBLIC))
    assert not proof.verify(_json(next(iter(signed.out.glob("assertions/*.credential.json")))), other)


def test_pyld_and_pyoxigraph_give_the_same_canonical_forms(signed: SignedSite) -> None:
    documents = [*_signed_documents(signed.out), *signed.out.glob("issuers/*/did.json")]
    documents += [*signed.out.glob("issuers/*/profile.json"), *signed.out.glob("badges/*.achievement.json")]
    assert len(documents) > 30
    for path in documents:
        document = _json(path)
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        reference = canon.canonicalize(unsigned, engine="pyld")
        assert reference == canon.canonicalize(unsigned, engine="oxigraph") == canon.canonicalize(unsigned)
        if "proof" in document:
            config = {"@context": document["@context"], **document["proof"]}
            config.pop("proofValue")
            reference = canon.canonicalize(config, engine="pyld")
            assert reference == canon.canonicalize(config, engine="oxigraph") == canon.canonicalize(config)


def test_undefined_terms_and_unknown_contexts_are_refused(signed: SignedSite) -> None:
    credential = _json(next(iter(signed.out.glob("assertions/*.credential.json"))))
    with pytest.raises(canon.UndefinedTermError):
        canon.canonicalize({**credential, "tags": ["semis"]})  # OB 3.0 says `tag`
    with pytest.raises(canon.UndefinedTermError):
        canon.canonicalize({**credential, "type": ["VerifiableCredential", "Assertion"]})
    with pytest.raises(canon.UnknownContextError):
        canon.canonicalize({**credential, "@context": [canon.VC_V2, "https://example.org/other.json"]})


def test_did_documents_list_every_key_for_assertions(signed: SignedSite) -> None:
    for issuer_file in sorted(EXAMPLE.glob("issuers/*.yaml")):
        slug = issuer_file.stem
        document = _json(signed.out / f"issuers/{slug}/did.json")
        subject = f"did:web:registre.example.org:iae:issuers:{slug}"
        assert document["id"] == subject
        assert document["@context"] == [canon.DID_V1, canon.MULTIKEY_V1]
        assert document["verificationMethod"] == [
            {
                "id": f"{subject}#key-2026",
                "type": "Multikey",
                "controller": subject,
                "publicKeyMultibase": signed.public_key,
            }
        ]
        assert document["assertionMethod"] == [f"{subject}#key-2026"]
        assert document["alsoKnownAs"] == [f"{BASE}issuers/{slug}.json"]
        assert did.did_url(subject) == BASE + f"issuers/{slug}/did.json"
        profile = _json(signed.out / f"issuers/{slug}/profile.json")
        assert profile["id"] == subject and profile["type"] == ["Profile"]
        assert _json(signed.out / f"issuers/{slug}.json")["related"] == [
            {"id": f"{BASE}issuers/{slug}/profile.json", "version": "Open Badges v3p0"}
        ]


def test_status_lists_flip_the_revoked_awards_bit(signed: SignedSite) -> None:
    revoked = {p.stem for p in EXAMPLE.glob("awards/*/*.yaml") if "\nrevoked:" in p.read_text("utf-8")}
    assert revoked
    indexes: dict[str, int] = {}
    for award_id in _award_ids():
        credential = _json(signed.out / f"assertions/{award_id}.credential.json")
        entry = credential["credentialStatus"]
        assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
        assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
        issuer_slug = credential["issuer"]["id"].rsplit(":", 1)[1]
        assert entry["statusListCredential"] == f"{BASE}issuers/{issuer_slug}/status/revocation.json"
        status_list = _json(signed.out / f"issuers/{issuer_slug}/status/revocation.json")
        assert status_list["issuer"] == credential["issuer"]["id"]  # verifiers require the same issuer
        subject = status_list["credentialSubject"]
        assert subject["type"] == "BitstringStatusList" and subject["encodedList"].startswith("u")
        bits = status.decode_list(subject["encodedList"])
        assert len(bits) * 8 >= 131_072  # the spec's minimum (16 KB)
        index = int(entry["statusListIndex"])
        assert status.is_set(bits, index) == (award_id in revoked), award_id
        indexes[award_id] = index
    assert len(set(indexes.values())) == len(indexes), "one index per award"
    assert indexes == status.allocate({}, indexes)  # derived from the ids when nothing is recorded


def test_revoked_credential_keeps_no_story(signed: SignedSite) -> None:
    revoked = next(p.stem for p in EXAMPLE.glob("awards/*/*.yaml") if "\nrevoked:" in p.read_text("utf-8"))
    credential = _json(signed.out / f"assertions/{revoked}.credential.json")
    assert "evidence" not in credential and "endorsement" not in credential
    assert "narrative" not in credential["credentialSubject"]
    page = (signed.out / f"assertions/{revoked}/index.html").read_text("utf-8")
    assert ".credential." not in page, "a revoked badge's credential is no longer offered"


def test_private_evidence_is_not_in_credentials(signed: SignedSite) -> None:
    for path in signed.out.glob("assertions/*.credential.json"):
        for item in _json(path).get("evidence", []):
            assert "Preuve privée" not in json.dumps(item, ensure_ascii=False)
            assert item["type"] == ["Evidence"]


def test_award_pages_offer_the_credential(signed: SignedSite) -> None:
    award_id = next(
        p.stem
        for p in sorted(EXAMPLE.glob("awards/*/*.yaml"))
        if "\nrevoked:" not in p.read_text("utf-8") and p.stem != "dxpfntxgs36wtnpozoub"
    )
    for lang, prefix in (("fr", ""), ("en", "en/")):
        page = (signed.out / f"{prefix}assertions/{award_id}/index.html").read_text("utf-8")
        assert f'{award_id}.credential.json" type="application/json" download>' in page, lang
        assert f'{award_id}.credential.png" download>' in page, lang


def test_baked_credentials_hold_the_signed_json(signed: SignedSite) -> None:
    for award_id in _award_ids():
        credential = _json(signed.out / f"assertions/{award_id}.credential.json")
        png = (signed.out / f"assertions/{award_id}.credential.png").read_bytes()
        with PILImage.open(io.BytesIO(png)) as image:
            image.load()
            assert json.loads(image.text["openbadgecredential"]) == credential  # type: ignore[attr-defined]
            assert "openbadges" not in image.text  # type: ignore[attr-defined]
        svg = signed.out / f"assertions/{award_id}.credential.svg"
        if svg.is_file():
            root = ET.fromstring(svg.read_bytes())
            element = root.find("{https://purl.imsglobal.org/ob/v3p0}credential")
            assert element is not None and element.get("verify") is None
            assert json.loads(element.text or "") == credential
            assert root[0] is element


def test_signed_build_is_deterministic(signed: SignedSite, tmp_path: Path) -> None:
    out = tmp_path / "again"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(keys.ENV_KEY, signed.secret)
        args = ["build", "--content", str(signed.content), "--out", str(out), "--base-url", BASE]
        assert main([*args, "--frozen-ledger"]) == 0
    for path in signed.out.rglob("*"):
        name = path.relative_to(signed.out).as_posix()
        if path.is_file() and (
            ".credential." in name or name.startswith(("issuers/", "badges/", "endorsements/"))
        ):
            assert (out / name).read_bytes() == path.read_bytes(), name


# --- without a key --------------------------------------------------------------------------------


def test_without_a_key_everything_else_is_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    add_signing_key(content)  # public keys listed, but no private key on this machine
    out = tmp_path / "site"
    assert (
        main(["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"])
        == 0
    )
    assert (
        "OB 3.0 : pas de clé de signature, les justificatifs signés ne sont pas produits\n"
        in capsys.readouterr().out
    )
    assert not [
        p for p in out.rglob("*") if ".credential." in p.name or p.name in ("did.json", "profile.json")
    ]
    assert not (out / "issuers/jardins-de-la-loire/status").exists()
    assert "related" not in _json(out / f"assertions/{_award_ids()[0]}.json")
    assert not (content / status.STATUS_FILE).exists()


def test_ledger_records_ob3_files_and_a_build_without_key_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.MonkeyPatch.context():
        site = build_signed_site(tmp_path, frozen=False)
    recorded = ledger.read(site.content).paths
    for award_id in _award_ids():
        assert {f"assertions/{award_id}.credential.json", f"assertions/{award_id}.credential.png"} <= recorded
    assert "issuers/jardins-de-la-loire/did.json" in recorded
    assert "issuers/jardins-de-la-loire/status/revocation.json" in recorded
    indexes = status.read(site.content)
    assert sorted(indexes) == _award_ids()
    # A build without the key (a pull request) cannot publish them, and is not blamed for it.
    capsys.readouterr()
    args = ["build", "--content", str(site.content), "--out", str(tmp_path / "nokey"), "--frozen-ledger"]
    assert main(args) == 0, capsys.readouterr().err
    # Recorded indexes never move: a new award whose derived index is taken gets the next free one.
    (site.content / status.STATUS_FILE).write_bytes(
        status.render({award_id: i for i, award_id in enumerate(sorted(indexes))})
    )
    moved = status.read(site.content)
    derived = status.allocate({}, ["new-award"])["new-award"]
    taken = {**moved, "older-award": derived}
    allocated = status.allocate(taken, [*taken, "new-award"])
    assert {k: v for k, v in allocated.items() if k in taken} == taken
    assert allocated["new-award"] == derived + 1


def test_recorded_indexes_name_the_registrys_ids_and_are_not_copied(tmp_path: Path) -> None:
    """At 50 000 awards, a copy of every id read from the file and a copy of the recorded
    indexes were 6 MB held through every signed build."""
    ids = [f"award-{number}" for number in range(50)]
    (tmp_path / status.STATUS_FILE).write_bytes(status.render(status.allocate({}, ids[:40])))
    own = ["".join(["award-", str(number)]) for number in range(50)]  # (other objects, equal)
    found = status.indexes_for(tmp_path, own[:40])
    assert found.indexes is found.recorded and found.added == 0
    assert all(any(key is mine for mine in own) for key in found.recorded)
    grown = status.indexes_for(tmp_path, own)
    assert grown.added == 10 and grown.indexes is not grown.recorded
    assert {k: v for k, v in grown.indexes.items() if k in grown.recorded} == grown.recorded
    assert set(grown.indexes) == set(ids) and len(grown.recorded) == 40


def test_status_file_is_checked(tmp_path: Path) -> None:
    (tmp_path / status.STATUS_FILE).write_text("12 a\n12 b\n", "utf-8")
    with pytest.raises(Exception, match="listed twice"):
        status.read(tmp_path)
    (tmp_path / status.STATUS_FILE).write_text("banana\n", "utf-8")
    with pytest.raises(Exception, match="expected"):
        status.read(tmp_path)


@given(st.sets(st.integers(min_value=0, max_value=131_071), max_size=40))
@settings(max_examples=30, deadline=None)
def test_status_bits_round_trip(revoked: set[int]) -> None:
    bits = status.decode_list(status.encode_list(revoked))
    assert len(bits) == 16_384
    assert {i for i in range(131_072) if status.is_set(bits, i)} == revoked


# --- the key's configuration ----------------------------------------------------------------------


def _build(content: Path, out: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_KEY_FILE, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(
        ["build", "--content", str(content), "--out", str(out), "--base-url", BASE, "--frozen-ledger"]
    )


def test_key_configuration_problems_stop_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    retired_secret, _ = add_signing_key(content, "key-2025", retired=True)
    current_secret, _ = add_signing_key(content, "key-2026")
    stranger, stranger_public = keys.generate()
    cases = [
        ({keys.ENV_KEY: stranger}, f"public_key: {stranger_public}"),
        ({keys.ENV_KEY: retired_secret}, "retired"),
        ({keys.ENV_KEY: "z3u2notakey"}, "Multikey"),
        ({keys.ENV_KEY: current_secret, keys.ENV_KEY_FILE: "/tmp/x"}, "une seule"),
        ({keys.ENV_KEY_FILE: str(content / "media/key.txt")}, "dans le dépôt"),
    ]
    for env, words in cases:
        capsys.readouterr()
        assert _build(content, out, env, monkeypatch) == 2, env
        err = capsys.readouterr().err
        assert words in err, err
        assert current_secret not in err and retired_secret not in err and stranger not in err
    assert not out.exists(), "nothing was published"
    key_file = tmp_path / "outside" / "signing-key"
    key_file.parent.mkdir()
    key_file.write_text(current_secret + "\n", "utf-8")
    assert _build(content, out, {keys.ENV_KEY_FILE: str(key_file)}, monkeypatch) == 0
    assert "« key-2026 »" in capsys.readouterr().out
    assert (out / "issuers/jardins-de-la-loire/did.json").is_file()
    assert len(_json(out / "issuers/jardins-de-la-loire/did.json")["assertionMethod"]) == 2  # rotation


def test_two_keys_may_not_share_a_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    add_signing_key(content, "key-2026")
    add_signing_key(content, "key-2026")
    assert main(["validate", "--content", str(content)]) == 2
    assert "duplicate-key-id" in capsys.readouterr().err


# --- private keys where they must never be ------------------------------------------------------------


@pytest.mark.parametrize(
    "leak",
    ["multikey", "pem", "exact-hex"],
)
def test_a_private_key_in_the_content_fails_the_build(
    leak: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(EXAMPLE, content)
    secret, _ = add_signing_key(content)
    seed = multibase.decode_secret_key(secret)
    text = {
        "multikey": f"clé : {secret}\n",
        "pem": "-----BEGIN PRIVATE KEY-----\n(pas une vraie clé)\n-----END PRIVATE KEY-----\n",
        "exact-hex": f"{seed.hex()}\n",
    }[leak]
    (content / "notes-signature.key").write_text(text, "utf-8")  # any file, even one nobody reads
    code = _build(content, tmp_path / "site", {keys.ENV_KEY: secret}, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2
    assert "notes-signature.key:1:" in err and "private-key" in err, err
    assert secret not in err and seed.hex() not in err
    assert not (tmp_path / "site").exists()


def test_a_private_key_in_the_built_site_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(EXAMPLE, content)
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", templates)
    secret, _ = add_signing_key(content)
    (templates / "static/debug.txt").write_text(f"key = {secret}\n", "utf-8")
    monkeypatch.setenv(keys.ENV_KEY, secret)
    from badgegen.pipeline import BuildConfig, build
    from badgegen.privacy import PublishedPersonalData

    with pytest.raises(PublishedPersonalData) as raised:
        build(BuildConfig(content=content, out=tmp_path / "site", templates=templates, update_ledger=False))
    message = raised.value.format_message("fr")
    assert "static/debug.txt:1:7: published-private-key" in message
    assert secret not in message
    assert not (tmp_path / "site").exists()


def test_leak_detector_is_precise() -> None:
    assert leaks.find_private_keys(SPEC_SECRET.encode()) == [leaks.Leak(0, "multikey")]
    assert leaks.find_private_keys(b"x" + SPEC_SECRET.encode() + b"y") == []  # inside a longer word
    assert leaks.find_private_keys(SPEC_PUBLIC.encode()) == []  # public keys are public
    assert leaks.find_private_keys(b"-----BEGIN EC PRIVATE KEY-----")[0].kind == "pem"
    assert leaks.find_private_keys(b"-----BEGIN PUBLIC KEY-----") == []
    needles = leaks.environment_needles({keys.ENV_KEY: SPEC_SECRET})
    seed = multibase.decode_secret_key(SPEC_SECRET)
    assert seed.hex().encode() in needles
    assert leaks.find_private_keys(b"a\nb " + seed.hex().encode(), needles) == [leaks.Leak(4, "exact")]
    assert leaks.position(b"a\nb " + seed.hex().encode(), 4) == (2, 3)


# --- baking -------------------------------------------------------------------------------------------

SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" viewBox="0 0 8 8">'
    '<openbadges:assertion verify="https://x.example/a.json"><![CDATA[{"old": true}]]></openbadges:assertion>'
    '<circle cx="4" cy="4" r="3"/></svg>\n'
)


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGBA", (4, 4), (0, 0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def test_png_credential_bake_round_trip_beside_an_assertion() -> None:
    credential = json.dumps({"id": "https://x.example/c.json", "name": "Je sais semer ]]> ✓"})
    png = bake.bake_png(bake.bake_png(_png(), '{"assertion": 1}'), credential, bake.CREDENTIAL_KEYWORD)
    again = bake.bake_png(png, credential, bake.CREDENTIAL_KEYWORD)  # baking twice keeps one chunk
    assert again == png
    assert bake.unbake_png(png, bake.CREDENTIAL_KEYWORD) == credential
    assert bake.unbake_png(png) == '{"assertion": 1}'
    assert bake.unbake_png(_png(), bake.CREDENTIAL_KEYWORD) is None


@given(st.dictionaries(st.text(), st.text(), max_size=5))
@settings(max_examples=40, deadline=None)
def test_svg_credential_bake_round_trip(value: dict[str, str]) -> None:
    text = json.dumps(value, ensure_ascii=False)
    baked = bake.bake_svg_credential(SVG, text)
    root = ET.fromstring(baked.encode("utf-8"))
    found = root.findall("{https://purl.imsglobal.org/ob/v3p0}credential")
    assert len(found) == 1 and root[0] is found[0]
    assert json.loads(found[0].text or "") == value
    assert root.find("{http://openbadges.org}assertion") is None
    assert json.loads(bake.unbake_svg_credential(baked) or "") == value
    assert bake.bake_svg_credential(baked, text) == baked


# --- the OB 2.0 side still passes the official validator --------------------------------------------


def test_ob2_documents_with_related_still_pass_the_official_validator(tmp_path: Path) -> None:
    """`related` links to OB 3.0 (assertion, badge class, issuer) do not upset the 1EdTech validator."""
    import threading

    from test_official_validator import RECIPIENTS, _kinds, _validate, _validator_python

    from badgegen.serve import make_server

    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(EXAMPLE, content)
    secret, _ = add_signing_key(content)
    server = make_server(out, 0)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(keys.ENV_KEY, secret)
        assert (
            main(
                ["build", "--content", str(content), "--out", str(out), "--base-url", base, "--frozen-ledger"]
            )
            == 0
        )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        valid = sorted(_kinds()["valid"])
        assert "related" in _json(out / f"assertions/{valid[0]}.json")
        inputs = [f"{base}assertions/{award_id}.json" for award_id in valid]
        inputs += [str(out / f"assertions/{award_id}.png") for award_id in valid]
        results = _validate(_validator_python(), *inputs)
        assert len(results) == len(inputs) and len(valid) == len(set(valid) & set(RECIPIENTS))
        for result in results:
            assert result["valid"] is True, result
    finally:
        server.shutdown()
        server.server_close()


def test_shipped_contexts_are_the_recorded_files() -> None:
    """Every context answers from a file whose sha256 badgegen/contexts/README.md records."""
    import hashlib
    import re

    readme = (canon.CONTEXT_FOLDER / "README.md").read_text("utf-8")
    recorded = dict(
        re.findall(r"^\| `[^`]+` \| `([^`]+)` \| .*? \| `([0-9a-f]{64})` \|$", readme, re.MULTILINE)
    )
    for url, name in canon.CONTEXTS.items():
        data = (canon.CONTEXT_FOLDER / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == recorded[name], name
        assert f"`{url}`" in readme


def test_the_pre_commit_hook_refuses_a_key_in_any_content_file(tmp_path: Path) -> None:
    from test_privacy import MINIMAL, _git, _install

    folder = tmp_path / "registre"
    folder.mkdir()
    assert _git(folder, "init", "-q", "-b", "main").returncode == 0
    shutil.copytree(MINIMAL, folder / "content")
    assert _install(folder).returncode == 0
    secret, _ = keys.generate()
    (folder / "content/media/cle.bin").write_bytes(b"\x00\x01" + secret.encode() + b"\x00")
    assert _git(folder, "add", "content").returncode == 0
    refused = _git(folder, "commit", "-m", "clé")
    assert refused.returncode == 1
    assert refused.stderr.startswith("content/media/cle.bin:1:3: private-key -: une clé privée"), (
        refused.stderr
    )
    assert secret not in refused.stdout + refused.stderr
