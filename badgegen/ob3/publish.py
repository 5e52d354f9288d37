"""Every Open Badges 3.0 file of a build that signs, in a fixed order.

- per issuer: its DID document, its OB 3.0 Profile and its signed revocation list;
- per endorsement: its signed EndorsementCredential;
- per badge class: its Achievement (with the signed endorsements of the badge);
- per award: its signed OpenBadgeCredential, and the badge image baked with it
  (PNG, and SVG for SVG badges).

Every proof says the build time as `created` (`SOURCE_DATE_EPOCH` in CI), and
Ed25519 is deterministic: the same content, key and time give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC

from badgegen import bake, jsonld, urls
from badgegen.model import Award, Issuer, Registry
from badgegen.ob3 import documents, proof, status
from badgegen.ob3.canon import Document, Engine
from badgegen.ob3.did import did_document, verification_method
from badgegen.ob3.keys import SigningKey


@dataclass
class Signer:
    """Signs documents for the registry's issuers with this build's key, and counts them."""

    registry: Registry
    key: SigningKey
    engine: Engine = "pyld"
    count: int = field(default=0)

    @property
    def created(self) -> str:
        return self.registry.build_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def sign(self, document: Document, issuer: Issuer) -> Document:
        method = verification_method(self.registry, issuer, self.key.id)
        self.count += 1
        return proof.sign(document, self.key.private, method, self.created, engine=self.engine)


def outputs(signer: Signer, indexes: dict[str, int]) -> Iterator[tuple[str, bytes]]:
    """(path, bytes) of every OB 3.0 file; `indexes` gives each award's status list index."""
    registry = signer.registry
    for issuer in registry.issuers.values():
        yield urls.did_document(issuer), jsonld.dumps(did_document(registry, issuer))
        yield urls.issuer_profile(issuer), jsonld.dumps(documents.profile_document(registry, issuer))
        revoked = [indexes[a.id] for a in registry.revoked_awards_of(issuer)]
        revoked += status.restricted_revoked(indexes)  # restricted awards: every list (badgegen.restricted)
        unsigned = documents.status_list_credential(registry, issuer, status.encode_list(revoked))
        yield urls.status_list(issuer), jsonld.dumps(signer.sign(unsigned, issuer))
    endorsements: dict[str, Document] = {}
    for endorsement in registry.endorsements.values():
        unsigned = documents.endorsement_credential(registry, endorsement)
        endorsements[endorsement.id] = signer.sign(unsigned, endorsement.endorser)
        yield urls.endorsement_credential_json(endorsement), jsonld.dumps(endorsements[endorsement.id])
    achievements: dict[str, Document] = {}
    for badge in registry.badges.values():
        endorsed = [endorsements[e.id] for e in registry.endorsements_of("badge", badge.slug)]
        achievements[badge.slug] = documents.achievement(registry, badge, endorsed)
        yield (
            urls.achievement_json(badge),
            jsonld.dumps(documents.achievement_document(registry, badge, endorsed)),
        )
    for award in registry.awards.values():
        endorsed = [endorsements[e.id] for e in registry.endorsements_of("award", award.id)]
        achievement = achievements[award.badge.slug]
        unsigned = documents.credential(registry, award, achievement, endorsed, indexes[award.id])
        yield from _award_files(award, signer.sign(unsigned, award.badge.issuer))


def _award_files(award: Award, credential: Document) -> Iterator[tuple[str, bytes]]:
    """The signed credential, and the badge image baked with it (PNG; SVG for SVG badges)."""
    yield urls.credential_json(award), jsonld.dumps(credential)
    compact = json.dumps(credential, ensure_ascii=False, separators=(",", ":"))
    yield urls.credential_png(award), bake.bake_png(award.badge.image.png, compact, bake.CREDENTIAL_KEYWORD)
    if award.badge.image.format == "svg":
        baked = bake.bake_svg_credential(award.badge.image.data.decode("utf-8"), compact)
        yield urls.credential_svg(award), baked.encode("utf-8")
