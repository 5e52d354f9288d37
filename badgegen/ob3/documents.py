"""The Open Badges 3.0 documents, unsigned: one pure function per document, fixed key order.

Every term used here is defined by the W3C VC 2.0 context or the OB 3.0 context
(3.0.3) shipped in `badgegen/contexts/`; `canon.expand` refuses anything else.
The mapping from the OB 2.0 model follows the OB 3.0 implementation guide
("How to support both OB 2.0 and OB 3.0 as an Issuer"):

- the issuer is an embedded `Profile` whose `id` is its did:web DID, with
  `otherIdentifier` naming its OB 2.0 Profile (and the DID document
  `alsoKnownAs` it);
- a badge class is an `Achievement` with its own id (`badges/<slug>.achievement.json`,
  published), `related` to the OB 2.0 BadgeClass;
- an award is an `OpenBadgeCredential`: `validFrom` = issuedOn, `validUntil` =
  expires, the recipient as a hashed `IdentityObject` (the same salted hash as
  OB 2.0), the award's narrative and *public* evidence (private evidence is not
  even described), its endorsements as signed `EndorsementCredential`s, and a
  `BitstringStatusListEntry` for revocation. A revoked award keeps its credential
  (its status bit says revoked) without narrative, evidence or endorsements, as
  its OB 2.0 document does.

OB 3.0 has no `related` on credentials: a credential reaches the OB 2.0 world
through its achievement (`related`) and its issuer (`otherIdentifier`), and the
OB 2.0 assertion names its credential in `related` (`badgegen.jsonld`).
"""

from __future__ import annotations

from badgegen import jsonld, urls
from badgegen.model import Alignment, Award, BadgeClass, Endorsement, Evidence, Issuer, Registry
from badgegen.ob3.canon import OB_V3, VC_V2, Document
from badgegen.ob3.did import issuer_did
from badgegen.timeutil import iso

CONTEXT = [VC_V2, OB_V3]
LANGUAGE = "fr"
OB2_BADGECLASS = "https://w3id.org/openbadges#BadgeClass"
_GENRES = {
    "photo": "Photo",
    "video": "Video",
    "audio": "Podcast",
    "document": "Document",
    "text": "Testimony",
}


def profile(registry: Registry, issuer: Issuer) -> Document:
    """The issuer as an OB 3.0 Profile, embedded in credentials (no `@context`)."""
    base = registry.site.base_url
    doc: Document = {
        "id": issuer_did(registry, issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description is not None:
        doc["description"] = issuer.description.fr
    if issuer.image is not None:
        doc["image"] = {"id": base + urls.issuer_image(issuer), "type": "Image"}
    doc["otherIdentifier"] = [
        {
            "type": ["IdentifierEntry"],
            "identifier": base + urls.issuer_json(issuer),
            "identifierType": "identifier",
        }
    ]
    return doc


def profile_document(registry: Registry, issuer: Issuer) -> Document:
    """The published Profile (`issuers/<slug>/profile.json`): the same, with its contexts."""
    return {"@context": CONTEXT, **profile(registry, issuer)}


def achievement(registry: Registry, badge: BadgeClass, endorsements: list[Document]) -> Document:
    """A badge class as an OB 3.0 Achievement (no `@context`), with its signed endorsements."""
    base = registry.site.base_url
    criteria: Document = {"id": base + urls.badge_page(badge, "fr")}
    if badge.criteria is not None:
        criteria["narrative"] = badge.criteria.fr
    doc: Document = {
        "id": base + urls.achievement_json(badge),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name.fr,
        "description": badge.description.fr,
        "criteria": criteria,
        "image": {"id": base + urls.badge_image(badge), "type": "Image"},
    }
    if badge.tags:
        doc["tag"] = list(badge.tags)
    if badge.alignments:
        doc["alignment"] = [_alignment(a) for a in badge.alignments]
    doc["creator"] = profile(registry, badge.issuer)
    doc["inLanguage"] = LANGUAGE
    doc["related"] = [
        {
            "id": base + urls.badge_json_in(badge, lang),
            "type": ["Related", OB2_BADGECLASS],
            "inLanguage": lang,
            "version": "Open Badges v2p0",
        }
        for lang in [LANGUAGE, *jsonld.badge_translations(badge)]
    ]
    if endorsements:
        doc["endorsement"] = endorsements
    return doc


def achievement_document(registry: Registry, badge: BadgeClass, endorsements: list[Document]) -> Document:
    """The published Achievement (`badges/<slug>.achievement.json`)."""
    return {"@context": CONTEXT, **achievement(registry, badge, endorsements)}


def _alignment(alignment: Alignment) -> Document:
    doc: Document = {"type": ["Alignment"], "targetName": alignment.name, "targetUrl": alignment.url}
    if alignment.description:
        doc["targetDescription"] = alignment.description
    doc["targetFramework"] = alignment.framework
    if alignment.code:
        doc["targetCode"] = alignment.code
    return doc


def status_entry(registry: Registry, award: Award, index: int) -> Document:
    """The award's entry in its issuer's revocation list."""
    url = registry.site.base_url + urls.status_list(award.badge.issuer)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def credential(
    registry: Registry,
    award: Award,
    achievement_doc: Document,
    endorsements: list[Document],
    status_index: int,
) -> Document:
    """The award as an unsigned OpenBadgeCredential."""
    base = registry.site.base_url
    revoked = award.revoked is not None
    subject: Document = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": award.recipient.identity,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": award.recipient.salt,
            }
        ],
        "achievement": achievement_doc,
    }
    if award.narrative is not None and not revoked:
        subject["narrative"] = award.narrative.fr
    doc: Document = {
        "@context": CONTEXT,
        "id": base + urls.credential_json(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile(registry, award.badge.issuer),
        "validFrom": iso(award.issued_on),
    }
    if award.expires is not None:
        doc["validUntil"] = iso(award.expires)
    doc["name"] = award.badge.name.fr
    doc["credentialSubject"] = subject
    evidence = [_evidence(registry, item) for item in award.evidence if not item.private]
    if evidence and not revoked:
        doc["evidence"] = evidence
    if endorsements and not revoked:
        doc["endorsement"] = endorsements
    doc["credentialStatus"] = status_entry(registry, award, status_index)
    return doc


def _evidence(registry: Registry, item: Evidence) -> Document:
    doc: Document = {}
    url = jsonld.evidence_url(registry, item)
    if url is not None:
        doc["id"] = url
    doc["type"] = ["Evidence"]
    doc["name"] = item.name.fr
    if item.description is not None:
        doc["description"] = item.description.fr
    if item.narrative is not None:
        doc["narrative"] = item.narrative.fr
    doc["genre"] = _GENRES[item.kind]
    return doc


def endorsement_subject_id(registry: Registry, endorsement: Endorsement) -> str:
    """What an endorsement is about, in OB 3.0 terms: a credential, an achievement or a DID."""
    base = registry.site.base_url
    if endorsement.subject_kind == "award":
        return base + urls.credential_json(registry.awards[endorsement.subject_id])
    if endorsement.subject_kind == "badge":
        return base + urls.achievement_json(registry.badges[endorsement.subject_id])
    return issuer_did(registry, registry.issuers[endorsement.subject_id])


def endorsement_credential(registry: Registry, endorsement: Endorsement) -> Document:
    """An endorsement as an unsigned EndorsementCredential, issued by the endorser's DID."""
    return {
        "@context": CONTEXT,
        "id": registry.site.base_url + urls.endorsement_credential_json(endorsement),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": profile(registry, endorsement.endorser),
        "validFrom": iso(endorsement.issued_on),
        "name": f"Recommandation de {endorsement.endorser.name}",
        "credentialSubject": {
            "id": endorsement_subject_id(registry, endorsement),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.comment.fr,
        },
    }


def status_list_credential(registry: Registry, issuer: Issuer, encoded_list: str) -> Document:
    """An issuer's unsigned BitstringStatusListCredential (revocation).

    No `validFrom`: verifiers check a status list's dates against their own clock, and a
    list built "now" must verify at once everywhere. Its proof has no `created` either
    (`badgegen.ob3.publish`): the list's bytes change when one of its bits does, not at each build.
    """
    url = registry.site.base_url + urls.status_list(issuer)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(registry, issuer),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
