"""Stage 2b: check what crosses files, and build the typed model.

After each document has passed its schema, this stage resolves references
(award → badge → issuer, endorsement → endorser and subject), checks images,
media files and dates, and builds the frozen `Registry`. Every problem is
collected; the model is returned only when there is none.

A document that failed its schema is left out of the model, but its id still
counts as known, so one typo is reported once, not once per file that refers to it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from badgegen import images
from badgegen.errors import ContentError, dotted_path, make_error
from badgegen.load import MEDIA_FOLDER, RawContent, RawDocument, display_path
from badgegen.model import (
    Alignment,
    Award,
    BadgeClass,
    Contact,
    Earner,
    Endorsement,
    Evidence,
    Image,
    Issuer,
    PublicKey,
    Recipient,
    Registry,
    Restricted,
    Revocation,
    Site,
    SubjectKind,
    Text,
)
from badgegen.schema import schema_errors
from badgegen.timeutil import BadDate, add_months, iso, load_zone, parse_content_date

_IMAGE_WARN_BYTES = 256 * 1024
_REFERENCE_KINDS = {
    "issuer": ("l'organisation", "the organisation", "issuers"),
    "badge": ("le badge", "the badge", "badges"),
    "award": ("l'attribution", "the award", "awards/<année>"),
}


@dataclass
class Resolution:
    """The model (when the content is right) and everything found on the way."""

    registry: Registry | None
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    #: The private folder's restricted badges and awards (with the registry, when it is built).
    restricted: Restricted | None = None


@dataclass
class _Resolver:
    raw: RawContent
    now: datetime
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    used_media: set[str] = field(default_factory=set)
    #: Media files named only by private evidence: checked and kept, never published.
    private_media: set[str] = field(default_factory=set)
    #: The private folder (restricted badges and awards), read with the same rules as content/.
    private: RawContent | None = None
    #: Media files of the private folder named by restricted awards' evidence: never published.
    restricted_media: set[str] = field(default_factory=set)
    #: Whether each media file named so far exists, by folder and name (asked once, not per award).
    media_files: dict[tuple[Path, str], bool] = field(default_factory=dict)
    #: `_restricted_ids`, computed once.
    restricted_ids: dict[str, set[str]] | None = None

    @property
    def documents(self) -> list[RawDocument]:
        """Every document read: content/'s, then the private folder's."""
        return self.raw.documents + (self.private.documents if self.private is not None else [])

    def media_exists(self, root: Path, name: str) -> bool:
        """Whether `root`/media/`name` is a file."""
        found = self.media_files.get((root, name))
        if found is None:
            found = self.media_files[(root, name)] = (root / MEDIA_FOLDER / name).is_file()
        return found

    def root_of(self, doc: RawDocument) -> RawContent:
        """The folder `doc` was read from: content/, or the private folder."""
        return self.private if doc.private and self.private is not None else self.raw

    # --- helpers ----------------------------------------------------------------------
    def error(self, doc: RawDocument, path: tuple[str | int, ...], code: str, **params: object) -> None:
        self.errors.append(
            make_error(doc.display_path, doc.position_of(*path), code, dotted_path(path), **params)
        )

    def warn(self, doc: RawDocument, path: tuple[str | int, ...], code: str, **params: object) -> None:
        self.warnings.append(
            make_error(doc.display_path, doc.position_of(*path), code, dotted_path(path), **params)
        )

    def date(self, doc: RawDocument, path: tuple[str | int, ...], text: str) -> datetime | None:
        try:
            return parse_content_date(text, self.zone)
        except BadDate:
            self.error(doc, path, "invalid-date", value=text)
            return None

    def reference(
        self, doc: RawDocument, path: tuple[str | int, ...], kind: str, value: str, known: set[str]
    ) -> bool:
        if value in known:
            return True
        close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
        kind_fr, kind_en, folder = _REFERENCE_KINDS[kind]
        self.error(
            doc,
            path,
            "unknown-reference",
            value=value,
            kind_fr=kind_fr.capitalize(),
            kind_en=kind_en.capitalize(),
            folder=folder,
            suggestion_fr=f"vouliez-vous écrire « {close[0]} » ? " if close else "",
            suggestion_en=f"did you mean '{close[0]}'? " if close else "",
        )
        return False

    def image(self, doc: RawDocument, path: tuple[str | int, ...], name: str) -> Image | None:
        file = doc.path.parent / name
        if not file.is_file():
            self.error(doc, path, "missing-image", name=name)
            return None
        raw = file.read_bytes()
        try:
            image = images.prepare_image(name, raw)
        except images.ImageProblem as problem:
            self.error(doc, path, "invalid-image", name=name, problem_fr=problem.fr, problem_en=problem.en)
            return None
        if len(raw) > _IMAGE_WARN_BYTES:
            self.warn(doc, path, "image-size", name=name, size=len(raw) // 1024)
        if image.width != image.height:
            self.warn(doc, path, "image-not-square", name=name, width=image.width, height=image.height)
        return image


def resolve(
    raw: RawContent, now: datetime, base_url: str | None = None, private: RawContent | None = None
) -> Resolution:
    """Check `raw` whole and build the `Registry`; `base_url` overrides registry.yaml's.

    `private` is the private folder: its restricted badges and awards are checked like the
    rest, may use content/'s issuers and badges, and come back apart, in
    `Resolution.restricted`; the `Registry` (everything published) never holds them.
    """
    errors = list(raw.errors) + (list(private.errors) if private is not None else [])
    resolver = _Resolver(raw=raw, now=now, errors=errors, private=private)
    valid = _schema_valid(resolver)
    site = _site(resolver, valid, base_url)
    issuers = _issuers(resolver, valid)
    badges = _badges(resolver, valid, issuers)
    awards = _awards(resolver, valid, badges)
    endorsements = _endorsements(resolver, valid, issuers, awards, badges)
    earners = _earners(resolver, valid, awards)
    _check_media(resolver)
    registry = restricted = None
    if not resolver.errors and site is not None:
        registry = Registry(
            site=site,
            build_time=now,
            issuers=issuers,
            badges={slug: badge for slug, badge in badges.items() if not badge.restricted},
            awards={award_id: award for award_id, award in awards.items() if not award.restricted},
            endorsements=endorsements,
            media=tuple(sorted(resolver.used_media)),
            earners=earners,
        )
        restricted = Restricted(
            badges={slug: badge for slug, badge in badges.items() if badge.restricted},
            awards={award_id: award for award_id, award in awards.items() if award.restricted},
        )
    return Resolution(registry, resolver.errors, resolver.warnings, restricted)


def _schema_valid(resolver: _Resolver) -> list[RawDocument]:
    """Documents that passed their schema; the others' problems are recorded."""
    valid: list[RawDocument] = []
    docs = ([resolver.raw.registry] if resolver.raw.registry else []) + resolver.documents
    for doc in docs:
        # Checked while reading (and perhaps remembered from an earlier run), else now.
        problems = doc.schema_problems if doc.schema_problems is not None else schema_errors(doc)
        resolver.errors.extend(problems)
        if not problems:
            valid.append(doc)
    return valid


def _known(resolver: _Resolver, kind: str) -> set[str]:
    """Ids that exist as files, valid or not (a broken file is reported once, by itself)."""
    unreadable = set(resolver.raw.unreadable) | (resolver.private.unreadable if resolver.private else set())
    return {doc.id for doc in resolver.documents if doc.kind == kind} | {
        doc_id for doc_kind, doc_id in unreadable if doc_kind == kind
    }


# --- restricted content (restricted: true, in the private folder) ----------------------------


def _restricted_ids(resolver: _Resolver) -> dict[str, set[str]]:
    """The ids of restricted badges and awards, from the files (valid or not).

    A badge is restricted when its file is in the private folder or says `restricted: true`;
    an award, likewise, or when its badge is restricted.
    """
    if resolver.restricted_ids is None:
        resolver.restricted_ids = _find_restricted_ids(resolver)
    return resolver.restricted_ids


def _find_restricted_ids(resolver: _Resolver) -> dict[str, set[str]]:
    def says(doc: RawDocument) -> bool:
        return doc.private or (isinstance(doc.data, dict) and doc.data.get("restricted") is True)

    public = {doc.id for doc in resolver.raw.documents if doc.kind == "badge" and not says(doc)}
    # (a private badge that takes a public badge's name is reported alone: duplicate-badge)
    badges = {doc.id for doc in resolver.documents if doc.kind == "badge" and says(doc)} - public
    awards = {
        doc.id
        for doc in resolver.documents
        if doc.kind == "award" and (says(doc) or doc.data.get("badge") in badges)
    }
    return {"badge": badges, "award": awards}


def _other_place(resolver: _Resolver, doc: RawDocument) -> str:
    """Where `doc` belongs in the other folder: private/awards/2026/x.yaml ↔ content/awards/2026/x.yaml."""
    here = resolver.root_of(doc).root
    there = resolver.raw.root if doc.private else (resolver.private.root if resolver.private else here)
    try:
        return display_path(there / doc.path.relative_to(here))
    except ValueError:
        return display_path(there)


def _check_placement(resolver: _Resolver, doc: RawDocument) -> bool:
    """Whether `doc` is restricted by its own file; such a file must be in the private folder,
    and every file there must say `restricted: true` (so a copy in content/ is refused).
    """
    says = doc.data.get("restricted") is True
    if says and not doc.private:
        what_fr = "ce badge est restreint (restricted: true), jamais publié"
        if doc.kind == "award":
            what_fr = "cette attribution est restreinte (restricted: true), jamais publiée"
        resolver.error(
            doc,
            ("restricted",),
            "restricted-in-public",
            what_fr=what_fr,
            what_en=f"this {'award' if doc.kind == 'award' else 'badge'} is restricted (restricted: true), never published",
            target=_other_place(resolver, doc),
        )
    elif doc.private and not says:
        where = ("restricted",) if "restricted" in doc.data else ()
        resolver.errors.append(
            make_error(
                doc.display_path,
                doc.position_of(*where),
                "private-not-restricted",
                "restricted",
                target=_other_place(resolver, doc),
            )
        )
    return says or doc.private


def _site(resolver: _Resolver, valid: list[RawDocument], base_url: str | None) -> Site | None:
    doc = next((d for d in valid if d.kind == "registry"), None)
    if doc is None:
        return None
    data = doc.data
    try:
        resolver.zone = load_zone(data.get("timezone", "Europe/Paris"))
    except ValueError:
        resolver.error(doc, ("timezone",), "unknown-timezone", value=data["timezone"])
    url = base_url or data["base_url"]
    if not url.endswith("/"):
        resolver.error(doc, ("base_url",), "base-url-slash", value=url)
    domain = data.get("domain")
    if domain is not None and data["base_url"].rstrip("/") != f"https://{domain}":
        resolver.error(
            doc,
            ("base_url",),
            "domain-mismatch",
            value=data["base_url"],
            domain=domain,
            domain_line=doc.position_of("domain")[0],
        )
    publisher = data.get("publisher")
    if publisher is not None:
        resolver.reference(doc, ("publisher",), "issuer", publisher, _known(resolver, "issuer"))
    contact = data["contact"]
    return Site(
        name=_text(data["name"]),
        tagline=_opt_text(data.get("tagline")),
        description=_opt_text(data.get("description")),
        base_url=url,
        languages=tuple(data["languages"]),
        timezone=str(resolver.zone.key),
        contact=Contact(contact["name"], contact["email"], contact.get("url")),
        publisher=publisher,
        cname=domain if domain is not None and url == f"https://{domain}/" else None,
        signing_keys=_signing_keys(resolver, doc),
    )


def _signing_keys(resolver: _Resolver, doc: RawDocument) -> tuple[PublicKey, ...]:
    """registry.yaml's public keys; two keys may not share a name (it is in their address)."""
    keys: list[PublicKey] = []
    for index, entry in enumerate(doc.data.get("signing_keys", [])):
        if any(key.id == entry["id"] for key in keys):
            resolver.error(doc, ("signing_keys", index, "id"), "duplicate-key-id", value=entry["id"])
            continue
        keys.append(PublicKey(entry["id"], entry["public_key"], bool(entry.get("retired", False))))
    return tuple(keys)


def _issuers(resolver: _Resolver, valid: list[RawDocument]) -> dict[str, Issuer]:
    issuers: dict[str, Issuer] = {}
    for doc in (d for d in valid if d.kind == "issuer"):
        data = doc.data
        image = resolver.image(doc, ("image",), data["image"]) if "image" in data else None
        issuers[doc.id] = Issuer(
            slug=doc.id,
            name=data["name"],
            kind=data["kind"],
            url=data["url"],
            email=data["email"],
            description=_opt_text(data.get("description")),
            territory=data.get("territory"),
            image=image,
        )
    return dict(sorted(issuers.items()))


def _badges(
    resolver: _Resolver, valid: list[RawDocument], issuers: dict[str, Issuer]
) -> dict[str, BadgeClass]:
    badges: dict[str, BadgeClass] = {}
    known_issuers = _known(resolver, "issuer")
    public = {doc.id: doc for doc in resolver.raw.of_kind("badge")}
    for doc in (d for d in valid if d.kind == "badge"):
        data = doc.data
        restricted = _check_placement(resolver, doc)
        if doc.private and doc.id in public:
            resolver.error(doc, (), "duplicate-badge", value=doc.id, other=public[doc.id].display_path)
            continue
        resolver.reference(doc, ("issuer",), "issuer", data["issuer"], known_issuers)
        image = resolver.image(doc, ("image",), data["image"])
        if "criteria" not in data:
            resolver.warn(doc, (), "missing-criteria")
        issuer = issuers.get(data["issuer"])
        if issuer is None or image is None:
            continue
        badges[doc.id] = BadgeClass(
            slug=doc.id,
            name=_text(data["name"]),
            description=_text(data["description"]),
            issuer=issuer,
            image=image,
            family=data["family"],
            self_declared=data.get("self_declared", False),
            criteria=_opt_text(data.get("criteria")),
            tags=tuple(data.get("tags", ())),
            alignments=tuple(_alignment(item) for item in data.get("alignments", ())),
            validity_months=data.get("validity_months"),
            restricted=restricted,
        )
    return dict(sorted(badges.items()))


def _alignment(item: dict[str, Any]) -> Alignment:
    return Alignment(
        framework=item["framework"],
        code=item.get("code"),
        name=item["name"],
        url=item["url"],
        description=item.get("description"),
    )


def _awards(resolver: _Resolver, valid: list[RawDocument], badges: dict[str, BadgeClass]) -> dict[str, Award]:
    _check_duplicate_awards(resolver)
    awards: dict[str, Award] = {}
    known_badges = _known(resolver, "badge")
    restricted_badges = _restricted_ids(resolver)["badge"]
    for doc in (d for d in valid if d.kind == "award"):
        award = _award(resolver, doc, badges, known_badges, restricted_badges)
        if award is not None and award.id not in awards:
            awards[award.id] = award
    return dict(sorted(awards.items()))


def _award(
    resolver: _Resolver,
    doc: RawDocument,
    badges: dict[str, BadgeClass],
    known_badges: set[str],
    restricted_badges: set[str],
) -> Award | None:
    data = doc.data
    resolver.reference(doc, ("badge",), "badge", data["badge"], known_badges)
    restricted = _check_placement(resolver, doc)
    if data["badge"] in restricted_badges:
        if not doc.private and not restricted:  # (a public file saying restricted: true is reported once)
            resolver.error(
                doc,
                ("badge",),
                "restricted-in-public",
                what_fr=f"cette attribution est celle du badge restreint « {data['badge']} », jamais publiée",
                what_en=f"this award is one of the restricted badge '{data['badge']}', never published",
                target=_other_place(resolver, doc),
            )
        restricted = True
    if restricted and data.get("listed") is True:
        resolver.error(doc, ("listed",), "restricted-listed")
    issued_on = resolver.date(doc, ("issued_on",), data["issued_on"])
    expires = resolver.date(doc, ("expires",), data["expires"]) if "expires" in data else None
    revoked = _revocation(resolver, doc, issued_on)
    evidence = tuple(_evidence(resolver, doc, i, item) for i, item in enumerate(data.get("evidence", ())))
    badge = badges.get(data["badge"])
    if issued_on is None or badge is None:
        return None
    _check_award_dates(resolver, doc, issued_on, expires)
    if expires is None and badge.validity_months:
        expires = add_months(issued_on, badge.validity_months)
    recipient = data["recipient"]
    return Award(
        id=doc.id,
        badge=badge,
        recipient=Recipient(recipient["type"], recipient["identity"], recipient["salt"]),
        issued_on=issued_on,
        expires=expires,
        narrative=_opt_text(data.get("narrative")),
        evidence=tuple(e for e in evidence if e is not None),
        revoked=revoked,
        listed=data.get("listed", False) and not restricted,
        restricted=restricted,
    )


def _check_duplicate_awards(resolver: _Resolver) -> None:
    """The same id in two year folders (or in content/ and the private folder) would publish two
    awards at one URL, or sign two credentials with one id."""
    seen: dict[str, RawDocument] = {}
    for doc in (d for d in resolver.documents if d.kind == "award"):
        if doc.id in seen:
            resolver.error(doc, (), "duplicate-id", value=doc.id, other=seen[doc.id].display_path)
        else:
            seen[doc.id] = doc


def _check_award_dates(
    resolver: _Resolver, doc: RawDocument, issued_on: datetime, expires: datetime | None
) -> None:
    if issued_on > resolver.now:
        resolver.error(
            doc, ("issued_on",), "issued-in-future", value=doc.data["issued_on"], now=_today(resolver)
        )
    if expires is not None and expires <= issued_on:
        resolver.error(
            doc,
            ("expires",),
            "dates-out-of-order",
            value=doc.data["expires"],
            name="expires",
            other_value=doc.data["issued_on"],
            other="issued_on",
        )
    if doc.folder != str(issued_on.year):
        resolver.warn(
            doc, ("issued_on",), "award-year-folder", year=issued_on.year, folder=f"awards/{doc.folder}/"
        )


def _revocation(resolver: _Resolver, doc: RawDocument, issued_on: datetime | None) -> Revocation | None:
    data = doc.data.get("revoked")
    if data is None:
        return None
    on = resolver.date(doc, ("revoked", "on"), data["on"])
    if on is None:
        return None
    if issued_on is not None and on < issued_on:
        resolver.error(
            doc,
            ("revoked", "on"),
            "dates-out-of-order",
            value=data["on"],
            name="revoked.on",
            other_value=doc.data["issued_on"],
            other="issued_on",
        )
    return Revocation(on=on, reason=data["reason"])


def _evidence(resolver: _Resolver, doc: RawDocument, index: int, item: dict[str, Any]) -> Evidence | None:
    path: tuple[str | int, ...] = ("evidence", index)
    has_url, has_file = "url" in item, "file" in item
    private = item.get("private", False)
    if (has_url and has_file) or (not has_url and not has_file and item["kind"] != "text" and not private):
        resolver.error(doc, path, "evidence-source")
        return None
    media = resolver.private_media if private else resolver.used_media
    root = resolver.root_of(doc).root
    if doc.private:
        # A restricted award's files stay in the private folder's media/: never published, so
        # never linked either (the evidence is described, like private evidence).
        media = resolver.restricted_media
        private = private or has_file or "://" not in item.get("transcript", "://")
    file = item.get("file")
    if file is not None:
        if not resolver.media_exists(root, file):
            resolver.error(doc, (*path, "file"), "missing-file", name=file)
            return None
        media.add(file)
    transcript = item.get("transcript")
    if transcript is not None and "://" not in transcript:
        if not resolver.media_exists(root, transcript):
            resolver.error(doc, (*path, "transcript"), "missing-file", name=transcript)
            return None
        media.add(transcript)
    return Evidence(
        kind=item["kind"],
        url=item.get("url"),
        file=file,
        name=_text(item["name"]),
        description=_opt_text(item.get("description")),
        narrative=_opt_text(item.get("narrative")),
        transcript=transcript,
        private=private,
    )


def _endorsements(
    resolver: _Resolver,
    valid: list[RawDocument],
    issuers: dict[str, Issuer],
    awards: dict[str, Award],
    badges: dict[str, BadgeClass],
) -> dict[str, Endorsement]:
    found: dict[str, Endorsement] = {}
    known = {kind: _known(resolver, kind) for kind in ("issuer", "badge", "award")}
    restricted = _restricted_ids(resolver)
    for doc in (d for d in valid if d.kind == "endorsement"):
        data = doc.data
        resolver.reference(doc, ("endorser",), "issuer", data["endorser"], known["issuer"])
        subjects = [kind for kind in ("award", "badge", "issuer") if kind in data]
        issued_on = resolver.date(doc, ("issued_on",), data["issued_on"])
        if len(subjects) != 1:
            resolver.error(
                doc,
                (),
                "endorsement-subject",
                found_fr=", ".join(subjects) or "aucun",
                found_en=", ".join(subjects) or "none",
            )
            continue
        kind = subjects[0]
        if not resolver.reference(doc, (kind,), kind, data[kind], known[kind]):
            continue
        if data[kind] in restricted.get(kind, set()):
            _restricted_reference(resolver, doc, (kind,), kind, data[kind])
            continue
        endorser = issuers.get(data["endorser"])
        if endorser is None or issued_on is None:
            continue
        if kind == "award" and data[kind] in awards and issued_on < awards[data[kind]].issued_on:
            resolver.error(
                doc,
                ("issued_on",),
                "dates-out-of-order",
                value=data["issued_on"],
                name="issued_on",
                other_value=iso(awards[data[kind]].issued_on)[:10],
                other="award.issued_on",
            )
        if issued_on > resolver.now:
            resolver.error(
                doc, ("issued_on",), "issued-in-future", value=data["issued_on"], now=_today(resolver)
            )
        found[doc.id] = Endorsement(
            id=doc.id,
            endorser=endorser,
            subject_kind=cast(SubjectKind, kind),
            subject_id=data[kind],
            issued_on=issued_on,
            comment=_text(data["comment"]),
        )
    return dict(sorted(found.items()))


def _earners(resolver: _Resolver, valid: list[RawDocument], awards: dict[str, Award]) -> dict[str, Earner]:
    """Portfolios: each award exists, is listed (a portfolio is public) and is in one portfolio only.

    A revoked award may stay: the portfolio shows it as revoked, so that `badgegen revoke`
    never needs another edit to keep the content valid (and never hides a revocation).
    """
    found: dict[str, Earner] = {}
    known = _known(resolver, "award")
    restricted = _restricted_ids(resolver)["award"]
    award_files = {doc.id: doc.display_path for doc in resolver.raw.of_kind("award")}
    owners: dict[str, RawDocument] = {}
    for doc in (d for d in valid if d.kind == "earner"):
        data = doc.data
        shown: list[Award] = []
        for index, award_id in enumerate(data["awards"]):
            path: tuple[str | int, ...] = ("awards", index)
            if not resolver.reference(doc, path, "award", award_id, known):
                continue
            if award_id in restricted:
                _restricted_reference(resolver, doc, path, "award", award_id)
                continue
            if award_id in owners:
                resolver.error(
                    doc, path, "earner-award-taken", value=award_id, other=owners[award_id].display_path
                )
                continue
            owners[award_id] = doc
            award = awards.get(award_id)
            if award is None:  # its own file is wrong: reported there
                continue
            if not award.listed:
                resolver.error(doc, path, "earner-award-unlisted", value=award_id, file=award_files[award_id])
                continue
            shown.append(award)
        found[doc.id] = Earner(
            slug=doc.id,
            name=data["name"].strip(),
            presentation=_opt_text(data.get("presentation")),
            territory=data.get("territory"),
            awards=tuple(shown),
        )
    return dict(sorted(found.items()))


def _today(resolver: _Resolver) -> str:
    """The build's date in the registry's time zone, as coordinators count days."""
    return resolver.now.astimezone(resolver.zone).date().isoformat()


def _restricted_reference(
    resolver: _Resolver, doc: RawDocument, path: tuple[str | int, ...], kind: str, value: str
) -> None:
    """A public file (endorsement, portfolio) names a restricted award or badge: never published."""
    what_fr, what_en = ("l'attribution", "the award") if kind == "award" else ("le badge", "the badge")
    state_fr = "restreinte, jamais publiée" if kind == "award" else "restreint, jamais publié"
    resolver.error(
        doc,
        path,
        "restricted-reference",
        what_fr=f"{what_fr} « {value} » est {state_fr}",
        what_en=f"{what_en} '{value}' is restricted, never published",
    )


def _check_media(resolver: _Resolver) -> None:
    """A media file nobody refers to is probably a mistake (and could be personal)."""
    folders = [(resolver.raw.root, resolver.used_media | resolver.private_media)]
    if resolver.private is not None:
        folders.append((resolver.private.root, resolver.restricted_media))
    for root, used in folders:
        folder = root / MEDIA_FOLDER
        if not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            if file.is_file() and not file.name.startswith(".") and file.name not in used:
                resolver.warnings.append(
                    make_error(display_path(file), (1, 1), "unused-file", "", name=file.name)
                )


def _text(value: str | dict[str, str]) -> Text:
    if isinstance(value, str):
        return Text(value.strip())
    return Text(value["fr"].strip(), value["en"].strip() if "en" in value else None)


def _opt_text(value: str | dict[str, str] | None) -> Text | None:
    return None if value is None else _text(value)
