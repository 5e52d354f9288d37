"""Every Open Badges 3.0 file of a build that signs, in a fixed order.

- per issuer: its DID document, its OB 3.0 Profile and its signed revocation list;
- per endorsement: its signed EndorsementCredential;
- per badge class: its Achievement (with the signed endorsements of the badge);
- per award: its signed OpenBadgeCredential, and the badge image baked with it
  (PNG, and SVG for SVG badges).

**No proof says `created`.** A proof is a pure function of the document and the key, so a
build that changes nothing writes the same bytes as the last one, and an unchanged
credential never changes for its earner. `created` is optional everywhere that matters:
VC Data Integrity 1.0 §2.1 ("The date and time the proof was created is OPTIONAL"),
vc-di-eddsa's proof configuration (checked only "if proofConfig.created is set"), OB 3.0's
`Proof` (`created` [0..1]); Digital Bazaar's verifier accepts its absence
(tests/test_ob3_verifier.py). The alternatives were worse: the build time re-signed and
rewrote every credential at each build (every earner's copy differing from the site's for no
reason), and a date taken from the content (`validFrom`) would claim a signing time that is
false as soon as a credential is signed again (a key rotation, an endorsement added).
When a credential was issued is its `validFrom`; the status lists carry no date either
(their bits change, and then their bytes, only when a revocation does).

**A memo** (`Signer(memo=…)`, any `MutableMapping[str, str]`; a build's is an SQLite file in its
cache, read a proof at a time: `badgegen.proofstore`) keeps each proof: an unchanged document is not signed again (`signed` counts the real
signatures, `reused` the proofs taken from the memo). Its key is a tag of everything the proof
depends on: the exact unsigned document (JSON, sorted keys), the verification method, the
`created` (none), the public key, the cryptosuite and the shipped contexts' bytes (a context is
part of what is signed). Keys and values are HMAC-SHA256 tags made with a secret derived from
the signing key (the signature of a fixed text): a memo read from a cache that someone else
could write is no risk, since an entry this key did not write is ignored and the document signed
again, and the memo tells nothing about the documents, restricted ones included.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import cache

from badgegen import bake, jsonld, urls
from badgegen.model import Award, Issuer, Registry
from badgegen.ob3 import documents, proof, status
from badgegen.ob3.canon import CONTEXT_FOLDER, CONTEXTS, Document, Engine
from badgegen.ob3.did import did_document, verification_method
from badgegen.ob3.keys import SigningKey

#: Changes whenever what a memo entry stands for changes (the proof's shape, the canonical form).
MEMO_VERSION = "badgegen-ob3-memo-1"


@cache
def _contexts_digest() -> str:
    """SHA-256 of every shipped context file: a new context file invalidates every memo entry."""
    digest = hashlib.sha256()
    for url, name in sorted(CONTEXTS.items()):
        digest.update(f"{url}\n".encode())
        digest.update(hashlib.sha256((CONTEXT_FOLDER / name).read_bytes()).digest())
    return digest.hexdigest()


@dataclass
class Signer:
    """Signs documents for the registry's issuers with this build's key, and counts them.

    With a `memo`, a document signed before (same bytes, key, verification method) gets its
    earlier proof back instead of a new signature: the same proof, since Ed25519 is
    deterministic and no proof says `created`.
    """

    registry: Registry
    key: SigningKey
    engine: Engine = "fast"
    memo: MutableMapping[str, str] | None = field(default=None, repr=False)
    signed: int = field(default=0)  # documents really signed
    reused: int = field(default=0)  # documents whose proof came from the memo
    #: The memo keys this signer read or wrote: what a caller keeps when it prunes the memo.
    memo_keys: set[str] = field(default_factory=set, repr=False)
    _memo_secret: bytes = field(default=b"", init=False, repr=False)

    @property
    def count(self) -> int:
        """Documents given a proof (signed or reused)."""
        return self.signed + self.reused

    def sign(self, document: Document, issuer: Issuer, *, counted: bool = True) -> Document:
        """`document` with its proof. Not `counted`: a document this build gives a proof to
        once already, made again where it is embedded (`award_outputs`)."""
        method = verification_method(self.registry, issuer, self.key.id)
        if self.memo is None:
            self.signed += counted
            return proof.sign(document, self.key.private, method, engine=self.engine)
        key = self._memo_key(document, method)
        self.memo_keys.add(key)
        proof_value = self._recall(key)
        if proof_value is not None:
            self.reused += counted
            return proof.attach(document, method, None, proof_value)
        signed = proof.sign(document, self.key.private, method, engine=self.engine)
        proof_value = signed["proof"]["proofValue"]
        self.memo[key] = f"{proof_value}.{self._tag('value', key, proof_value)}"
        self.signed += counted
        return signed

    def _tag(self, *parts: str) -> str:
        if not self._memo_secret:  # derived from the signing key (a signature of a fixed text), once
            self._memo_secret = hashlib.sha256(self.key.private.sign(MEMO_VERSION.encode())).digest()
        message = "\0".join(parts).encode("utf-8")
        return hmac.new(self._memo_secret, message, hashlib.sha256).hexdigest()

    def _memo_key(self, document: Document, method: str) -> str:
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        text = json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        created = ""  # no proof says `created` (module docstring)
        parts = (MEMO_VERSION, proof.CRYPTOSUITE, _contexts_digest(), self.key.public_key, method, created)
        return self._tag("key", *parts, text)

    def _recall(self, key: str) -> str | None:
        """The proofValue the memo holds for `key`, if this key's builds wrote it."""
        assert self.memo is not None
        entry = self.memo.get(key)
        if not isinstance(entry, str) or entry.count(".") != 1:
            return None
        proof_value, tag = entry.split(".")
        if not hmac.compare_digest(tag, self._tag("value", key, proof_value)):
            return None
        return proof_value


@dataclass
class SharedParts:
    """What the awards' credentials reuse: the achievements, and the signed endorsements of
    badges and issuers. An award's own endorsements are not kept: they are made again, their
    proofs from the memo, for the few credentials a build makes (`award_outputs`); kept for
    all of them, they were 12 MB at 50 000 awards, signed, held through every build."""

    endorsements: dict[str, Document] = field(default_factory=dict)
    achievements: dict[str, Document] = field(default_factory=dict)


def outputs(signer: Signer, indexes: dict[str, int]) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every OB 3.0 file; `indexes` gives each award's status list index."""
    parts = SharedParts()
    yield from shared_outputs(signer, indexes, parts)
    for award in signer.registry.awards.values():
        yield from award_outputs(signer, parts, award, indexes[award.id])


def shared_outputs(
    signer: Signer, indexes: dict[str, int], parts: SharedParts
) -> Iterator[tuple[str, bytes]]:
    """The OB 3.0 files that are not an award's: DID documents, profiles, status lists,
    endorsement credentials and achievements (in `parts`, what the awards reuse: `SharedParts`)."""
    registry = signer.registry
    for issuer in registry.issuers.values():
        yield urls.did_document(issuer), jsonld.dumps(did_document(registry, issuer))
        yield urls.issuer_profile(issuer), jsonld.dumps(documents.profile_document(registry, issuer))
        revoked = [indexes[a.id] for a in registry.revoked_awards_of(issuer)]
        revoked += status.restricted_revoked(indexes)  # restricted awards: every list (badgegen.restricted)
        unsigned = documents.status_list_credential(registry, issuer, status.encode_list(revoked))
        yield urls.status_list(issuer), jsonld.dumps(signer.sign(unsigned, issuer))
    for endorsement in registry.endorsements.values():
        unsigned = documents.endorsement_credential(registry, endorsement)
        signed = signer.sign(unsigned, endorsement.endorser)
        if endorsement.subject_kind != "award":
            parts.endorsements[endorsement.id] = signed
        yield urls.endorsement_credential_json(endorsement), jsonld.dumps(signed)
    for badge in registry.badges.values():
        endorsed = [parts.endorsements[e.id] for e in registry.endorsements_of("badge", badge.slug)]
        parts.achievements[badge.slug] = documents.achievement(registry, badge, endorsed)
        yield (
            urls.achievement_json(badge),
            jsonld.dumps(documents.achievement_document(registry, badge, endorsed)),
        )


def award_outputs(
    signer: Signer, parts: SharedParts, award: Award, index: int
) -> Iterator[tuple[str, bytes]]:
    """One award's signed credential and its baked images (`index`: its status list entry)."""
    registry = signer.registry
    endorsed = [
        signer.sign(documents.endorsement_credential(registry, e), e.endorser, counted=False)
        for e in registry.endorsements_of("award", award.id)
    ]
    achievement = parts.achievements[award.badge.slug]
    unsigned = documents.credential(registry, award, achievement, endorsed, index)
    yield from _award_files(award, signer.sign(unsigned, award.badge.issuer))


def _award_files(award: Award, credential: Document) -> Iterator[tuple[str, bytes]]:
    """The signed credential, and the badge image baked with it (PNG; SVG for SVG badges)."""
    yield urls.credential_json(award), jsonld.dumps(credential)
    compact = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    yield urls.credential_png(award), bake.bake_png(award.badge.image.png, compact, bake.CREDENTIAL_KEYWORD)
    if award.badge.image.format == "svg":
        baked = bake.bake_svg_credential(award.badge.image.data.decode("utf-8"), compact)
        yield urls.credential_svg(award), baked.encode("utf-8")
