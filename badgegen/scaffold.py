"""`badgegen new issuer SLUG` and `badgegen new badge SLUG`: a file ready to fill in.

The file is valid YAML holding every field of its schema, each explained in
French in plain words just above it: required fields with an empty placeholder
(`""`), which `badgegen validate` reports until it is filled in, and optional
fields commented out (« # »), with an example value that is valid as it stands.

Convention the tests rely on: a commented-out field line is `# ` followed by the
YAML line itself; an explanation line never starts with `field:` or `- `.
The allowed values (`family`, `kind`) come from the schemas, so they stay in sync.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from badgegen.cmdutil import (
    InputErrors,
    Problem,
    Site,
    Words,
    WriteFailed,
    add_command,
    add_content_and_lang,
    fail,
    help_lang,
    listing,
    open_content,
    shown,
    slugs_in,
    suggestion,
    write_new_file,
)
from badgegen.load import SLUG_RE, display_path, suggest_slug
from badgegen.schema import validator_for

KINDS = {"issuer": "issuers", "badge": "badges"}
_KIND_ALIASES = {"organisation": "issuer", "emetteur": "issuer", "émetteur": "issuer", "badges": "badge"}
_NOT_CREATED = Words("aucun fichier n'a été créé.", "no file was created.")

#: Plain words for each family of skill (values from badge.schema.json).
_FAMILY_WORDS = {
    "savoir-faire": "un savoir-faire, un geste de métier",
    "savoir-etre": "une qualité, une façon d'être avec les autres",
    "engagement": "un engagement, par exemple bénévole ou citoyen",
}

_HOW_TO = """\
# Fichier préparé par `badgegen new {kind}`. Pour le remplir :
# 1. Écrivez vos textes entre les guillemets "" vides. Chaque champ est expliqué juste au-dessus.
# 2. Les lignes qui commencent par « # » sont des explications : elles ne sont pas publiées.
#    Pour utiliser un champ facultatif, enlevez le « # » et l'espace au début de ses lignes.
"""


def _enum(kind: str, name: str) -> list[str]:
    schema: Any = validator_for(kind).schema
    return [str(value) for value in schema["properties"][name]["enum"]]


def issuer_text(slug: str, site: Site) -> str:
    """The scaffold of issuers/<slug>.yaml."""
    kinds = ", ".join(_enum("issuer", "kind"))
    return f"""\
# Organisation : une structure qui donne des badges ou en recommande (Profile Open Badges).
{_HOW_TO.format(kind="issuer")}\
# 3. Lancez `badgegen validate` : il dit ce qui manque encore.
# Tout ce fichier est publié, à l'adresse {site.base_url}issuers/{slug}.json :
# n'y écrivez aucune donnée personnelle, et ne renommez plus le fichier une fois publié.

# Nom de l'organisation, tel qu'il sera affiché (obligatoire).
name: ""

# Type d'organisation (obligatoire), un de :
# « {kinds} ».
kind: ""

# Site web de l'organisation (obligatoire) : l'adresse complète, qui commence par https://
url: ""

# Adresse e-mail de contact de l'organisation (obligatoire). Elle est publiée : c'est une
# adresse publique, comme celle de l'accueil, jamais celle d'une personne.
email: ""

# Présentation (conseillé) : quelques phrases simples sur ce que fait l'organisation, et pour qui.
# Sans présentation, supprimez ces lignes.
description:
  fr: ""
  # La présentation en anglais (facultatif) :
  # en: ""

# Territoire (facultatif) : où l'organisation agit (ville, département ou région).
# territory: "Indre-et-Loire"

# Logo (facultatif) : un fichier PNG ou SVG, carré, rangé à côté de ce fichier.
# image: "{slug}.png"
"""


def badge_text(slug: str, site: Site, issuer: str, image: str) -> str:
    """The scaffold of badges/<slug>.yaml."""
    issuers = listing(slugs_in(site.root / "issuers"), limit=20)
    families = " ;\n".join(
        f"#   « {value} » : {_FAMILY_WORDS.get(value, value)}" for value in _enum("badge", "family")
    )
    families += "."
    return f"""\
# Badge : une compétence ou une qualité que l'on peut attribuer (BadgeClass Open Badges).
{_HOW_TO.format(kind="badge")}\
# 3. Placez l'image du badge, carrée, à côté de ce fichier : {slug}.png (ou {slug}.svg).
# 4. Lancez `badgegen validate` : il dit ce qui manque encore.
# Tout ce fichier est publié, à l'adresse {site.base_url}badges/{slug}.json :
# n'y écrivez aucune donnée personnelle, et ne renommez plus le fichier une fois publié.

# Nom du badge (obligatoire) : souvent une phrase qui commence par « Je »,
# par exemple « Je sais semer en plein champ ».
name:
  fr: ""
  # Le nom en anglais (facultatif) :
  # en: ""

# Description (obligatoire) : ce que le badge dit de la personne qui l'a reçu,
# en quelques phrases simples.
description:
  fr: ""
  # La description en anglais (facultatif) :
  # en: ""

# Organisation qui donne ce badge (obligatoire) : le nom de son fichier dans issuers/, sans .yaml.
# Organisations existantes : {issuers}.
issuer: "{issuer}"

# Image du badge (obligatoire) : un fichier carré, PNG ou SVG, rangé à côté de ce fichier.
# Si votre image est en SVG, écrivez ici {slug}.svg.
image: "{image}"

# Famille de compétence (obligatoire), une de :
{families}
family: ""

# Critères (conseillé) : ce que la personne doit montrer pour obtenir le badge.
# Pour une liste, remplacez "" par |- et écrivez en dessous un point par ligne,
# décalé de quatre espaces et commençant par « - » (voyez les autres badges).
criteria:
  fr: ""
  # Les critères en anglais (facultatif) :
  # en: ""

# Déclaratif (facultatif) : enlevez le « # » si la personne déclare elle-même cette
# compétence, sans que personne ne l'ait vérifiée.
# self_declared: true

# Mots-clés (facultatif) : pour trouver le badge, un par ligne commençant par « - ».
# tags:
#   - maraîchage
#   - semis

# Référentiels (facultatif) : liens vers une fiche officielle de métier ou de compétence,
# par exemple une fiche ROME de France Travail (« code » et « description » sont facultatifs).
# alignments:
#   - framework: ROME
#     code: A1414
#     name: "Horticulture et maraîchage"
#     url: "https://candidat.francetravail.fr/metierscope/fiche-metier/A1414"
#     description: "Cultiver des légumes, des fruits ou des plantes."

# Durée de validité en mois (facultatif) : sans cette ligne, le badge ne périme pas.
# validity_months: 24

# Badge restreint (facultatif) : true = jamais publié, remis seulement à la personne, signé.
# Un badge restreint ne va jamais dans content/ : son fichier va dans le dossier privé (private/badges/).
# restricted: false
"""


def register(commands: Any) -> None:
    """Add `badgegen new` to the sub-commands."""
    lang = help_lang()
    about = Words(
        "créer un fichier prêt à remplir : une organisation (issuer) ou un badge",
        "create a file ready to fill in: an organisation (issuer) or a badge",
    )(lang)
    parser: argparse.ArgumentParser = add_command(
        commands,
        "new",
        help=about,
        description=about,
        epilog=Words(
            "exemples :\n  badgegen new issuer jardins-de-la-loire\n"
            "  badgegen new badge semer-en-plein-champ --issuer jardins-de-la-loire",
            "examples:\n  badgegen new issuer jardins-de-la-loire\n"
            "  badgegen new badge semer-en-plein-champ --issuer jardins-de-la-loire",
        )(lang),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "kind", nargs="?", metavar="issuer|badge", help=Words("ce qu'il faut créer", "what to create")(lang)
    )
    parser.add_argument(
        "slug",
        nargs="?",
        metavar="SLUG",
        help=Words(
            "le nom du fichier, sans .yaml : minuscules sans accent, chiffres et tirets",
            "the file name, without .yaml: lower-case letters without accents, digits and hyphens",
        )(lang),
    )
    parser.add_argument(
        "--issuer",
        metavar="SLUG",
        help=Words(
            "pour un badge : l'organisation qui le donne (un fichier de issuers/)",
            "for a badge: the organisation that awards it (a file in issuers/)",
        )(lang),
    )
    add_content_and_lang(parser, lang)
    parser.set_defaults(run=run)


def _kind(value: str | None) -> str:
    if not value:
        raise fail(
            Words(
                "indiquez ce qu'il faut créer : une organisation ou un badge.",
                "say what to create: an organisation or a badge.",
            ),
            Words(
                "par exemple : badgegen new issuer jardins-de-la-loire, ou badgegen new badge semer-en-plein-champ.",
                "for example: badgegen new issuer jardins-de-la-loire, or badgegen new badge semer-en-plein-champ.",
            ),
            _NOT_CREATED,
        )
    kind = _KIND_ALIASES.get(value.lower(), value.lower())
    if kind in KINDS:
        return kind
    if kind in ("award", "attribution"):
        fix = Words(
            "pour attribuer un badge, utilisez badgegen award --badge NOM.",
            "to award a badge, use badgegen award --badge NAME.",
        )
    else:
        fix = Words("écrivez issuer (une organisation) ou badge.", "write issuer (an organisation) or badge.")
    raise fail(
        Words(
            f"« {shown(value)} » n'est pas une sorte de fichier que badgegen new sait créer.",
            f"'{shown(value)}' is not a kind of file badgegen new can create.",
        ),
        fix,
        _NOT_CREATED,
    )


def _slug(value: str | None, kind: str) -> str:
    example = "semer-en-plein-champ" if kind == "badge" else "jardins-de-la-loire"
    if not value:
        raise fail(
            Words("indiquez le nom du fichier à créer.", "give the name of the file to create."),
            Words(
                f"par exemple : badgegen new {kind} {example}",
                f"for example: badgegen new {kind} {example}",
            ),
            _NOT_CREATED,
        )
    slug = value.strip().removesuffix(".yaml")
    if not SLUG_RE.match(slug):
        proposal = suggest_slug(slug)
        raise fail(
            Words(
                f"le nom « {shown(value)} » ne convient pas : il sert dans les adresses du site.",
                f"the name '{shown(value)}' is not suitable: it is used in the site's addresses.",
            ),
            Words(
                f"utilisez seulement des minuscules sans accent, des chiffres et des tirets, par exemple « {proposal} ».",
                f"use only lower-case letters without accents, digits and hyphens, for example '{proposal}'.",
            ),
            _NOT_CREATED,
        )
    return slug


def run(args: argparse.Namespace) -> int:
    """`badgegen new`: write one scaffold, never over an existing file."""
    lang: str = args.lang
    site = open_content(args.content)
    kind = _kind(args.kind)
    slug = _slug(args.slug, kind)
    problems: list[Problem] = []
    path = site.root / KINDS[kind] / f"{slug}.yaml"
    if path.exists():
        problems.append(
            Problem(
                Words(
                    f"le fichier {display_path(path)} existe déjà.",
                    f"the file {display_path(path)} already exists.",
                ),
                Words(
                    "choisissez un autre nom, ou modifiez ce fichier directement.",
                    "choose another name, or edit that file directly.",
                ),
            )
        )
    issuer = ""
    if args.issuer is not None and kind != "badge":
        problems.append(
            Problem(
                Words("--issuer ne sert que pour un badge.", "--issuer is only for a badge."),
                Words("retirez --issuer.", "remove --issuer."),
            )
        )
    elif args.issuer is not None:
        issuer = args.issuer.strip().removesuffix(".yaml")
        known = slugs_in(site.root / "issuers")
        if issuer not in known:
            close = suggestion(issuer, known)
            problems.append(
                Problem(
                    Words(
                        f"l'organisation « {shown(issuer)} » n'existe pas (pas de fichier issuers/{shown(issuer)}.yaml).",
                        f"the organisation '{shown(issuer)}' does not exist (no file issuers/{shown(issuer)}.yaml).",
                    ),
                    Words(
                        f"{close.fr}organisations possibles : {listing(known)} ; ou créez-la d'abord avec badgegen new issuer.",
                        f"{close.en}possible organisations: {listing(known)}; or create it first with badgegen new issuer.",
                    ),
                    Words("--issuer", "--issuer"),
                )
            )
    if problems:
        raise InputErrors(problems, _NOT_CREATED)
    if kind == "issuer":
        text = issuer_text(slug, site)
    else:
        has_svg = (path.parent / f"{slug}.svg").is_file() and not (path.parent / f"{slug}.png").is_file()
        text = badge_text(slug, site, issuer, f"{slug}.svg" if has_svg else f"{slug}.png")
    try:
        write_new_file(path, text)
    except FileExistsError:
        raise fail(
            Words(
                f"le fichier {display_path(path)} existe déjà.",
                f"the file {display_path(path)} already exists.",
            ),
            None,
            _NOT_CREATED,
        ) from None
    except OSError as exc:
        raise WriteFailed(path, exc.strerror or type(exc).__name__) from None
    _print_next_steps(path, kind, slug, lang)
    return 0


def _print_next_steps(path: Path, kind: str, slug: str, lang: str) -> None:
    image = display_path(path.with_name(f"{slug}.png"))
    if lang == "fr":
        steps = [
            'ouvrez ce fichier et écrivez vos textes entre les guillemets "" vides (chaque champ est expliqué au-dessus) ;'
        ]
        if kind == "badge":
            steps.append(f"placez l'image du badge, carrée, à côté de ce fichier : {image} (ou {slug}.svg) ;")
        steps += [
            "lancez « badgegen validate » : il dit ce qui manque encore ;",
            "enregistrez le fichier dans git (commit).",
        ]
        print(f"Fichier créé : {display_path(path)}")
        print("À faire maintenant :")
    else:
        steps = [
            'open this file and write your texts between the empty quotes "" (each field is explained above it);'
        ]
        if kind == "badge":
            steps.append(f"put the badge's square image next to this file: {image} (or {slug}.svg);")
        steps += ["run 'badgegen validate': it tells what is still missing;", "commit the file to git."]
        print(f"File created: {display_path(path)}")
        print("Next steps:")
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
