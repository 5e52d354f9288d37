"""Restricted badges: never published; signed, and handed to their earners only.

Some badges have a sensitive context (a skill learnt during a court-ordered community
service, in a shelter, in a rehabilitation programme...): the earner should hold a
badge that any verifier can check, and the registry's site should say nothing about
it. A badge class or an award marked `restricted: true` is such a badge (an award of a
restricted badge class is restricted too).

**Where it lives.** Restricted files are never in the public repository: they live in
a private folder given at build time (`--private DIR`, default `private/` beside
`content/`, git-ignored; or a separate private repository checked out there), with the
same layout as `content/` (`badges/`, `awards/<year>/`, and `media/` for their evidence)
and the same schemas and messages (`load.load_private`, `resolve`). A restricted file
found in `content/` stops the build (`restricted-in-public`), and every file of the
private folder must say `restricted: true` (`private-not-restricted`), so that a copy
in `content/` is always caught. Private awards may use the public issuers and badge
classes (a public skill learnt in a private context) or restricted badge classes.

**Nothing published.** `resolve` returns restricted objects apart from the `Registry`
(`model.Restricted`), and everything published is made from the `Registry`: no page,
JSON document, image, listing, count, search entry, sitemap line or ledger path. Public
files (portfolios, endorsements) may not name a restricted award or badge
(`restricted-reference`); a restricted award cannot be `listed` (`restricted-listed`).

**Signed and delivered.** With a signing key, `badgegen build` signs each restricted
award as an Open Badges 3.0 credential (`badgegen.ob3`) and writes it with the badge
image baked with it (PNG, and SVG for SVG badges) into the delivery folder
(`--delivery DIR`, default `delivery/`, git-ignored), one sub-folder per award, for the
coordinator to hand to the earner. Revoked restricted awards are not delivered. The
credential names no address of the site that does not exist: its `id` is a `urn:uuid:`,
and a restricted badge class becomes an achievement with a `urn:uuid:` id, its criteria
as text and its image embedded as a `data:` URL.

**Revocation, and what the public repository learns.** A credential names an index of
its issuer's revocation list (W3C Bitstring Status List, 131,072 entries: the spec's
minimum, `ob3.status`). The lists are split in two halves: public awards take their
indexes in the lower half (recorded with their ids in `content/status-list.txt`),
restricted awards in the upper half, recorded in the private folder only
(`private/status-list.txt`, `index award-id`). So the public repository holds nothing
about a restricted award while it is valid: no id, no hash, no count. When one is
revoked, the build adds one line `index restricted-revoked:<index>` to
`content/status-list.txt` (no id, no hash, no issuer: the index alone), and every
issuer's published list has that bit set (the index belongs to one credential only,
so setting it in every list says nothing about which issuer gave it). The public
build, which never sees the private folder (CI), publishes those bits from that line.
A revocation of a restricted award is final.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from badgegen import bake, jsonld
from badgegen.errors import BadgegenError, BuildError
from badgegen.load import display_path
from badgegen.model import Award, BadgeClass, Registry, Restricted
from badgegen.ob3 import documents, status
from badgegen.ob3.canon import Document
from badgegen.ob3.keys import SigningKey
from badgegen.ob3.publish import Signer

#: The private folder's record of restricted awards' indexes (same format as content/'s).
PRIVATE_STATUS_FILE = status.STATUS_FILE
#: Restricted awards' indexes: the upper half of every list (public awards use the lower half).
FIRST_INDEX = status.PUBLIC_INDEXES

PRIVATE_HEADER = """\
# Index des attributions restreintes dans les listes de révocation Open Badges 3.0.
#
# Ce fichier est privé : il reste dans le dossier privé, jamais dans le dépôt public.
# Chaque justificatif signé d'une attribution restreinte nomme pour toujours son index ;
# révoquer l'attribution met ce bit à 1 dans la liste publiée (content/status-list.txt
# reçoit alors une ligne « index restricted-revoked:index », sans identifiant).
# `badgegen build` ajoute ici les nouveaux index ; ne les modifiez pas, gardez ce fichier
# avec le dossier privé (sauvegarde, dépôt privé).
#
# index attribution
"""

#: The files of one delivered award, in its folder.
CREDENTIAL_FILE = "credential.json"
PNG_FILE = "badge.png"
SVG_FILE = "badge.svg"
README_FILE = "LISEZMOI.txt"


@dataclass
class DeliveryReport:
    """What the build did with the restricted awards (for its summary and the tests)."""

    folder: Path  # the delivery folder
    private: Path  # the private folder
    awards: int  # restricted awards found
    #: Why nothing was signed: "no-key" (no signing key), "frozen" (--frozen-ledger: an
    #: index could not be recorded), or None when the awards were signed.
    skipped: str | None = None
    delivered: list[str] = field(default_factory=list)  # award ids written to the folder
    revoked: list[str] = field(default_factory=list)  # revoked: not delivered
    indexes_added: int = 0  # new lines of the private status file
    revocations_added: int = 0  # new `restricted-revoked:` lines of content/status-list.txt
    seconds: float = 0.0


@dataclass
class Plan:
    """The signed files of a build, held in memory until the site is written."""

    report: DeliveryReport
    private_indexes: status.StatusIndexes
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # award id → name → bytes


class FolderError(BadgegenError):
    """The private or delivery folder is where it would be published or committed (exit 2)."""

    exit_code: ClassVar[int] = 2

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(en)
        self.fr, self.en = fr, en

    def format_message(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def check_folders(content: Path, out: Path, private: Path, delivery: Path | None) -> None:
    """The private and delivery folders must stay out of content/ (committed) and of the site
    (published), and these out of them."""
    for folder, option, name_fr, name_en in (
        (private, "--private", "Le dossier privé", "The private folder"),
        (delivery, "--delivery", "Le dossier de remise", "The delivery folder"),
    ):
        if folder is None:
            continue
        for public, what_fr, what_en in (
            (content, "le dossier du contenu", "the content folder"),
            (out, "le dossier du site", "the site folder"),
        ):
            here, there = folder.resolve(), public.resolve()
            if here.is_relative_to(there) or there.is_relative_to(here):
                shown, other = display_path(folder), display_path(public)
                raise FolderError(
                    f"{name_fr} ({option} {shown}) touche {what_fr} ({other}) : ce qui s'y trouve serait "
                    "publié ou enregistré dans le dépôt public. Rien n'a été publié.\n"
                    "    → correction : choisissez un dossier à part (par défaut private/ et delivery/, à côté "
                    "de content/, ignorés par git).",
                    f"{name_en} ({option} {shown}) overlaps {what_en} ({other}): what it holds would be "
                    "published or committed to the public repository. Nothing was published.\n"
                    "    → fix: choose a folder of its own (by default private/ and delivery/, beside content/, "
                    "ignored by git).",
                )


# --- indexes -----------------------------------------------------------------------------


def allocate(recorded: dict[str, int], award_ids: list[str], taken: set[int]) -> dict[str, int]:
    """Every restricted award's index: recorded ones unchanged, new ones in the upper half.

    A new index is derived from the award's id (so a lost private file is rebuilt the same
    in the usual case), then the next free one of the upper half on a collision with a
    recorded index, public or private.
    """
    indexes = dict(recorded)
    used = set(recorded.values()) | taken
    size = status.LIST_LENGTH - FIRST_INDEX
    full = sum(1 for index in used if index >= FIRST_INDEX)
    for award_id in sorted(set(award_ids) - set(recorded)):
        if full >= size:
            raise BuildError("the restricted half of the status lists is full")
        full += 1
        digest = hashlib.sha256(b"badgegen restricted status\x00" + award_id.encode("utf-8")).digest()
        offset = int.from_bytes(digest[:8], "big") % size
        while FIRST_INDEX + offset in used:
            offset = (offset + 1) % size
        indexes[award_id] = FIRST_INDEX + offset
        used.add(FIRST_INDEX + offset)
    return indexes


def revoked_key(index: int) -> str:
    """The public line of a revoked restricted award: its index, nothing else."""
    return f"{status.RESTRICTED_REVOKED}{index}"


def with_revocations(public: status.StatusIndexes, revoked: list[int]) -> status.StatusIndexes:
    """content/status-list.txt's indexes, plus a `restricted-revoked:` line per revoked index."""
    indexes = dict(public.indexes)
    for index in revoked:
        owner = next((key for key, value in indexes.items() if value == index), None)
        if owner is not None and owner != revoked_key(index):
            raise BuildError(
                f"{display_path(public.file)}: index {index} of a restricted award is also recorded for {owner}"
            )
        indexes[revoked_key(index)] = index
    return status.StatusIndexes(public.file, public.recorded, indexes)


# --- documents ---------------------------------------------------------------------------


def _urn(registry: Registry, kind: str, name: str) -> str:
    """A stable `urn:uuid:` for what is never hosted (UUID v5 of the address it would have)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{registry.site.base_url}{kind}/{name}')}"


def _data_url(badge: BadgeClass) -> str:
    media = "image/svg+xml" if badge.image.format == "svg" else "image/png"
    return f"data:{media};base64,{base64.b64encode(badge.image.data).decode('ascii')}"


def achievement(signer: Signer, badge: BadgeClass) -> Document:
    """The achievement a restricted award's credential embeds.

    A public badge class: its published achievement, with its signed endorsements
    (the same bytes as on the site: Ed25519 and the build time are deterministic). A
    restricted one: no published address at all (a `urn:uuid:` id, criteria as text,
    the image as a `data:` URL, no `related` OB 2.0 documents), and no endorsement.
    """
    registry = signer.registry
    if not badge.restricted:
        endorsed = [
            signer.sign(documents.endorsement_credential(registry, e), e.endorser)
            for e in registry.endorsements_of("badge", badge.slug)
        ]
        return documents.achievement(registry, badge, endorsed)
    doc = documents.achievement(registry, badge, [])
    doc["id"] = _urn(registry, "badges", badge.slug)
    doc["criteria"] = {"narrative": (badge.criteria or badge.description).fr}
    doc["image"] = {"id": _data_url(badge), "type": "Image"}
    doc.pop("related", None)
    return doc


def credential(signer: Signer, award: Award, achievement_doc: Document, index: int) -> Document:
    """The signed OpenBadgeCredential of a restricted award (never hosted: a `urn:uuid:` id)."""
    unsigned = documents.credential(signer.registry, award, achievement_doc, [], index)
    unsigned["id"] = _urn(signer.registry, "assertions", award.id)
    return signer.sign(unsigned, award.badge.issuer)


def award_files(award: Award, signed: Document) -> dict[str, bytes]:
    """The files handed to the earner: the credential, the image baked with it, a short note."""
    compact = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    files = {
        CREDENTIAL_FILE: jsonld.dumps(signed),
        PNG_FILE: bake.bake_png(award.badge.image.png, compact, bake.CREDENTIAL_KEYWORD),
    }
    if award.badge.image.format == "svg":
        files[SVG_FILE] = bake.bake_svg_credential(award.badge.image.data.decode("utf-8"), compact).encode()
    files[README_FILE] = _readme(award).encode("utf-8")
    return files


def _readme(award: Award) -> str:
    name, issuer = award.badge.name.fr, award.badge.issuer.name
    return (
        f"Votre badge « {name} », donné par {issuer}.\n"
        "\n"
        "Ce badge est à vous seul·e : il n'est publié nulle part. Il est signé (Open Badges 3.0),\n"
        "donc n'importe qui peut vérifier qu'il est authentique, sans nous demander.\n"
        "\n"
        f"- {PNG_FILE} : l'image du badge, qui contient le badge signé. C'est elle que vous\n"
        "  gardez, envoyez ou déposez dans un portefeuille de badges (par exemple sur votre téléphone).\n"
        f"- {CREDENTIAL_FILE} : le même badge signé, en texte (pour les outils de vérification).\n"
        "\n"
        "Montrez-le seulement à qui vous voulez. Gardez une copie.\n"
        "\n"
        f"Your badge '{award.badge.name.get('en')}', given by {issuer}: yours only, published nowhere, signed\n"
        "(Open Badges 3.0), so anyone you show it to can check it. Keep a copy.\n"
    )


# --- the build ---------------------------------------------------------------------------


def plan(
    registry: Registry,
    restricted: Restricted,
    key: SigningKey,
    public: status.StatusIndexes,
    private_folder: Path,
    delivery_folder: Path,
) -> tuple[Plan, status.StatusIndexes]:
    """Sign every valid restricted award (in memory), and the public indexes with revocations.

    Called while the site is being built, with the public status indexes of this build;
    nothing is written until `deliver` (after the site).
    """
    awards = list(restricted.awards.values())
    recorded = status.read(private_folder)  # an award since removed keeps its index: never reused
    indexes = allocate(
        recorded, [a.id for a in awards], set(public.indexes.values()) - set(recorded.values())
    )
    private_indexes = status.StatusIndexes(status.status_file(private_folder), recorded, indexes)
    report = DeliveryReport(delivery_folder, private_folder, len(awards))
    result = Plan(report, private_indexes)
    signer = Signer(registry, key)
    achievements: dict[str, Document] = {}
    for award in awards:
        if award.revoked is not None:
            report.revoked.append(award.id)
            continue
        slug = award.badge.slug
        if slug not in achievements:
            achievements[slug] = achievement(signer, award.badge)
        signed = credential(signer, award, achievements[slug], indexes[award.id])
        result.files[award.id] = award_files(award, signed)
    revoked = sorted(indexes[award_id] for award_id in report.revoked)
    updated = with_revocations(public, revoked)
    report.revocations_added = len(updated.indexes) - len(public.indexes)
    return result, updated


def deliver(result: Plan) -> DeliveryReport:
    """Record the new private indexes, then write each award's folder (after the site)."""
    report = result.report
    report.indexes_added = _record_private(result.private_indexes)
    report.folder.mkdir(parents=True, exist_ok=True)
    for award_id in report.revoked:  # a revoked credential must not be handed out any more
        stale = report.folder / award_id
        if stale.is_dir():
            shutil.rmtree(stale)
    for award_id, files in sorted(result.files.items()):
        target = report.folder / award_id
        target.mkdir(exist_ok=True)
        for name, data in files.items():
            _write(target / name, data)
        report.delivered.append(award_id)
    return report


def _record_private(indexes: status.StatusIndexes) -> int:
    added = len(indexes.indexes) - len(indexes.recorded)
    if added:
        lines = "".join(
            f"{index} {award_id}\n" for award_id, index in sorted(indexes.indexes.items(), key=lambda i: i[1])
        )
        _write(indexes.file, (PRIVATE_HEADER + lines).encode("utf-8"))
    return added


def _write(file: Path, data: bytes) -> None:
    """Atomically (a temporary file renamed over it), readable by its owner only."""
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o600)
        Path(temporary).replace(file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- what the build says ------------------------------------------------------------------


def skipped(restricted: Restricted, private_folder: Path, delivery_folder: Path, why: str) -> DeliveryReport:
    return DeliveryReport(delivery_folder, private_folder, len(restricted.awards), skipped=why)


def summary(report: DeliveryReport, lang: str) -> list[str]:
    """The lines `build` prints about restricted awards (none when there are none)."""
    if not report.awards:
        return []
    fr = lang == "fr"
    folder, private = display_path(report.folder), display_path(report.private)
    count = report.awards
    if report.skipped is not None:
        if fr:
            why = (
                "pas de clé de signature"
                if report.skipped == "no-key"
                else "avec --frozen-ledger, leur index ne peut pas être enregistré"
            )
            return [
                f"Badges restreints ({private}/) : {_n(count, 'attribution restreinte', 'attributions restreintes')} "
                f"non signée{'s' if count > 1 else ''} ({why}) : rien n'a été remis dans {folder}/."
            ]
        why = (
            "no signing key"
            if report.skipped == "no-key"
            else "with --frozen-ledger their index cannot be recorded"
        )
        return [
            f"Restricted badges ({private}/): {_n(count, 'restricted award', 'restricted awards')} "
            f"not signed ({why}): nothing was delivered to {folder}/."
        ]
    delivered, revoked = len(report.delivered), len(report.revoked)
    lines: list[str] = []
    if fr:
        lines.append(
            f"Badges restreints : {_n(delivered, 'badge signé écrit', 'badges signés écrits')} dans {folder}/ "
            f"(un dossier par attribution), jamais publié{'s' if delivered > 1 else ''}."
        )
        if delivered:
            lines.append(
                "  Remettez chaque dossier à sa personne seulement (en main propre ou par un moyen sûr), puis "
                "effacez-le : ne le publiez pas, ne l'enregistrez pas dans git."
            )
        if revoked:
            lines.append(
                f"  {_n(revoked, 'attribution restreinte révoquée', 'attributions restreintes révoquées')} : "
                "pas remise"
                + ("s" if revoked > 1 else "")
                + ", marquée"
                + ("s" if revoked > 1 else "")
                + " « révoquée » dans la liste de révocation publiée."
            )
        if report.revocations_added:
            lines.append(
                "  Enregistrez content/status-list.txt dans git (commit) : la révocation sera publiée à la "
                "prochaine mise en ligne (le fichier ne contient que son numéro)."
            )
        if report.indexes_added:
            lines.append(
                f"  {private}/status-list.txt garde le numéro de révocation de chaque badge restreint : "
                "gardez-le avec le dossier privé."
            )
        return lines
    lines.append(
        f"Restricted badges: {_n(delivered, 'signed badge', 'signed badges')} written to {folder}/ "
        "(one folder per award), never published."
    )
    if delivered:
        lines.append(
            "  Hand each folder to its person only (in person or by a safe channel), then delete it: "
            "do not publish it, do not commit it to git."
        )
    if revoked:
        lines.append(
            f"  {_n(revoked, 'revoked restricted award', 'revoked restricted awards')}: not delivered, "
            "marked revoked in the published revocation list."
        )
    if report.revocations_added:
        lines.append(
            "  Commit content/status-list.txt to git: the revocation is published with the next "
            "publication (the file holds its number only)."
        )
    if report.indexes_added:
        lines.append(
            f"  {private}/status-list.txt keeps each restricted badge's revocation number: "
            "keep it with the private folder."
        )
    return lines


def counts_line(restricted: Restricted, private_folder: Path, lang: str) -> str | None:
    """`validate`'s line about the private folder (None when it holds nothing)."""
    badges, awards = len(restricted.badges), len(restricted.awards)
    if not badges and not awards:
        return None
    shown = display_path(private_folder)
    if lang == "fr":
        return (
            f"Dossier privé {shown}/ : {_n(badges, 'badge restreint', 'badges restreints')}, "
            f"{_n(awards, 'attribution restreinte', 'attributions restreintes')} (jamais publiés)."
        )
    return (
        f"Private folder {shown}/: {_n(badges, 'restricted badge', 'restricted badges')}, "
        f"{_n(awards, 'restricted award', 'restricted awards')} (never published)."
    )


def _n(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"
