"""`badgegen award`: give a badge to one person, or to a group from a CSV file.

Each award becomes one file, content/awards/<year>/<id>.yaml, where

- the id is random and unguessable (100 bits from `secrets`) and never reused: not
  an existing file name, not an id of the permanence ledger (content/published.txt);
- the person is stored as "sha256$" + SHA-256(normalised e-mail + salt), with a fresh
  128-bit salt per award. The address itself is never written, logged or printed,
  not even in an error message.

Everything is checked before anything is written; a CSV file is all-or-nothing: every
file is prepared and checked in memory (read back and checked against the award
schema), then written, and undone if the disk refuses one.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import re
import sys
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from badgegen.cmdutil import (
    BadInput,
    Cancelled,
    InputErrors,
    Problem,
    Site,
    Words,
    WriteFailed,
    add_command,
    add_content_and_lang,
    attempt,
    award_files,
    check_day,
    check_email,
    check_public_text,
    clean_text,
    colon,
    fail,
    hash_email,
    help_lang,
    listing,
    new_award_id,
    new_salt,
    normalise_email,
    open_content,
    personal_data,
    shown,
    slugs_in,
    suggestion,
    used_award_ids,
    write_new_file,
    yaml_data,
    yaml_quote,
    yaml_text_lines,
)
from badgegen.errors import BadgegenError
from badgegen.load import MEDIA_FOLDER, RawDocument, display_path
from badgegen.schema import schema_errors
from badgegen.yamlsafe import YamlProblem, parse_yaml

#: Kinds of evidence that point to a web address or a media file (`text` needs a narrative).
EVIDENCE_KINDS = ("photo", "video", "audio", "document")
_KIND_ALIASES = {"vidéo": "video", "son": "audio", "podcast": "audio", "doc": "document"}
#: The name each piece of evidence gets (a coordinator may change it in the file).
EVIDENCE_NAMES = {"photo": "Photo", "video": "Vidéo", "audio": "Enregistrement audio", "document": "Preuve"}
_MEDIA_FILE_RE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(?:jpg|jpeg|png|webp|mp3|ogg|m4a|mp4|webm|pdf|vtt|txt)$"
)
_URL_RE = re.compile(r"^https?://\S+$")
_MAX_NARRATIVE = 5000
_MAX_URL = 2000

#: CSV columns, in the order they are listed to the user.
COLUMNS = ("email", "badge", "issued_on", "narrative", "evidence", "listed")
_REQUIRED_COLUMNS = ("email", "badge")
_COLUMN_ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse_e_mail": "email",
    "date": "issued_on",
    "preuve": "evidence",
    "preuves": "evidence",
}
_YES = {"oui", "o", "true", "vrai", "yes", "y", "1", "x"}
_NO = {"", "non", "n", "false", "faux", "no", "0"}


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a web address or a file of content/media/."""

    kind: str
    name: str
    url: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class Draft:
    """Everything about one award except the person."""

    badge: str
    issued_on: date
    narrative: str | None = None
    evidence: tuple[EvidenceItem, ...] = ()
    listed: bool = False
    #: Never published: written to the private folder with `restricted: true` (--restricted).
    restricted: bool = False


@dataclass(frozen=True)
class Prepared:
    """One award file, checked, ready to write."""

    id: str
    path: Path
    text: str
    badge: str
    #: Award files of the same badge already held by the same person.
    already: tuple[Path, ...] = ()


class PreparationBug(BadgegenError):
    """The file prepared did not read back as intended: a defect of badgegen, not of the input."""

    exit_code = 1

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def format_message(self, lang: str) -> str:
        if lang == "fr":
            return f"badgegen n'a pas réussi à préparer une attribution valide ({self.detail}) : rien n'a été écrit. C'est un défaut de badgegen : signalez-le."
        return f"badgegen could not prepare a valid award ({self.detail}): nothing was written. This is a defect of badgegen: please report it."


# --- the command line ---------------------------------------------------------------------------


def register(commands: Any) -> None:
    """Add `badgegen award` to the sub-commands."""
    lang = help_lang()
    about = Words(
        "attribuer un badge à une personne (ou à un groupe avec --csv)",
        "award a badge to one person (or to a group with --csv)",
    )(lang)
    parser: argparse.ArgumentParser = add_command(
        commands,
        "award",
        help=about,
        description=about,
        epilog=_epilog(lang),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    text = {
        "badge": Words(
            "le badge : nom de son fichier dans badges/, sans .yaml",
            "the badge: its file name in badges/, without .yaml",
        ),
        "email": Words(
            "l'adresse e-mail de la personne ; sans cette option, elle est demandée sans s'afficher (mieux : elle ne reste pas dans l'historique)",
            "the person's e-mail address; without this option it is asked for without being shown (better: it stays out of the shell history)",
        ),
        "issued-on": Words(
            "date de l'attribution, AAAA-MM-JJ (par défaut aujourd'hui)",
            "date of the award, YYYY-MM-DD (default today)",
        ),
        "narrative": Words(
            "ce que la personne a fait pour obtenir le badge (publié)",
            "what the person did to earn the badge (published)",
        ),
        "evidence": Words(
            "une preuve : adresse https://… ou type=adresse (photo, video, audio, document), ou type=fichier de content/media/ ; plusieurs possibles",
            "a piece of evidence: https://… address or kind=address (photo, video, audio, document), or kind=file of content/media/; several allowed",
        ),
        "listed": Words(
            "la personne accepte d'apparaître dans la liste publique du registre",
            "the person agrees to appear in the registry's public list",
        ),
        "csv": Words(
            "attribuer à un groupe : fichier CSV avec les colonnes " + ", ".join(COLUMNS),
            "award to a group: CSV file with the columns " + ", ".join(COLUMNS),
        ),
    }
    fr = lang == "fr"
    parser.add_argument("--badge", metavar="SLUG", help=text["badge"](lang))
    parser.add_argument("--email", metavar="ADRESSE" if fr else "ADDRESS", help=text["email"](lang))
    parser.add_argument(
        "--issued-on", metavar="AAAA-MM-JJ" if fr else "YYYY-MM-DD", help=text["issued-on"](lang)
    )
    parser.add_argument("--narrative", metavar="TEXTE" if fr else "TEXT", help=text["narrative"](lang))
    parser.add_argument(
        "--evidence",
        metavar="PREUVE" if fr else "EVIDENCE",
        action="extend",
        nargs="+",
        default=[],
        help=text["evidence"](lang),
    )
    parser.add_argument("--listed", action="store_true", default=None, help=text["listed"](lang))
    parser.add_argument(
        "--restricted",
        action="store_true",
        default=None,
        help=Words(
            "badge restreint : jamais publié, remis seulement à la personne, signé ; le fichier est écrit "
            "dans le dossier privé (private/awards/<année>/), jamais dans content/",
            "restricted badge: never published, handed to the person only, signed; the file is written to "
            "the private folder (private/awards/<year>/), never to content/",
        )(lang),
    )
    parser.add_argument(
        "--private",
        type=Path,
        metavar="DOSSIER" if fr else "DIR",
        help=Words(
            "dossier privé des badges restreints (par défaut private/ à côté du dossier du contenu)",
            "private folder of restricted badges (default private/ beside the content folder)",
        )(lang),
    )
    parser.add_argument("--csv", type=Path, metavar="FICHIER" if fr else "FILE", help=text["csv"](lang))
    add_content_and_lang(parser, lang)
    parser.set_defaults(run=run)


def _epilog(lang: str) -> str:
    return Words(
        "exemples :\n"
        '  badgegen award --badge semer-en-plein-champ --narrative "A semé trois parcelles."\n'
        "  badgegen award --badge ponctualite --issued-on 2026-03-14 --evidence photo=https://exemple.org/photo.jpg\n"
        "  badgegen award --csv groupe.csv      (puis supprimez groupe.csv)\n"
        "L'adresse e-mail est demandée au clavier, sans s'afficher. Elle n'est jamais écrite :\n"
        "seule son empreinte salée l'est.",
        "examples:\n"
        '  badgegen award --badge semer-en-plein-champ --narrative "Sowed three plots."\n'
        "  badgegen award --badge ponctualite --issued-on 2026-03-14 --evidence photo=https://example.org/photo.jpg\n"
        "  badgegen award --csv group.csv      (then delete group.csv)\n"
        "The e-mail address is asked for at the keyboard, without being shown. It is never written:\n"
        "only its salted hash is.",
    )(lang)


def run(args: argparse.Namespace) -> int:
    """`badgegen award`: one award from the options, or a group from --csv."""
    site = open_content(args.content)
    if args.csv is not None:
        mixed = [
            option
            for option, value in (
                ("--badge", args.badge),
                ("--email", args.email),
                ("--issued-on", args.issued_on),
                ("--narrative", args.narrative),
                ("--evidence", args.evidence),
                ("--listed", args.listed),
                ("--restricted", args.restricted),
            )
            if value
        ]
        if mixed:
            raise fail(
                Words(
                    f"avec --csv, tout vient du fichier : {', '.join(mixed)} ne peut pas être ajouté.",
                    f"with --csv, everything comes from the file: {', '.join(mixed)} cannot be added.",
                ),
                Words(
                    f"retirez {', '.join(mixed)} et mettez ces valeurs dans les colonnes du fichier ({', '.join(COLUMNS)}).",
                    f"remove {', '.join(mixed)} and put these values in the file's columns ({', '.join(COLUMNS)}).",
                ),
            )
        return _run_csv(args.csv, site, args.lang)
    return _run_one(args, site)


# --- checking each value ------------------------------------------------------------------------


def check_badge(value: str, site: Site, private: Path | None = None) -> str:
    """The slug of an existing badge (a file badges/<slug>.yaml; or of the private folder's badges/
    for a restricted award, when `private` is given)."""
    slug = value.strip()
    if slug.endswith(".yaml"):
        slug = Path(slug).stem
    known = slugs_in(site.root / "badges")
    if private is not None:
        known = sorted({*known, *slugs_in(private / "badges")})
    if not slug:
        raise BadInput(
            Problem(
                Words("le badge manque.", "the badge is missing."),
                Words(
                    f"écrivez le nom du fichier du badge, sans .yaml ; badges possibles : {listing(known)}.",
                    f"write the badge's file name, without .yaml; possible badges: {listing(known)}.",
                ),
            )
        )
    if "@" in slug:
        raise BadInput(
            Problem(
                Words(
                    "à la place du badge, il y a une adresse e-mail.",
                    "there is an e-mail address instead of the badge.",
                ),
                Words(
                    "les valeurs sont peut-être inversées : le badge est le nom d'un fichier de badges/, sans .yaml.",
                    "the values may be swapped: the badge is the name of a file in badges/, without .yaml.",
                ),
            )
        )
    if slug not in known:
        close = suggestion(slug, known)
        raise BadInput(
            Problem(
                Words(
                    f"le badge « {shown(slug)} » n'existe pas (pas de fichier badges/{shown(slug)}.yaml).",
                    f"the badge '{shown(slug)}' does not exist (no file badges/{shown(slug)}.yaml).",
                ),
                Words(
                    f"{close.fr}badges possibles : {listing(known)}.",
                    f"{close.en}possible badges: {listing(known)}.",
                ),
            )
        )
    return slug


def check_narrative(raw: str) -> str | None:
    """The narrative as plain text (None when empty); it is published, so no personal details."""
    text = clean_text(raw)
    if not text:
        return None
    if len(text) > _MAX_NARRATIVE:
        raise BadInput(
            Problem(
                Words(
                    f"le récit est trop long ({len(text)} caractères, {_MAX_NARRATIVE} au plus).",
                    f"the narrative is too long ({len(text)} characters, at most {_MAX_NARRATIVE}).",
                ),
                Words(
                    "raccourcissez-le : quelques phrases simples suffisent.",
                    "make it shorter: a few simple sentences are enough.",
                ),
            )
        )
    check_public_text(text, Words("le récit", "the narrative"))
    return text


def check_evidence(spec: str, site: Site) -> EvidenceItem:
    """`https://…`, `kind=https://…` or `kind=file-in-media` → one piece of evidence."""
    spec = spec.strip()
    kind, target = "document", spec
    if not re.match(r"^https?://", spec, re.IGNORECASE) and "=" in spec:
        kind_text, target = (part.strip() for part in spec.split("=", 1))
        kind = _KIND_ALIASES.get(kind_text.lower(), kind_text.lower())
        if kind not in EVIDENCE_KINDS:
            raise BadInput(
                Problem(
                    Words(
                        f"le type de preuve « {shown(kind_text)} » est inconnu.",
                        f"the kind of evidence '{shown(kind_text)}' is unknown.",
                    ),
                    Words(
                        "écrivez photo=…, video=…, audio=… ou document=…, suivi d'une adresse https://… ou du nom d'un fichier de content/media/.",
                        "write photo=…, video=…, audio=… or document=…, followed by an https://… address or the name of a file in content/media/.",
                    ),
                )
            )
    found = personal_data(unquote(target).replace("/@", "/"))
    if found is not None:
        raise BadInput(
            Problem(
                Words(
                    f"cette preuve contient {found.some.fr} : son adresse est publiée.",
                    f"this evidence holds {found.some.en}: its address is published.",
                ),
                Words(
                    "donnez une adresse de preuve sans donnée personnelle.",
                    "give an evidence address without personal details.",
                ),
            )
        )
    scheme = re.match(r"^https?://", target, re.IGNORECASE)
    if scheme is not None:
        target = scheme.group(0).lower() + target[scheme.end() :]
    if _URL_RE.match(target) and target.isprintable() and len(target) <= _MAX_URL:
        return EvidenceItem(kind, EVIDENCE_NAMES[kind], url=target)
    if _MEDIA_FILE_RE.match(target):
        media = site.root / MEDIA_FOLDER
        if not (media / target).is_file():
            known = sorted(p.name for p in media.iterdir() if p.is_file()) if media.is_dir() else []
            close = suggestion(target, known)
            raise BadInput(
                Problem(
                    Words(
                        f"le fichier « {target} » est introuvable dans content/media/.",
                        f"the file '{target}' is not in content/media/.",
                    ),
                    Words(
                        f"{close.fr}ajoutez le fichier dans content/media/, ou corrigez son nom.",
                        f"{close.en}add the file to content/media/, or fix its name.",
                    ),
                )
            )
        return EvidenceItem(kind, EVIDENCE_NAMES[kind], file=target)
    raise BadInput(
        Problem(
            Words(
                f"la preuve « {shown(target)} » n'est ni une adresse web (https://…) ni le nom d'un fichier de content/media/.",
                f"the evidence '{shown(target)}' is neither a web address (https://…) nor the name of a file in content/media/.",
            ),
            Words(
                "écrivez une adresse complète qui commence par https://, ou le nom d'un fichier rangé dans content/media/ (sans espace ni accent).",
                "write a full address starting with https://, or the name of a file stored in content/media/ (no space, no accent).",
            ),
        )
    )


def check_listed(value: str) -> bool:
    """oui/non (true/false, vrai/faux, yes/no, 1/0); empty means non."""
    answer = value.strip().lower()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise BadInput(
        Problem(
            Words(
                f"« {shown(value)} » n'est pas une réponse oui ou non.",
                f"'{shown(value)}' is not a yes or no answer.",
            ),
            Words(
                "écrivez oui si la personne accepte d'apparaître dans la liste publique du registre, sinon non (ou laissez vide).",
                "write yes if the person agrees to appear in the registry's public list, otherwise no (or leave it empty).",
            ),
        )
    )


def _evidence_items(
    problems: list[Problem], where: Words, specs: list[str], site: Site
) -> list[EvidenceItem]:
    """Every piece of evidence that is right; the others' problems are recorded."""
    items = [attempt(problems, where, partial(check_evidence, spec, site)) for spec in specs]
    return [item for item in items if item is not None]


def checked_email(text: str) -> str:
    """The normalised address, or InputErrors (the address is never shown)."""
    try:
        return check_email(text)
    except BadInput as bad:
        raise InputErrors([bad.problem]) from None


# --- preparing and writing files ----------------------------------------------------------------


def award_yaml(draft: Draft, award_id: str, identity: str, salt: str) -> tuple[str, dict[str, Any]]:
    """The text of the award file (fields in the schema's order) and the data it must read as."""
    data: dict[str, Any] = {
        "badge": draft.badge,
        "recipient": {"type": "email", "identity": identity, "salt": salt},
        "issued_on": draft.issued_on.isoformat(),
    }
    lines = [
        "# Attribution : un badge donné à une personne (Assertion Open Badges), écrite par `badgegen award`.",
        "# Ne jamais écrire d'adresse e-mail ici : la personne est reconnue par l'empreinte salée",
        "# de son adresse (recipient), jamais par l'adresse elle-même.",
        f'# Pour retirer ce badge, ne supprimez pas ce fichier : lancez badgegen revoke {award_id} --reason "…"',
        "# Award: one badge given to one person. Never write an e-mail address here.",
        f"badge: {draft.badge}",
        "recipient:",
        "  type: email",
        f'  identity: "{identity}"',
        f'  salt: "{salt}"',
        f'issued_on: "{draft.issued_on.isoformat()}"',
    ]
    if draft.narrative is not None:
        data["narrative"] = draft.narrative
        lines += yaml_text_lines("narrative", draft.narrative)
    if draft.evidence:
        data["evidence"] = []
        lines.append("evidence:")
        for item in draft.evidence:
            entry: dict[str, str] = {"kind": item.kind, "name": item.name}
            lines += [f"  - kind: {item.kind}", f"    name: {yaml_quote(item.name)}"]
            if item.url is not None:
                entry["url"] = item.url
                lines.append(f"    url: {yaml_quote(item.url)}")
            if item.file is not None:
                entry["file"] = item.file
                lines.append(f"    file: {yaml_quote(item.file)}")
            data["evidence"].append(entry)
    if draft.restricted:
        data["restricted"] = True
        lines += [
            "# Badge restreint : jamais publié, remis seulement à la personne, signé.",
            "# Ce fichier reste dans le dossier privé : jamais dans content/, jamais dans le dépôt public.",
            "restricted: true",
        ]
        return "\n".join(lines) + "\n", data
    data["listed"] = draft.listed
    lines += [
        "# true seulement si la personne accepte d'apparaître dans la liste publique du registre.",
        f"listed: {'true' if draft.listed else 'false'}",
    ]
    return "\n".join(lines) + "\n", data


def prepare(
    draft: Draft, email: str, site: Site, used: set[str], held: list[tuple[Path, str, str, str]]
) -> Prepared:
    """One award file for `email`, read back and checked against the schema before anything is written."""
    award_id = new_award_id(used)
    salt = new_salt()
    identity = hash_email(email, salt)
    path = site.root / "awards" / str(draft.issued_on.year) / f"{award_id}.yaml"
    text, expected = award_yaml(draft, award_id, identity, salt)
    try:
        document = parse_yaml(text)
    except YamlProblem as problem:
        raise PreparationBug(f"YAML {problem.code}") from None
    if document.data != expected:
        raise PreparationBug("read back differs")
    raw = RawDocument("award", award_id, path, display_path(path), document, folder=path.parent.name)
    problems = schema_errors(raw)
    if problems:
        raise PreparationBug("; ".join(f"{p.field}: {p.message('en')}" for p in problems))
    already = tuple(
        other
        for other, badge, other_identity, other_salt in held
        if badge == draft.badge and hash_email(email, other_salt) == other_identity
    )
    return Prepared(award_id, path, text, draft.badge, already)


def held_awards(site: Site) -> list[tuple[Path, str, str, str]]:
    """(file, badge, identity, salt) of every readable award, to notice a badge given twice."""
    held = []
    for paths in award_files(site.root).values():
        for path in paths:
            data = yaml_data(path)
            if not isinstance(data, dict) or not isinstance(data.get("recipient"), dict):
                continue
            recipient = data["recipient"]
            values = (data.get("badge"), recipient.get("identity"), recipient.get("salt"))
            if all(isinstance(value, str) for value in values):
                held.append((path, str(values[0]), str(values[1]), str(values[2])))
    return held


def write_all(prepared: list[Prepared]) -> None:
    """Write every file, or none: a refused write removes the files written before it."""
    written: list[Path] = []
    for item in prepared:
        try:
            write_new_file(item.path, item.text)
        except OSError as exc:
            for path in written:
                path.unlink(missing_ok=True)
            raise WriteFailed(item.path, exc.strerror or type(exc).__name__) from None
        written.append(item.path)


def badge_name(site: Site, slug: str, lang: str) -> str:
    """The badge's name as the coordinator knows it (its slug when the file is unreadable)."""
    data = yaml_data(site.root / "badges" / f"{slug}.yaml")
    if data is None:  # a restricted badge, in the private folder beside the content
        data = yaml_data(site.root.parent / "private" / "badges" / f"{slug}.yaml")
    name = data.get("name") if isinstance(data, dict) else None
    if isinstance(name, dict):
        name = name.get("en") if lang == "en" and isinstance(name.get("en"), str) else name.get("fr")
    return " ".join(name.split()) if isinstance(name, str) and name.strip() else slug


def _quoted(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"'{text}'"


def _already_lines(item: Prepared, lang: str, where: str = "") -> list[str]:
    lines = []
    for other in item.already:
        if lang == "fr":
            lines.append(
                f"Attention{where} : cette personne avait déjà ce badge ({display_path(other)}). "
                f"Si c'est une erreur, supprimez {display_path(item.path)} avant de l'enregistrer dans git."
            )
        else:
            lines.append(
                f"Warning{where}: this person already had this badge ({display_path(other)}). "
                f"If this is a mistake, delete {display_path(item.path)} before committing it."
            )
    return lines


# --- one person ---------------------------------------------------------------------------------


def _run_one(args: argparse.Namespace, site: Site) -> int:
    lang: str = args.lang
    problems: list[Problem] = []
    badge: str | None = None
    restricted = bool(args.restricted)
    private = args.private if args.private is not None else site.root.parent / "private"
    if restricted and args.listed:
        problems.append(
            Problem(
                Words(
                    "--listed et --restricted ne vont pas ensemble : un badge restreint n'est jamais publié.",
                    "--listed and --restricted do not go together: a restricted badge is never published.",
                ),
                Words("retirez l'une des deux options.", "remove one of the two options."),
            )
        )
    # A restricted award's file, and its evidence files, are in the private folder.
    target = replace(site, root=private) if restricted else site
    if args.badge is None:
        known = slugs_in(site.root / "badges")
        example = known[0] if known else "nom-du-badge"
        problems.append(
            Problem(
                Words(
                    "indiquez le badge avec --badge (une personne) ou un fichier avec --csv (un groupe).",
                    "give the badge with --badge (one person) or a file with --csv (a group).",
                ),
                Words(
                    f"par exemple : badgegen award --badge {example} ; badges possibles : {listing(known)}.",
                    f"for example: badgegen award --badge {example}; possible badges: {listing(known)}.",
                ),
            )
        )
    else:
        badge = attempt(
            problems,
            Words("--badge", "--badge"),
            lambda: check_badge(args.badge, site, private if restricted else None),
        )
    issued_on: date | None = site.today
    if args.issued_on is not None:
        issued_on = attempt(
            problems, Words("--issued-on", "--issued-on"), lambda: check_day(args.issued_on, site)
        )
    narrative = None
    if args.narrative is not None:
        narrative = attempt(
            problems, Words("--narrative", "--narrative"), lambda: check_narrative(args.narrative)
        )
    evidence = _evidence_items(problems, Words("--evidence", "--evidence"), args.evidence, target)
    email = None
    if args.email is not None:
        email = attempt(problems, Words("--email", "--email"), lambda: check_email(args.email))
    if problems:
        raise InputErrors(problems)
    assert badge is not None and issued_on is not None
    if email is None:
        email = ask_email(lang)
    draft = Draft(badge, issued_on, narrative, tuple(evidence), bool(args.listed), restricted)
    used = used_award_ids(site.root) | used_award_ids(private)
    award = prepare(draft, email, target, used, held_awards(site) + held_awards(replace(site, root=private)))
    write_all([award])
    url = f"{site.base_url}assertions/{award.id}.json"
    name = _quoted(badge_name(site, badge, lang), lang)
    if restricted:
        _say_restricted(name, award, lang)
    elif lang == "fr":
        print(f"Badge {name} attribué : {display_path(award.path)}")
        print(f"Adresse de vérification : {url}")
        print(
            "Enregistrez ce fichier dans git (commit) : l'attribution sera publiée à la prochaine mise en ligne du site."
        )
    else:
        print(f"Badge {name} awarded: {display_path(award.path)}")
        print(f"Verification address: {url}")
        print("Commit this file to git: the award is published with the next update of the site.")
    for line in _already_lines(award, lang):
        print(line, file=sys.stderr)
    return 0


def _say_restricted(name: str, award: Prepared, lang: str) -> None:
    if lang == "fr":
        print(f"Badge restreint {name} attribué : {display_path(award.path)}")
        print(
            "Il n'est jamais publié. Lancez « badgegen build » avec la clé de signature : le badge signé sera "
            f"écrit dans delivery/{award.id}/, à remettre à la personne seulement."
        )
        print("Ce fichier reste dans le dossier privé : ne l'enregistrez jamais dans le dépôt public.")
    else:
        print(f"Restricted badge {name} awarded: {display_path(award.path)}")
        print(
            "It is never published. Run 'badgegen build' with the signing key: the signed badge is written to "
            f"delivery/{award.id}/, to hand to the person only."
        )
        print("This file stays in the private folder: never commit it to the public repository.")


def ask_email(lang: str) -> str:
    """The e-mail address, typed without echo (twice, to catch a typo nobody can see),
    or read from the standard input when it is not a terminal."""
    stdin = sys.stdin
    try:
        if stdin is not None and stdin.isatty():
            email = checked_email(
                getpass.getpass(
                    Words(
                        "Adresse e-mail de la personne (elle ne s'affiche pas) : ",
                        "E-mail address of the person (it is not shown): ",
                    )(lang)
                )
            )
            again = getpass.getpass(
                Words("Tapez-la une seconde fois pour vérifier : ", "Type it again to check: ")(lang)
            )
            if normalise_email(again) != email:
                raise fail(
                    Words(
                        "les deux adresses tapées sont différentes.", "the two addresses typed are different."
                    ),
                    Words(
                        "recommencez en tapant deux fois la même adresse.",
                        "start again and type the same address twice.",
                    ),
                )
            return email
        line = stdin.readline() if stdin is not None else ""
    except (KeyboardInterrupt, EOFError):
        raise Cancelled() from None
    if not line.strip():
        raise fail(
            Words("aucune adresse e-mail n'a été reçue.", "no e-mail address was received."),
            Words(
                "tapez l'adresse quand elle est demandée, ou donnez-la avec --email ADRESSE.",
                "type the address when asked, or give it with --email ADDRESS.",
            ),
        )
    return checked_email(line)


# --- a group, from a CSV file -------------------------------------------------------------------


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Table:
    """A CSV file read: where each known column is, and the rows with their line numbers."""

    columns: dict[str, int]
    width: int
    rows: list[tuple[int, list[str]]]
    #: Problems of line 1 that do not prevent reading the other lines (an unknown column).
    header_problems: tuple[Problem, ...] = ()


def _csv_problem(message: Words, fix: Words, line: int | None = None) -> InputErrors:
    where = None if line is None else Words(f"ligne {line}", f"line {line}")
    return InputErrors([Problem(message, fix, where)], _NO_FILE_WRITTEN)


_NO_FILE_WRITTEN = Words("aucun fichier n'a été écrit.", "no file was written.")
_SAVE_AS_UTF8 = Words(
    "dans Excel : Fichier › Enregistrer sous › « CSV UTF-8 (délimité par des virgules) » ; dans LibreOffice : "
    "Enregistrer sous › CSV, cochez « Éditer les paramètres du filtre » et choisissez « Unicode (UTF-8) ».",
    "in Excel: File › Save As › 'CSV UTF-8 (Comma delimited)'; in LibreOffice: Save As › CSV, tick "
    "'Edit filter settings' and choose 'Unicode (UTF-8)'.",
)


def read_table(path: Path) -> Table:
    """Read a CSV file (`,` `;` or tab, UTF-8 with or without BOM) and its header row."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _csv_problem(
            Words(
                f"le fichier {display_path(path)} est introuvable.",
                f"the file {display_path(path)} cannot be found.",
            ),
            Words(
                "vérifiez son nom et le dossier où il est rangé.", "check its name and the folder it is in."
            ),
        ) from None
    except OSError as exc:
        raise _csv_problem(
            Words(
                f"le fichier {display_path(path)} ne peut pas être lu ({exc.strerror}).",
                f"the file {display_path(path)} cannot be read ({exc.strerror}).",
            ),
            Words(
                "vérifiez que c'est bien un fichier et que vous pouvez le lire.",
                "check that it is a file you may read.",
            ),
        ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _csv_problem(
            Words(
                "le fichier CSV est enregistré en UTF-16, pas en UTF-8.",
                "the CSV file is saved as UTF-16, not UTF-8.",
            ),
            _SAVE_AS_UTF8,
        )
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _csv_problem(
            Words("le fichier CSV n'est pas enregistré en UTF-8.", "the CSV file is not saved as UTF-8."),
            _SAVE_AS_UTF8,
            body[: exc.start].count(b"\n") + 1,
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        records = list(reader)
    except csv.Error:
        raise _csv_problem(
            Words(
                "le fichier CSV est mal formé : un guillemet n'est pas fermé, ou du texte le suit.",
                "the CSV file is not well formed: a quote is not closed, or text follows it.",
            ),
            Words(
                "ouvrez le fichier dans votre tableur et enregistrez-le de nouveau en CSV.",
                "open the file in your spreadsheet and save it again as CSV.",
            ),
            reader.line_num,
        ) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise _csv_problem(
            Words(
                "le fichier CSV est vide, ou sa première ligne l'est.",
                "the CSV file is empty, or its first line is.",
            ),
            Words(
                f"écrivez en ligne 1 les noms des colonnes : {';'.join(COLUMNS)}, puis une personne par ligne.",
                f"write the column names on line 1: {','.join(COLUMNS)}, then one person per line.",
            ),
            1,
        )
    columns, header_problems = _header(records)
    rows = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(c.strip() for c in record)
    ]
    if not rows:
        raise _csv_problem(
            Words(
                "le fichier CSV ne contient aucune attribution (seulement la ligne des noms de colonnes).",
                "the CSV file holds no award (only the line of column names).",
            ),
            Words("ajoutez une ligne par personne.", "add one line per person."),
        )
    return Table(columns, len(records[0]), rows, tuple(header_problems))


def _header(records: list[list[str]]) -> tuple[dict[str, int], list[Problem]]:
    """Where each known column is, and the problems of line 1 that still let the other
    lines be read; raise when they cannot be (no header row, a required column missing)."""
    header = records[0]
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    names = ", ".join(COLUMNS)
    for index, cell in enumerate(header):
        where = Words(f"ligne 1, colonne {_column_letter(index)}", f"line 1, column {_column_letter(index)}")
        key = re.sub(r"[\s-]+", "_", cell.strip().lower())
        name = _COLUMN_ALIASES.get(key, key)
        if "@" in cell:
            problems.append(
                Problem(
                    Words(
                        "cette ligne contient une adresse e-mail : ce doit être la ligne des noms de colonnes.",
                        "this line holds an e-mail address: it must be the line of column names.",
                    ),
                    Words(
                        f"ajoutez au début du fichier une ligne avec les noms des colonnes : {';'.join(COLUMNS)}",
                        f"add at the start of the file a line with the column names: {','.join(COLUMNS)}",
                    ),
                    Words("ligne 1", "line 1"),
                )
            )
            raise InputErrors(problems, _NO_FILE_WRITTEN)
        if not name:
            if any(index < len(record) and record[index].strip() for record in records[1:]):
                problems.append(
                    Problem(
                        Words("cette colonne n'a pas de nom.", "this column has no name."),
                        Words(
                            f"écrivez son nom en ligne 1 (colonnes possibles : {names}), ou videz la colonne.",
                            f"write its name on line 1 (possible columns: {names}), or empty the column.",
                        ),
                        where,
                    )
                )
        elif name not in COLUMNS:
            close = suggestion(name, COLUMNS)
            problems.append(
                Problem(
                    Words(
                        f"la colonne « {shown(cell)} » est inconnue.",
                        f"the column '{shown(cell)}' is unknown.",
                    ),
                    Words(
                        f"{close.fr}corrigez son nom, ou supprimez cette colonne ; colonnes possibles : {names}.",
                        f"{close.en}fix its name, or delete this column; possible columns: {names}.",
                    ),
                    where,
                )
            )
        elif name in columns:
            first = _column_letter(columns[name])
            problems.append(
                Problem(
                    Words(
                        f"la colonne « {name} » est écrite deux fois (déjà en colonne {first}).",
                        f"the column '{name}' is written twice (already in column {first}).",
                    ),
                    Words("gardez une seule de ces deux colonnes.", "keep only one of these two columns."),
                    where,
                )
            )
        else:
            columns[name] = index
    missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
    for name in missing:
        problems.append(
            Problem(
                Words(f"la colonne « {name} » manque.", f"the column '{name}' is missing."),
                Words(
                    f"ajoutez-la en ligne 1 ; colonnes possibles : {names}.",
                    f"add it on line 1; possible columns: {names}.",
                ),
                Words("ligne 1", "line 1"),
            )
        )
    if missing:
        raise InputErrors(problems, _NO_FILE_WRITTEN)
    return columns, problems


def _run_csv(path: Path, site: Site, lang: str) -> int:
    table = read_table(path)
    problems: list[Problem] = list(table.header_problems)
    drafts: list[tuple[int, Draft, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, record in table.rows:
        checked = _check_row(table, number, record, site, problems)
        if checked is None:
            continue
        draft, email = checked
        twin = seen.get((email, draft.badge))
        if twin is not None:
            problems.append(
                Problem(
                    Words(
                        f"même adresse e-mail et même badge qu'à la ligne {twin}.",
                        f"same e-mail address and same badge as on line {twin}.",
                    ),
                    Words("supprimez l'une des deux lignes.", "delete one of the two lines."),
                    Words(f"ligne {number}", f"line {number}"),
                )
            )
            continue
        seen[(email, draft.badge)] = number
        drafts.append((number, draft, email))
    if problems:
        raise InputErrors(problems, _NO_FILE_WRITTEN)
    used = used_award_ids(site.root)
    held = held_awards(site)
    prepared = [(number, prepare(draft, email, site, used, held)) for number, draft, email in drafts]
    write_all([item for _, item in prepared])
    _print_group(prepared, path, site, lang)
    return 0


def _check_row(
    table: Table, number: int, record: list[str], site: Site, problems: list[Problem]
) -> tuple[Draft, str] | None:
    """One CSV line → (draft, normalised e-mail), or None with its problems recorded."""
    count = len(problems)

    def where(name: str) -> Words:
        if name not in table.columns:
            return Words(f"ligne {number}", f"line {number}")
        letter = _column_letter(table.columns[name])
        return Words(f"ligne {number}, colonne {letter} ({name})", f"line {number}, column {letter} ({name})")

    def cell(name: str) -> str:
        index = table.columns.get(name)
        return record[index] if index is not None and index < len(record) else ""

    if len(record) > table.width and any(c.strip() for c in record[table.width :]):
        problems.append(
            Problem(
                Words(
                    "cette ligne a plus de cellules que la ligne 1 (les noms de colonnes).",
                    "this line has more cells than line 1 (the column names).",
                ),
                Words(
                    'un texte contient peut-être le séparateur (« ; » ou « , ») : entourez ce texte de guillemets "…", ou retirez les cellules en trop.',
                    "a text may hold the separator (';' or ','): put that text between quotes \"…\", or remove the extra cells.",
                ),
                Words(f"ligne {number}", f"line {number}"),
            )
        )
    email = attempt(problems, where("email"), lambda: check_email(cell("email")))
    badge = attempt(problems, where("badge"), lambda: check_badge(cell("badge"), site))
    issued_on: date | None = site.today
    if "issued_on" in table.columns and cell("issued_on").strip():
        issued_on = attempt(problems, where("issued_on"), lambda: check_day(cell("issued_on"), site))
    narrative = None
    if "narrative" in table.columns:
        narrative = attempt(problems, where("narrative"), lambda: check_narrative(cell("narrative")))
    evidence = _evidence_items(problems, where("evidence"), cell("evidence").split(), site)
    listed: bool | None = False
    if "listed" in table.columns:
        listed = attempt(problems, where("listed"), lambda: check_listed(cell("listed")))
    if len(problems) > count or email is None or badge is None or issued_on is None or listed is None:
        return None
    return Draft(badge, issued_on, narrative, tuple(evidence), listed), email


def _print_group(prepared: list[tuple[int, Prepared]], path: Path, site: Site, lang: str) -> None:
    fr = lang == "fr"
    count = len(prepared)
    if fr:
        print(f"{count} attribution{'s' if count > 1 else ''} écrite{'s' if count > 1 else ''} :")
    else:
        print(f"{count} award{'s' if count > 1 else ''} written:")
    names: dict[str, str] = {}
    for number, item in prepared:
        name = names.setdefault(item.badge, _quoted(badge_name(site, item.badge, lang), lang))
        print(f"  {'ligne' if fr else 'line'} {number}{colon(lang)}{name} → {display_path(item.path)}")
    pattern = f"{site.base_url}assertions/<{'identifiant' if fr else 'id'}>.json"
    shown_path = display_path(path)
    if fr:
        print(f"Adresses de vérification : {pattern} (l'identifiant est le nom du fichier, sans .yaml).")
        print(
            "Enregistrez ces fichiers dans git (commit) : ils seront publiés à la prochaine mise en ligne du site."
        )
        print(
            f"IMPORTANT : supprimez maintenant le fichier {shown_path} : il contient des adresses e-mail. "
            "Ne l'enregistrez jamais dans git."
        )
    else:
        print(f"Verification addresses: {pattern} (the id is the file name, without .yaml).")
        print("Commit these files to git: they are published with the next update of the site.")
        print(
            f"IMPORTANT: delete the file {shown_path} now: it holds e-mail addresses. Never commit it to git."
        )
    for number, item in prepared:
        for line in _already_lines(item, lang, f", {'ligne' if fr else 'line'} {number}"):
            print(line, file=sys.stderr)
