"""Every message badgegen prints about content, in French and English.

One entry per stable error code: the message (what is wrong) and the hint (how
to fix it). Codes never change meaning, so coordinators and the docs can refer
to them; `docs/errors.md` lists them all, and a test checks that every code
used in the code base has both languages here.

Templates use `str.format` fields filled from the error's parameters.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    """The two languages of one message and of its hint."""

    fr: str
    en: str
    hint_fr: str
    hint_en: str


CATALOGUE: dict[str, Entry] = {
    # --- reading files -------------------------------------------------------------
    "yaml-syntax": Entry(
        "ce fichier n'est pas du YAML valide ({problem}).",
        "this file is not valid YAML ({problem}).",
        "regardez la ligne indiquée : indentation (espaces, pas de tabulation), deux-points après chaque nom, guillemets fermés.",
        "look at the line shown: indentation (spaces, no tabs), a colon after each name, closed quotes.",
    ),
    "yaml-encoding": Entry(
        "ce fichier n'est pas enregistré en UTF-8.",
        "this file is not saved as UTF-8.",
        "enregistrez le fichier avec l'encodage UTF-8 dans votre éditeur.",
        "save the file with the UTF-8 encoding in your editor.",
    ),
    "yaml-duplicate-key": Entry(
        "« {key} » est écrit deux fois (déjà à la ligne {first_line}).",
        "'{key}' is written twice (already on line {first_line}).",
        "gardez une seule ligne « {key} » et supprimez l'autre.",
        "keep a single '{key}' line and delete the other.",
    ),
    "yaml-alias": Entry(
        "les ancres, alias et fusions YAML (ici « {name} ») ne sont pas acceptés.",
        "YAML anchors, aliases and merge keys (here '{name}') are not accepted.",
        "écrivez la valeur en entier à chaque endroit où elle sert.",
        "write the value out in full everywhere it is used.",
    ),
    "yaml-tag": Entry(
        "l'étiquette YAML « {tag} » n'est pas acceptée.",
        "the YAML tag '{tag}' is not accepted.",
        "retirez ce qui commence par « ! » devant la valeur.",
        "remove what starts with '!' before the value.",
    ),
    "yaml-key": Entry(
        "un nom de champ doit être un simple mot.",
        "a field name must be a plain word.",
        "écrivez le nom du champ suivi de deux-points, par exemple « name: ».",
        "write the field name followed by a colon, for example 'name:'.",
    ),
    "control-character": Entry(
        "{where_fr} contient un caractère de contrôle invisible ({char}) : il n'a pas sa place dans un badge, et un badge signé (Open Badges 3.0) qui le contient ne passe pas la vérification.",
        "{where_en} contains an invisible control character ({char}): it has no place in a badge, and a signed badge (Open Badges 3.0) holding it fails verification.",
        "supprimez ce caractère invisible (souvent collé depuis un traitement de texte){written_fr}.",
        "remove this invisible character (often pasted from a word processor){written_en}.",
    ),
    "empty-file": Entry(
        "ce fichier est vide.",
        "this file is empty.",
        "remplissez-le en partant d'un fichier du même dossier, ou supprimez-le s'il n'a jamais été publié.",
        "fill it in from another file of the same folder, or delete it if it was never published.",
    ),
    "not-a-mapping": Entry(
        "ce fichier doit contenir une liste de champs « nom: valeur ».",
        "this file must contain a list of 'name: value' fields.",
        "commencez chaque ligne par le nom d'un champ suivi de deux-points.",
        "start each line with a field name followed by a colon.",
    ),
    "missing-registry": Entry(
        "le fichier registry.yaml est introuvable dans le dossier de contenu.",
        "registry.yaml is missing from the content folder.",
        "créez registry.yaml (nom, adresse du site, langues, contact).",
        "create registry.yaml (name, site address, languages, contact).",
    ),
    "bad-file-name": Entry(
        "le nom de fichier « {name} » ne convient pas : il sert dans les adresses du site.",
        "the file name '{name}' is not suitable: it is used in the site's addresses.",
        "utilisez seulement des minuscules sans accent, des chiffres et des tirets, par exemple « {suggestion} ».",
        "use only lower-case letters without accents, digits and hyphens, for example '{suggestion}'.",
    ),
    "misplaced-file": Entry(
        "« {name} » n'est pas à sa place.",
        "'{name}' is not in the right place.",
        "{where_fr}",
        "{where_en}",
    ),
    # --- schema -----------------------------------------------------------------------
    "missing-field": Entry(
        "le champ obligatoire « {name} » manque.",
        "the required field '{name}' is missing.",
        "ajoutez une ligne « {name}: … »{about_fr}.",
        "add a line '{name}: …' ({about_en}).",
    ),
    "unknown-field": Entry(
        "le champ « {name} » n'existe pas ici.",
        "there is no field '{name}' here.",
        "{suggestion_fr}champs possibles : {allowed}.",
        "{suggestion_en}possible fields: {allowed}.",
    ),
    "wrong-type": Entry(
        "la valeur {value} n'est pas du bon type : il faut {expected_fr}.",
        "the value {value_en} has the wrong type: expected {expected_en}.",
        "{how_fr}",
        "{how_en}{about}",
    ),
    "not-allowed": Entry(
        "la valeur {value} n'est pas acceptée.",
        "the value {value_en} is not accepted.",
        "{suggestion_fr}valeurs possibles : {allowed}.",
        "{suggestion_en}possible values: {allowed}.",
    ),
    "bad-format": Entry(
        "la valeur {value} n'a pas la bonne forme.",
        "the value {value_en} is not written the right way.",
        "{format_fr}",
        "{format_en}",
    ),
    "empty-value": Entry(
        "ce champ est vide.",
        "this field is empty.",
        "écrivez une valeur, ou supprimez la ligne si le champ est facultatif.",
        "write a value, or delete the line if the field is optional.",
    ),
    "out-of-range": Entry(
        "la valeur {value} est hors limites ({limit}).",
        "the value {value_en} is out of range ({limit}).",
        "choisissez un nombre dans les limites.",
        "pick a number within the limits.",
    ),
    "list-problem": Entry(
        "cette liste ne convient pas : {problem_fr}.",
        "this list is not right: {problem_en}.",
        "corrigez la liste.",
        "fix the list.",
    ),
    # --- values and cross references ---------------------------------------------------
    "invalid-date": Entry(
        "la date {value} n'existe pas.",
        "the date {value} does not exist.",
        "vérifiez le jour et le mois (AAAA-MM-JJ).",
        "check the day and the month (YYYY-MM-DD).",
    ),
    "unknown-timezone": Entry(
        "le fuseau horaire « {value} » est inconnu.",
        "the time zone '{value}' is unknown.",
        "écrivez par exemple « Europe/Paris ».",
        "write for example 'Europe/Paris'.",
    ),
    "base-url-slash": Entry(
        "l'adresse du site {value} doit finir par « / ».",
        "the site address {value} must end with '/'.",
        "ajoutez « / » à la fin.",
        "add '/' at the end.",
    ),
    "unknown-reference": Entry(
        "{kind_fr} « {value} » n'existe pas.",
        "{kind_en} '{value}' does not exist.",
        "{suggestion_fr}vérifiez le nom du fichier dans le dossier {folder}/.",
        "{suggestion_en}check the file name in the {folder}/ folder.",
    ),
    "duplicate-id": Entry(
        "l'identifiant « {value} » est déjà utilisé par {other}.",
        "the id '{value}' is already used by {other}.",
        "chaque attribution a son propre identifiant : si les deux sont différentes, donnez à celle qui n'est pas encore publiée un nouvel identifiant tiré au hasard.",
        "every award has its own id: if they are two different awards, give the one not yet published a new random id.",
    ),
    "endorsement-subject": Entry(
        "une recommandation porte sur une seule chose : award, badge ou issuer ({found_fr}).",
        "an endorsement is about exactly one thing: award, badge or issuer ({found_en}).",
        "gardez un seul de ces trois champs.",
        "keep only one of these three fields.",
    ),
    "missing-image": Entry(
        "l'image « {name} » est introuvable à côté de ce fichier.",
        "the image '{name}' is not next to this file.",
        "ajoutez le fichier image dans le même dossier, ou corrigez son nom.",
        "add the image file to the same folder, or fix its name.",
    ),
    "invalid-image": Entry(
        "l'image « {name} » ne peut pas être utilisée : {problem_fr}.",
        "the image '{name}' cannot be used: {problem_en}.",
        "exportez de nouveau l'image en PNG ou en SVG simple (sans script ni lien externe).",
        "export the image again as PNG or plain SVG (no script, no external link).",
    ),
    "missing-file": Entry(
        "le fichier « {name} » est introuvable dans content/media/.",
        "the file '{name}' is not in content/media/.",
        "ajoutez le fichier dans content/media/, ou corrigez son nom.",
        "add the file to content/media/, or fix its name.",
    ),
    "evidence-source": Entry(
        "une preuve a besoin d'une adresse (url) ou d'un fichier (file), pas des deux (seuls un texte ou une preuve privée peuvent s'en passer).",
        "a piece of evidence needs an address (url) or a file (file), not both (only a text or private evidence may have neither).",
        "gardez « url » pour un lien, ou « file » pour un fichier de content/media/.",
        "keep 'url' for a link, or 'file' for a file in content/media/.",
    ),
    "dates-out-of-order": Entry(
        "la date {value} ({name}) doit venir après {other_value} ({other}).",
        "the date {value} ({name}) must come after {other_value} ({other}).",
        "corrigez l'une des deux dates.",
        "fix one of the two dates.",
    ),
    "issued-in-future": Entry(
        "la date {value} est dans le futur (nous sommes le {now}).",
        "the date {value} is in the future (today is {now}).",
        "une attribution ne peut pas être datée après aujourd'hui : corrigez la date.",
        "an award cannot be dated after today: fix the date.",
    ),
    # --- warnings ---------------------------------------------------------------------
    "missing-criteria": Entry(
        "ce badge n'explique pas ce qu'il faut montrer pour l'obtenir (criteria).",
        "this badge does not say what must be shown to earn it (criteria).",
        "ajoutez « criteria: » avec une liste simple de ce que la personne sait faire.",
        "add 'criteria:' with a simple list of what the person can do.",
    ),
    "award-year-folder": Entry(
        "cette attribution de {year} est rangée dans le dossier {folder}.",
        "this award from {year} is stored in the {folder} folder.",
        "rangez-la dans awards/{year}/ (un fichier publié ne se déplace pas : laissez-le s'il est déjà en ligne).",
        "store it in awards/{year}/ (a published file does not move: leave it if it is already online).",
    ),
    "image-size": Entry(
        "l'image « {name} » pèse {size} Ko, c'est lourd pour un badge.",
        "the image '{name}' weighs {size} KB, which is heavy for a badge.",
        "réduisez-la (256 × 256 pixels suffisent).",
        "make it smaller (256 × 256 pixels are enough).",
    ),
    "image-not-square": Entry(
        "l'image « {name} » n'est pas carrée ({width} × {height}).",
        "the image '{name}' is not square ({width} × {height}).",
        "recadrez-la en carré : les porte-badges l'affichent ainsi.",
        "crop it to a square: backpacks show it that way.",
    ),
    "unused-file": Entry(
        "le fichier « {name} » n'est utilisé par aucun contenu.",
        "the file '{name}' is not used by any content.",
        "supprimez-le s'il n'est pas utile, ou citez-le dans un fichier YAML.",
        "delete it if it is not needed, or refer to it in a YAML file.",
    ),
    # --- permanence (content/published.txt) -------------------------------------------
    "published-url-removed": Entry(
        "l'adresse {url} a déjà été publiée et ne répondrait plus{more_fr}.",
        "the address {url} was already published and would no longer answer{more_en}.",
        "{fix_fr}.",
        "{fix_en}.",
    ),
    # --- custom domain (registry.yaml `domain`) ----------------------------------------
    "domain-mismatch": Entry(
        "l'adresse du site {value} ne correspond pas au domaine « {domain} » (ligne {domain_line}).",
        "the site address {value} does not match the domain '{domain}' (line {domain_line}).",
        "avec un domaine personnalisé, écrivez « base_url: https://{domain}/ », ou corrigez la ligne « domain: ».",
        "with a custom domain, write 'base_url: https://{domain}/', or fix the 'domain:' line.",
    ),
    # --- personal data (badgegen/privacy.py) --------------------------------------------
    "personal-data": Entry(
        "{what_fr} en clair (« {excerpt} ») : ce qui est écrit ici est publié et reste dans l'historique du dépôt.",
        "{what_en} in plain text ('{excerpt}'): what is written here is published and stays in the repository's history.",
        "retirez {this_fr} : {why_fr}.",
        "remove {this_en}: {why_en}.",
    ),
    "spreadsheet-in-content": Entry(
        "le tableur « {name} » ne doit pas être dans le dépôt : il contient sans doute des noms ou des adresses, et tout ce qui est commité reste dans l'historique.",
        "the spreadsheet '{name}' must not be in the repository: it probably holds names or addresses, and everything committed stays in the history.",
        "déplacez-le hors du dépôt (par exemple dans vos Documents) ; s'il a déjà été commité, prévenez la personne qui administre le dépôt pour l'effacer de l'historique.",
        "move it out of the repository (for example to your Documents); if it was already committed, tell the repository's administrator so it is erased from the history.",
    ),
    "media-metadata": Entry(
        "l'image « {name} » contient des métadonnées ({found_fr}) qui seraient publiées avec elle.",
        "the image '{name}' holds metadata ({found_en}) that would be published with it.",
        "retirez-les avec la commande : badgegen strip-metadata {file}",
        "remove it with the command: badgegen strip-metadata {file}",
    ),
    "private-key": Entry(
        "une clé privée ({kind_fr}) est écrite ici : tout ce qui est dans le dépôt est publié et reste dans son historique.",
        "a private key ({kind_en}) is written here: everything in the repository is published and stays in its history.",
        "retirez-la, et tenez-la pour divulguée : créez une nouvelle clé (badgegen keys generate), remplacez le secret, et retirez l'ancienne clé publique de signing_keys dans registry.yaml (voir docs/ob3.md).",
        "remove it, and treat it as leaked: make a new key (badgegen keys generate), replace the secret, and remove the old public key from signing_keys in registry.yaml (see docs/ob3.md).",
    ),
    # --- Open Badges 3.0 signing keys (registry.yaml `signing_keys`) ---------------------
    "duplicate-key-id": Entry(
        "le nom de clé « {value} » est déjà utilisé par une autre clé de signing_keys.",
        "the key name '{value}' is already used by another key of signing_keys.",
        "donnez à chaque clé un nom différent (par exemple key-2026, key-2027) : il fait partie de son adresse.",
        "give every key a different name (for example key-2026, key-2027): it is part of its address.",
    ),
    # --- portfolios (content/earners/) -------------------------------------------------
    "earner-award-unlisted": Entry(
        "l'attribution « {value} » n'est pas listée (il manque listed: true) : un portfolio est public, il ne montre que des attributions listées.",
        "the award '{value}' is not listed (listed: true is missing): a portfolio is public and shows listed awards only.",
        "ajoutez listed: true à l'attribution si la personne est d'accord, ou retirez-la du portfolio (attribution : {file}).",
        "add listed: true to the award if the person agrees, or remove it from the portfolio (award: {file}).",
    ),
    "earner-award-taken": Entry(
        "l'attribution « {value} » est déjà dans le portfolio {other} : une attribution appartient à une seule personne.",
        "the award '{value}' is already in the portfolio {other}: an award belongs to one person only.",
        "vérifiez l'identifiant, et gardez l'attribution dans le seul portfolio de la personne qui l'a reçue.",
        "check the id, and keep the award only in the portfolio of the person who received it.",
    ),
    # --- restricted badges (restricted: true, in the private folder) ---------------------
    "restricted-in-public": Entry(
        "{what_fr} : ce fichier ne doit pas être dans le dossier public.",
        "{what_en}: this file must not be in the public folder.",
        "déplacez ce fichier dans le dossier privé ({target}) : il ne doit jamais être dans le dépôt public. S'il a déjà été enregistré dans git (commit), l'historique du dépôt le garde : prévenez l'administrateur du dépôt.",
        "move this file to the private folder ({target}): it must never be in the public repository. If it was already committed to git, the repository's history keeps it: warn the repository's administrator.",
    ),
    "private-not-restricted": Entry(
        "ce fichier est dans le dossier privé, mais il ne dit pas « restricted: true ».",
        "this file is in the private folder, but it does not say 'restricted: true'.",
        "ajoutez la ligne « restricted: true » (ainsi, s'il est un jour copié dans le dossier public, la construction le refusera) ; s'il doit être publié, rangez-le plutôt dans {target}.",
        "add the line 'restricted: true' (so that the build refuses it if it is ever copied to the public folder); if it is meant to be published, store it in {target} instead.",
    ),
    "restricted-reference": Entry(
        "{what_fr} : un fichier public ne peut pas y renvoyer.",
        "{what_en}: a public file cannot refer to it.",
        "retirez cette ligne. Si elle a déjà été enregistrée dans git (commit), l'historique du dépôt garde cet identifiant : prévenez l'administrateur du dépôt.",
        "remove this line. If it was already committed to git, the repository's history keeps this id: warn the repository's administrator.",
    ),
    "restricted-listed": Entry(
        "une attribution restreinte n'est jamais publiée : « listed: true » n'a pas de sens ici.",
        "a restricted award is never published: 'listed: true' makes no sense here.",
        "retirez la ligne « listed: true ». Si la personne veut que son badge soit public, ce n'est pas une attribution restreinte : rangez-la dans content/awards/ sans « restricted: true ».",
        "remove the line 'listed: true'. If the person wants their badge to be public, it is not a restricted award: store it in content/awards/ without 'restricted: true'.",
    ),
    "duplicate-badge": Entry(
        "le badge « {value} » existe aussi dans {other} : un badge est soit public (content/), soit restreint (dossier privé), pas les deux.",
        "the badge '{value}' also exists in {other}: a badge is either public (content/) or restricted (private folder), not both.",
        "gardez un seul des deux fichiers ; un badge restreint prend un autre nom de fichier.",
        "keep only one of the two files; a restricted badge takes another file name.",
    ),
}


#: Codes reported as warnings: printed, and fatal only with --strict.
WARNING_CODES = frozenset(
    {"missing-criteria", "award-year-folder", "image-size", "image-not-square", "unused-file"}
)


def errors_markdown() -> str:
    """docs/errors.md, generated from this catalogue (a test keeps the file in sync)."""
    lines = [
        "# Error codes / Codes d'erreur",
        "",
        "<!-- Generated by `python scripts/make_errors_doc.py` from badgegen/messages.py: edit there. -->",
        "",
        "Every problem badgegen finds in `content/` is printed as",
        "",
        "```",
        "path:line:column: code field: message",
        "    → correction : how to fix it",
        "```",
        "",
        "The code never changes meaning. Errors stop the build (exit code 2, nothing published);",
        "warnings are printed and stop the build only with `--strict` (as CI runs it).",
        "",
        "Chaque problème trouvé dans `content/` est affiché avec le fichier, la ligne, la colonne, un code",
        "stable, le champ concerné, le message et la correction. Les erreurs arrêtent la construction ;",
        "les avertissements ne l'arrêtent qu'avec `--strict`.",
        "",
        "| code | kind | message (fr) | correction (fr) | message (en) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code, entry in CATALOGUE.items():
        kind = "warning" if code in WARNING_CODES else "error"
        cells = [_cell(entry.fr), _cell(entry.hint_fr), _cell(entry.en)]
        lines.append(f"| `{code}` | {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def render_message(code: str, params: dict[str, str], lang: str) -> tuple[str, str]:
    """The message and hint of `code` in `lang`, filled with `params`."""
    entry = CATALOGUE[code]
    if lang == "fr":
        message, hint = entry.fr, entry.hint_fr
    else:
        message, hint = entry.en, entry.hint_en
    return message.format_map(_Defaults(params)), hint.format_map(_Defaults(params))


class _Defaults(dict[str, str]):
    """A mapping that renders a missing template field as empty text."""

    def __missing__(self, key: str) -> str:
        return ""
