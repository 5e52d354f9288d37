"""Stage 3: the model as Open Badges 2.0 JSON-LD documents (hosted verification).

One pure function per document type; each returns a dict whose key order is
fixed by construction, so the same model always serialises to the same bytes.
Every `id` is the absolute URL the document is published at: a verifier fetches
that URL and must get the same document back (HostedBadge verification).

Texts are published in French (`@language: fr`), the registry's first language.

When the build signs Open Badges 3.0 credentials (`registry.signed`), each OB 2.0
document names its OB 3.0 counterpart in `related` (`{id, version: "Open Badges
v3p0"}`, as the OB 3.0 implementation guide suggests; without `type`, which the
1EdTech validator would check against the OB 2.0 class): the assertion its signed
credential, the badge class its Achievement, the issuer its OB 3.0 Profile (whose id
is its DID; the validator refuses a DID there).
"""

from __future__ import annotations

from typing import Any

import orjson

from badgegen import urls
from badgegen.model import Award, BadgeClass, Endorsement, Evidence, Issuer, Registry, Text
from badgegen.timeutil import iso

CONTEXT = "https://w3id.org/openbadges/v2"
OB3_VERSION = "Open Badges v3p0"
LANGUAGE = "fr"
_GENRES = {
    "photo": "Photo",
    "video": "Video",
    "audio": "Podcast",
    "document": "Document",
    "text": "Testimony",
}

Document = dict[str, Any]


def dumps(document: Document) -> bytes:
    """Stable JSON bytes: UTF-8, two-space indent, trailing newline.

    The very bytes of `json.dumps(document, ensure_ascii=False, indent=2)`, made by orjson:
    Python's `json` encodes with its C encoder only without an indent, so every indented
    document went through its pure-Python encoder (40 times slower; a hosted assertion per
    award). Our documents hold strings, integers, booleans, null, lists and dicts, where
    both agree byte for byte (tests/test_jsonld_dumps.py); they would differ only on some
    floats (`1e-07` against `1e-7`), which no document holds.
    """
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _fr(text: Text) -> str:
    return text.fr


def _endorsement_ids(registry: Registry, kind: str, subject_id: str) -> list[str]:
    base = registry.site.base_url
    return [base + urls.endorsement_json(e) for e in registry.endorsements_of(kind, subject_id)]


def issuer_document(registry: Registry, issuer: Issuer) -> Document:
    """OB 2.0 Profile (type Issuer). The validator requires name, url and email."""
    base = registry.site.base_url
    doc: Document = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": base + urls.issuer_json(issuer),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description is not None:
        doc["description"] = _fr(issuer.description)
    if issuer.image is not None:
        doc["image"] = base + urls.issuer_image(issuer)
    doc["revocationList"] = base + urls.issuer_revocations(issuer)
    endorsements = _endorsement_ids(registry, "issuer", issuer.slug)
    if endorsements:
        doc["endorsement"] = endorsements
    if registry.signed:  # its OB 3.0 Profile, whose id is the DID (the validator accepts no DID here)
        doc["related"] = [{"id": base + urls.issuer_profile(issuer), "version": OB3_VERSION}]
    doc["@language"] = LANGUAGE
    return doc


def badge_translations(badge: BadgeClass) -> list[str]:
    """The languages other than French the badge class is written in."""
    return ["en"] if badge.name.has("en") and badge.description.has("en") else []


def badge_document(registry: Registry, badge: BadgeClass, lang: str = LANGUAGE) -> Document:
    """OB 2.0 BadgeClass with criteria (narrative and page), alignments and tags.

    The French document is the one assertions point to; a translation is published
    beside it and both name each other in `related`, as the spec suggests for
    badges in several languages.
    """
    base = registry.site.base_url
    criteria: Document = {"id": base + urls.badge_page(badge, lang)}
    if badge.criteria is not None:
        criteria["narrative"] = badge.criteria.get(lang)
    doc: Document = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": base + urls.badge_json_in(badge, lang),
        "name": badge.name.get(lang),
        "description": badge.description.get(lang),
        "image": base + urls.badge_image(badge),
        "criteria": criteria,
        "issuer": base + urls.issuer_json(badge.issuer),
    }
    if badge.tags:
        doc["tags"] = list(badge.tags)
    if badge.alignments:
        doc["alignment"] = [_alignment(a) for a in badge.alignments]
    endorsements = _endorsement_ids(registry, "badge", badge.slug)
    if endorsements:
        doc["endorsement"] = endorsements
    others = [other for other in [LANGUAGE, *badge_translations(badge)] if other != lang]
    related: list[Document] = [
        {"type": "BadgeClass", "id": base + urls.badge_json_in(badge, other), "@language": other}
        for other in others
    ]
    if registry.signed:
        related.append({"id": base + urls.achievement_json(badge), "version": OB3_VERSION})
    if related:
        doc["related"] = related
    doc["@language"] = lang
    return doc


def _alignment(alignment: Any) -> Document:
    doc: Document = {"targetName": alignment.name, "targetUrl": alignment.url}
    if alignment.description:
        doc["targetDescription"] = alignment.description
    doc["targetFramework"] = alignment.framework
    if alignment.code:
        doc["targetCode"] = alignment.code
    return doc


def assertion_document(registry: Registry, award: Award) -> Document:
    """OB 2.0 Assertion, hosted; a revoked award becomes the short revoked document."""
    if award.revoked is not None:
        return revoked_assertion_document(registry, award)
    base = registry.site.base_url
    doc: Document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": base + urls.assertion_json(award),
        "recipient": {
            "type": award.recipient.type,
            "hashed": True,
            "salt": award.recipient.salt,
            "identity": award.recipient.identity,
        },
        "badge": base + urls.badge_json(award.badge),
        "verification": {"type": "HostedBadge"},
        "issuedOn": iso(award.issued_on),
        "image": base + urls.assertion_png(award),
    }
    if award.expires is not None:
        doc["expires"] = iso(award.expires)
    if award.narrative is not None:
        doc["narrative"] = _fr(award.narrative)
    if award.evidence:
        doc["evidence"] = [_evidence(registry, item) for item in award.evidence]
    endorsements = _endorsement_ids(registry, "award", award.id)
    if endorsements:
        doc["endorsement"] = endorsements
    if registry.signed:
        doc["related"] = [{"id": base + urls.credential_json(award), "version": OB3_VERSION}]
    doc["@language"] = LANGUAGE
    return doc


def revoked_assertion_document(registry: Registry, award: Award) -> Document:
    """What the spec asks a host to answer for a revoked assertion; it stays published."""
    assert award.revoked is not None
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": registry.site.base_url + urls.assertion_json(award),
        "revoked": True,
        "revocationReason": award.revoked.reason,
    }


def revocation_list_document(registry: Registry, issuer: Issuer) -> Document:
    """OB 2.0 RevocationList of an issuer: every revoked assertion of its badges, by URL.

    The spec defines it for signed badges; hosted ones answer `revoked: true` at
    their own URL too. Published for every issuer (empty when nothing is revoked),
    so the Profile's `revocationList` always leads somewhere.
    """
    base = registry.site.base_url
    revoked = sorted(
        (base + urls.assertion_json(award), award.revoked.reason)
        for award in registry.revoked_awards_of(issuer)
        if award.revoked is not None
    )
    return {
        "@context": CONTEXT,
        "type": "RevocationList",
        "id": base + urls.issuer_revocations(issuer),
        "issuer": base + urls.issuer_json(issuer),
        "revokedAssertions": [{"id": url, "revocationReason": reason} for url, reason in revoked],
    }


#: What a private piece of evidence says in place of its link (documents are in French).
PRIVATE_EVIDENCE_NOTE = (
    "Preuve privée : montrée seulement sur demande, par l'organisation qui a donné le badge."
)


def evidence_url(registry: Registry, item: Evidence) -> str | None:
    """The absolute URL of a piece of evidence: its own, or the published media file.

    A private piece of evidence has none: neither its address nor its file is published.
    """
    if item.private:
        return None
    if item.file is not None:
        return registry.site.base_url + urls.media(item.file)
    return item.url


def _evidence(registry: Registry, item: Evidence) -> Document:
    if item.private:
        return _private_evidence(item)
    doc: Document = {"type": "Evidence"}
    url = evidence_url(registry, item)
    if url is not None:
        doc["id"] = url
    doc["name"] = _fr(item.name)
    if item.description is not None:
        doc["description"] = _fr(item.description)
    if item.narrative is not None:
        doc["narrative"] = _fr(item.narrative)
    doc["genre"] = _GENRES[item.kind]
    return doc


def _private_evidence(item: Evidence) -> Document:
    """Only what says the evidence exists: no id, file, narrative or transcript (they may be personal)."""
    doc: Document = {"type": "Evidence", "name": _fr(item.name)}
    if item.description is not None:
        doc["description"] = _fr(item.description)
    doc["narrative"] = PRIVATE_EVIDENCE_NOTE
    doc["genre"] = _GENRES[item.kind]
    return doc


def endorsement_document(registry: Registry, endorsement: Endorsement) -> Document:
    """OB 2.0 Endorsement: a hosted claim by an issuer Profile about another object."""
    base = registry.site.base_url
    return {
        "@context": CONTEXT,
        "type": "Endorsement",
        "id": base + urls.endorsement_json(endorsement),
        "claim": {
            "id": _subject_id(registry, endorsement),
            "endorsementComment": _fr(endorsement.comment),
        },
        "issuer": base + urls.issuer_json(endorsement.endorser),
        "issuedOn": iso(endorsement.issued_on),
        "verification": {"type": "HostedBadge"},
        "@language": LANGUAGE,
    }


def _subject_id(registry: Registry, endorsement: Endorsement) -> str:
    base = registry.site.base_url
    if endorsement.subject_kind == "award":
        return base + urls.assertion_json(registry.awards[endorsement.subject_id])
    if endorsement.subject_kind == "badge":
        return base + urls.badge_json(registry.badges[endorsement.subject_id])
    return base + urls.issuer_json(registry.issuers[endorsement.subject_id])
