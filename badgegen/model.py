"""The typed, frozen model of a registry: what templates and emitters see.

Nothing here reads files or knows about YAML. Each field's docstring or comment
names the Open Badges 2.0 property it feeds, so the mapping in `jsonld.py` can
be checked against the spec at a glance.

Every class has slots (no per-object dictionary): a registry may hold tens of
thousands of awards. `Registry`'s lookups (an award's endorsements, a badge's listed
awards...) use indexes built once, on first use, so building every page stays linear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Family = Literal["savoir-faire", "savoir-etre", "engagement"]
Status = Literal["valid", "expired", "revoked"]
SubjectKind = Literal["award", "badge", "issuer"]
FAMILIES: tuple[Family, ...] = ("savoir-faire", "savoir-etre", "engagement")


@dataclass(frozen=True, slots=True)
class Text:
    """A text in French with an optional English version."""

    fr: str
    en: str | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to French when there is no translation."""
        return self.en if lang == "en" and self.en else self.fr

    def has(self, lang: str) -> bool:
        return lang == "fr" or self.en is not None


@dataclass(frozen=True, slots=True)
class Image:
    """A checked image, ready to publish (PNG re-encoded without metadata, or clean SVG)."""

    source_name: str
    format: Literal["png", "svg"]
    data: bytes
    width: int
    height: int
    png: bytes  # the PNG to bake: the image itself, or the rendering of an SVG


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A key of registry.yaml's `signing_keys`: the registry's keys sign every OB 3.0 credential."""

    id: str  # the key's name: its verification method is <issuer DID>#<id>
    public_key: str  # Multikey publicKeyMultibase (z6Mk…)
    retired: bool = False  # listed, so what it signed still verifies; never signs again


@dataclass(frozen=True, slots=True)
class Site:
    """registry.yaml: the registry as a whole."""

    name: Text
    tagline: Text | None
    description: Text | None
    base_url: str  # always ends with "/"
    languages: tuple[str, ...]
    timezone: str
    contact: Contact
    publisher: str | None
    #: registry.yaml's custom `domain`, when this build is for it (GitHub Pages' CNAME file);
    #: None for a preview at another address.
    cname: str | None = None
    #: registry.yaml's `signing_keys`: the public keys of Open Badges 3.0 signatures (rotation keeps old ones).
    signing_keys: tuple[PublicKey, ...] = ()


@dataclass(frozen=True, slots=True)
class Issuer:
    """An organisation (OB 2.0 Profile): issues badges or endorses."""

    slug: str
    name: str  # Profile.name
    kind: str
    url: str  # Profile.url
    email: str  # Profile.email (public contact only)
    description: Text | None  # Profile.description
    territory: str | None
    image: Image | None  # Profile.image


@dataclass(frozen=True, slots=True)
class Alignment:
    """AlignmentObject: a link to ROME, ESCO or another framework."""

    framework: str  # targetFramework
    code: str | None  # targetCode
    name: str  # targetName
    url: str  # targetUrl
    description: str | None  # targetDescription


@dataclass(frozen=True, slots=True)
class BadgeClass:
    """A badge that can be awarded (OB 2.0 BadgeClass)."""

    slug: str
    name: Text  # BadgeClass.name
    description: Text  # BadgeClass.description
    issuer: Issuer  # BadgeClass.issuer
    image: Image  # BadgeClass.image
    family: Family
    self_declared: bool
    criteria: Text | None  # BadgeClass.criteria.narrative
    tags: tuple[str, ...]  # BadgeClass.tags
    alignments: tuple[Alignment, ...]  # BadgeClass.alignment
    validity_months: int | None
    #: Never published: lives in the private folder; its awards are only signed and delivered.
    restricted: bool = False


@dataclass(frozen=True, slots=True)
class Recipient:
    """IdentityObject: always a salted SHA-256 hash of a normalised e-mail."""

    type: str
    identity: str  # "sha256$" + hex digest
    salt: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence: a photo, a video, a podcast, a document or a text."""

    kind: str  # photo | video | audio | document | text
    url: str | None  # Evidence.id (absolute; a media file becomes a site URL)
    file: str | None  # the media file name, when published with the site
    name: Text  # Evidence.name
    description: Text | None  # Evidence.description (alt text of a photo)
    narrative: Text | None  # Evidence.narrative
    transcript: str | None
    #: Described (name, description) but never published: no URL, no file, no narrative.
    private: bool = False


@dataclass(frozen=True, slots=True)
class Revocation:
    on: datetime
    reason: str  # Assertion.revocationReason


@dataclass(frozen=True, slots=True)
class Award:
    """One badge awarded to one person (OB 2.0 Assertion)."""

    id: str  # random, unguessable; the file name
    badge: BadgeClass  # Assertion.badge
    recipient: Recipient  # Assertion.recipient
    issued_on: datetime  # Assertion.issuedOn (time-zone aware)
    expires: datetime | None  # Assertion.expires (award's own, or from validity_months)
    narrative: Text | None  # Assertion.narrative
    evidence: tuple[Evidence, ...]  # Assertion.evidence
    revoked: Revocation | None  # Assertion.revoked / revocationReason
    listed: bool  # shown in public listings only with the earner's consent
    #: Never published (its own `restricted: true`, or its badge's): only signed and delivered.
    restricted: bool = False

    def status(self, now: datetime) -> Status:
        """Valid, expired or revoked at `now` (the build time)."""
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= now:
            return "expired"
        return "valid"


@dataclass(frozen=True, slots=True)
class Endorsement:
    """A recommendation by an organisation (OB 2.0 Endorsement)."""

    id: str
    endorser: Issuer  # Endorsement.issuer
    subject_kind: SubjectKind
    subject_id: str  # the award id, badge slug or issuer slug
    issued_on: datetime  # Endorsement.issuedOn
    comment: Text  # Endorsement.claim.endorsementComment


@dataclass(frozen=True, slots=True)
class Earner:
    """A person's portfolio (content/earners/<slug>.yaml), published only with their consent.

    Not an Open Badges object: a page gathering some of their awards, each of which
    stays verifiable on its own. Every award here is listed (`listed: true`) and
    belongs to this portfolio only.
    """

    slug: str  # the file name; the page is personnes/<slug>/
    name: str  # the first name or pseudonym the person chose
    presentation: Text | None
    territory: str | None
    awards: tuple[Award, ...]  # in the order of the file (the person's choice)

    def awards_by_family(self, printed_at: datetime | None = None) -> list[tuple[Family, list[Award]]]:
        """The awards grouped by skill family, in the families' fixed order, file order inside.

        With `printed_at`, only what the printed page shows: revoked awards are left out
        (the web page shows them, marked revoked; a sheet handed out today shows what counts).
        """
        shown = [a for a in self.awards if printed_at is None or a.status(printed_at) != "revoked"]
        groups = [(family, [a for a in shown if a.badge.family == family]) for family in FAMILIES]
        return [(family, awards) for family, awards in groups if awards]


@dataclass(frozen=True, slots=True)
class Restricted:
    """What the private folder holds: restricted badge classes and awards, never published.

    Kept apart from `Registry` on purpose: every page, JSON document, image, listing,
    search entry, sitemap line and ledger path is made from the `Registry`, so nothing
    here can reach the site by accident. The build reads it only to sign each award as
    an Open Badges 3.0 credential delivered to its earner (`badgegen.restricted`).
    `awards` holds every restricted award: those of restricted badges (in `badges`) and
    restricted awards of public badges (of `Registry.badges`).
    """

    badges: dict[str, BadgeClass] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Registry:
    """Everything the build publishes, resolved and sorted by id."""

    site: Site
    build_time: datetime
    issuers: dict[str, Issuer] = field(default_factory=dict)
    badges: dict[str, BadgeClass] = field(default_factory=dict)
    awards: dict[str, Award] = field(default_factory=dict)
    endorsements: dict[str, Endorsement] = field(default_factory=dict)
    media: tuple[str, ...] = ()
    earners: dict[str, Earner] = field(default_factory=dict)
    #: Whether this build signs Open Badges 3.0 credentials (a private key was given): the
    #: OB 3.0 files, their links and their ledger lines exist only then.
    signed: bool = False
    #: The lookups below, built on first use (never compared, never given).
    _indexes: _Indexes | None = field(default=None, init=False, repr=False, compare=False)

    def _index(self) -> _Indexes:
        if self._indexes is None:
            object.__setattr__(self, "_indexes", _Indexes.of(self))
        assert self._indexes is not None
        return self._indexes

    def endorsements_of(self, kind: str, subject_id: str) -> list[Endorsement]:
        """The endorsements of one award, badge or issuer, oldest first."""
        return list(self._index().endorsements.get((kind, subject_id), ()))

    def listed_awards_of(self, badge: BadgeClass) -> list[Award]:
        """The awards of `badge` whose earners agreed to be listed, newest first."""
        return list(self._index().listed.get(badge.slug, ()))

    def revoked_awards_of(self, issuer: Issuer) -> list[Award]:
        """The revoked awards of the badges of `issuer` (its RevocationList)."""
        return list(self._index().revoked.get(issuer.slug, ()))

    def badges_of(self, issuer: Issuer) -> list[BadgeClass]:
        return list(self._index().badges.get(issuer.slug, ()))

    def badges_by_family(self) -> list[tuple[Family, list[BadgeClass]]]:
        """Badge classes grouped by skill family, in the families' fixed order."""
        groups = [(family, [b for b in self.badges.values() if b.family == family]) for family in FAMILIES]
        return [(family, badges) for family, badges in groups if badges]

    def status(self, award: Award) -> Status:
        return award.status(self.build_time)

    def earner_of(self, award: Award) -> Earner | None:
        """The portfolio that shows `award`, if any (an award belongs to one portfolio at most)."""
        return self._index().earners.get(award.id)


@dataclass(frozen=True, slots=True)
class _Indexes:
    """`Registry`'s lookups, each list in the order the method gives."""

    endorsements: dict[tuple[str, str], tuple[Endorsement, ...]]
    listed: dict[str, tuple[Award, ...]]
    revoked: dict[str, tuple[Award, ...]]
    badges: dict[str, tuple[BadgeClass, ...]]
    earners: dict[str, Earner]

    @staticmethod
    def of(registry: Registry) -> _Indexes:
        endorsements: dict[tuple[str, str], list[Endorsement]] = {}
        for endorsement in registry.endorsements.values():
            endorsements.setdefault((endorsement.subject_kind, endorsement.subject_id), []).append(
                endorsement
            )
        listed: dict[str, list[Award]] = {}
        revoked: dict[str, list[Award]] = {}
        for award in registry.awards.values():
            if award.listed:
                listed.setdefault(award.badge.slug, []).append(award)
            if award.revoked is not None:
                revoked.setdefault(award.badge.issuer.slug, []).append(award)
        badges: dict[str, list[BadgeClass]] = {}
        for badge in registry.badges.values():
            badges.setdefault(badge.issuer.slug, []).append(badge)
        earners: dict[str, Earner] = {}
        for earner in registry.earners.values():
            for shown in earner.awards:
                earners.setdefault(shown.id, earner)  # the first portfolio, as a scan would find
        return _Indexes(
            endorsements={
                key: tuple(sorted(found, key=lambda e: (e.issued_on, e.id)))
                for key, found in endorsements.items()
            },
            listed={
                key: tuple(sorted(found, key=lambda a: (a.issued_on, a.id), reverse=True))
                for key, found in listed.items()
            },
            revoked={key: tuple(found) for key, found in revoked.items()},
            badges={key: tuple(found) for key, found in badges.items()},
            earners=earners,
        )
