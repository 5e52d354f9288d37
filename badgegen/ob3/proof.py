"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing, as the spec's algorithms say:

1. the proof configuration (type, cryptosuite, [created,] verificationMethod,
   proofPurpose) takes the document's `@context`, and is canonicalised (RDFC-1.0);
2. the document without `proof` is canonicalised;
3. hashData = SHA-256(canonical proof configuration) || SHA-256(canonical document);
4. proofValue = base58btc multibase of the Ed25519 signature of hashData.

`created` is optional (VC Data Integrity 1.0 §2.1 "Proofs": "The date and time the
proof was created is OPTIONAL"; vc-di-eddsa checks it only "if proofConfig.created is
set"; OB 3.0's Proof has `created` [0..1]). badgegen's proofs have none
(`badgegen.ob3.publish` says why); `created` is accepted here for the spec's test vectors.
Ed25519 signatures are deterministic, so the same document, key (and `created`)
always give the same proof. `verify` exists for the tests; the independent check
is Digital Bazaar's verifier (tests/vc-verifier/).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from badgegen.ob3 import multibase

if TYPE_CHECKING:  # (keys are cryptography's objects; it loads when a key is read)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from badgegen.ob3.canon import Document, Engine, canonicalize

CRYPTOSUITE = "eddsa-rdfc-2022"


def proof_configuration(document: Document, verification_method: str, created: str | None = None) -> Document:
    """The proof options, in the spec's key order (without `proofValue`); no `created` when None."""
    config: Document = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE}
    if created is not None:
        config["created"] = created
    config["verificationMethod"] = verification_method
    config["proofPurpose"] = "assertionMethod"
    return config


def hash_data(
    document: Document,
    proof: Mapping[str, Any],
    *,
    engine: Engine = "fast",
    extra: Mapping[str, Document] | None = None,
) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical unsigned document."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = unsigned["@context"]
    if extra is None:  # one issuer, one build: the same few configurations sign every document
        config_hash = _config_hash(json.dumps(config, sort_keys=True), engine)
    else:
        config_hash = _sha256(canonicalize(config, engine=engine, extra=extra))
    return config_hash + _sha256(canonicalize(unsigned, engine=engine, extra=extra))


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


@lru_cache(maxsize=256)
def _config_hash(config_json: str, engine: Engine) -> bytes:
    return _sha256(canonicalize(json.loads(config_json), engine=engine))


def sign(
    document: Document,
    key: Ed25519PrivateKey,
    verification_method: str,
    created: str | None = None,
    *,
    engine: Engine = "fast",
    extra: Mapping[str, Document] | None = None,
) -> Document:
    """`document` with a `proof` (added last, so every other key keeps its place)."""
    proof = proof_configuration(document, verification_method, created)
    signature = key.sign(hash_data(document, proof, engine=engine, extra=extra))
    return attach(document, verification_method, created, multibase.encode_base58btc(signature))


def attach(document: Document, verification_method: str, created: str | None, proof_value: str) -> Document:
    """`document` with the proof whose `proofValue` is given (what `sign` returns for it)."""
    proof = proof_configuration(document, verification_method, created)
    proof["proofValue"] = proof_value
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": proof}


def verify(
    document: Document,
    public_key: Ed25519PublicKey,
    *,
    engine: Engine = "fast",
    extra: Mapping[str, Document] | None = None,
) -> bool:
    """Whether `document`'s proof is a valid eddsa-rdfc-2022 signature by `public_key`."""
    from cryptography.exceptions import InvalidSignature

    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    try:
        signature = multibase.decode_base58btc(str(proof.get("proofValue", "")))
        public_key.verify(signature, hash_data(document, proof, engine=engine, extra=extra))
    except (InvalidSignature, ValueError):
        return False
    return True
