"""What the coordinators' commands share (`award`, `revoke`, `new`).

These commands are typed at a terminal by coordinators, not developers. A mistake
in what they typed is never a traceback: it is an `InputErrors` listing every
problem with its fix, in French or English (exit code 2), and nothing is written.

The messages live here and in each command's module rather than in
`badgegen/messages.py`: that catalogue describes problems *in content files*
(with a file, line and column, documented in docs/errors.md); these describe
what was typed on the command line or in a CSV file.

Privacy rule of every helper here: an e-mail address typed by the coordinator is
never echoed back. `shown()` replaces any value that looks like one.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from badgegen import privacy
from badgegen.errors import BadgegenError
from badgegen.ledger import LEDGER_NAME
from badgegen.load import display_path
from badgegen.timeutil import BadDate, build_time, load_zone, parse_content_date
from badgegen.yamlsafe import YamlProblem, decode_utf8, parse_yaml

T = TypeVar("T")

#: Award ids: 20 characters of base32 (a-z, 2-7), that is 100 random bits.
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
ID_LENGTH = 20
#: Dates before this year are typing mistakes (Open Badges did not exist).
OLDEST_YEAR = 2000


# --- words in two languages -------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """One sentence in French and in English."""

    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def colon(lang: str) -> str:
    """« : » in French, ": " in English."""
    return " : " if lang == "fr" else ": "


@dataclass(frozen=True)
class Problem:
    """What is wrong, how to fix it, and where (an option, a CSV line and column)."""

    message: Words
    fix: Words | None = None
    where: Words | None = None

    def at(self, where: Words) -> Problem:
        return replace(self, where=where)

    def format(self, lang: str) -> str:
        message = self.message(lang)
        if self.where is None:
            text = message[:1].upper() + message[1:]
        else:
            text = self.where(lang) + colon(lang) + message
        if self.fix is not None:
            text += "\n    → " + ("correction" if lang == "fr" else "fix") + colon(lang) + self.fix(lang)
        return text


class BadInput(Exception):
    """One value typed by the user is wrong; the caller says where it was typed."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message.en)
        self.problem = problem


NOTHING_WRITTEN = Words("rien n'a été écrit.", "nothing was written.")


class InputErrors(BadgegenError):
    """Everything wrong with what was typed; nothing was written (exit code 2)."""

    exit_code: ClassVar[int] = 2

    def __init__(self, problems: list[Problem], outcome: Words = NOTHING_WRITTEN) -> None:
        super().__init__(f"{len(problems)} input problem(s)")
        self.problems = problems
        self.outcome = outcome

    def format_message(self, lang: str) -> str:
        lines = [problem.format(lang) for problem in self.problems]
        outcome = self.outcome(lang)
        if len(self.problems) > 1:
            word = "erreurs" if lang == "fr" else "problems"
            lines.append(f"{len(self.problems)} {word}{colon(lang)}{outcome}")
        else:
            lines.append(outcome[:1].upper() + outcome[1:])
        return "\n".join(lines)


def fail(message: Words, fix: Words | None = None, outcome: Words = NOTHING_WRITTEN) -> InputErrors:
    """One problem, ready to raise."""
    return InputErrors([Problem(message, fix)], outcome)


class Cancelled(BadgegenError):
    """Ctrl+C or Ctrl+D at a prompt."""

    exit_code: ClassVar[int] = 130

    def format_message(self, lang: str) -> str:
        return "Annulé : rien n'a été écrit." if lang == "fr" else "Cancelled: nothing was written."


class WriteFailed(BadgegenError):
    """The disk refused a write (permissions, full disk); what was written is undone."""

    exit_code: ClassVar[int] = 1

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason

    def format_message(self, lang: str) -> str:
        if lang == "fr":
            return (
                f"Impossible d'écrire {display_path(self.path)} ({self.reason}) : rien n'a été gardé.\n"
                "    → correction : vérifiez que le dossier existe et que vous pouvez y écrire, puis recommencez."
            )
        return (
            f"Cannot write {display_path(self.path)} ({self.reason}): nothing was kept.\n"
            "    → fix: check that the folder exists and that you may write in it, then try again."
        )


def attempt(problems: list[Problem], where: Words | None, check: Callable[[], T]) -> T | None:
    """Run one check; record its problem (located at `where`) instead of stopping."""
    try:
        return check()
    except BadInput as bad:
        problems.append(bad.problem if where is None else bad.problem.at(where))
        return None


# --- options ------------------------------------------------------------------------------------


def help_lang() -> str:
    """The language of `--help` texts, known before the options are parsed."""
    argv = sys.argv[1:]
    for index, argument in enumerate(argv):
        if argument == "--lang" and index + 1 < len(argv):
            return "en" if argv[index + 1] == "en" else "fr"
        if argument.startswith("--lang="):
            return "en" if argument == "--lang=en" else "fr"
    return "en" if os.environ.get("BADGEGEN_LANG") == "en" else "fr"


_MASK_EMAIL = re.compile(r"\S*@\S*")


class PrivateParser(argparse.ArgumentParser):
    """The parser of these commands: its errors never repeat an e-mail address typed
    by mistake (`--mail name@domain`), and an unknown option is explained in French or
    English with its fix, instead of argparse's English "unrecognized arguments"."""

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        namespace, extras = super().parse_known_args(*args, **kwargs)
        if extras:
            lang = help_lang()
            shown_extras = _MASK_EMAIL.sub("…@…", " ".join(extras))
            self.print_usage(sys.stderr)
            problem = Problem(
                Words(f"ceci n'est pas compris : {shown_extras}", f"this is not understood: {shown_extras}"),
                Words(
                    f"vérifiez l'orthographe ; les options possibles sont dans « {self.prog} --help ».",
                    f"check the spelling; the possible options are in '{self.prog} --help'.",
                ),
            )
            self.exit(2, problem.format(lang) + "\n" + NOTHING_WRITTEN(lang).capitalize() + "\n")
        return namespace, extras

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        label = "erreur" if help_lang() == "fr" else "error"
        self.exit(2, f"{self.prog}: {label}{colon(help_lang())}{_MASK_EMAIL.sub('…@…', message)}\n")


def add_command(commands: Any, name: str, **options: Any) -> argparse.ArgumentParser:
    """`commands.add_parser(name, …)`, made with `PrivateParser`."""
    default = getattr(commands, "_parser_class", None)
    if default is None:  # another argparse: keep its parser (errors in English)
        parser: argparse.ArgumentParser = commands.add_parser(name, **options)
        return parser
    commands._parser_class = PrivateParser
    try:
        made: argparse.ArgumentParser = commands.add_parser(name, **options)
    finally:
        commands._parser_class = default
    return made


def add_content_and_lang(parser: argparse.ArgumentParser, lang: str) -> None:
    """`--content DIR` and `--lang fr|en`, as in build and validate."""
    from badgegen.cli import add_lang_option  # here: cli imports the commands, which import this module

    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DOSSIER" if lang == "fr" else "DIR",
        help=Words("dossier du contenu (par défaut content/)", "content folder (default content/)")(lang),
    )
    add_lang_option(parser)


# --- the content folder -------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What the commands need from registry.yaml, and today's date there."""

    root: Path
    base_url: str
    zone: ZoneInfo
    today: date


def open_content(root: Path) -> Site:
    """Read registry.yaml of `root`, or say clearly why the content folder is not usable."""
    registry = root / "registry.yaml"
    if not registry.is_file():
        raise fail(
            Words(
                f"le dossier de contenu {display_path(root)}/ est introuvable (pas de fichier registry.yaml).",
                f"the content folder {display_path(root)}/ cannot be found (no registry.yaml file).",
            ),
            Words(
                "lancez la commande depuis le dossier du dépôt, ou indiquez le dossier avec --content DOSSIER.",
                "run the command from the repository's folder, or give the folder with --content DIR.",
            ),
        )
    broken = fail(
        Words(
            f"le fichier {display_path(registry)} a un problème.",
            f"the file {display_path(registry)} has a problem.",
        ),
        Words(
            "lancez « badgegen validate » pour le voir et le corriger, puis recommencez.",
            "run 'badgegen validate' to see and fix it, then try again.",
        ),
    )
    try:
        data = parse_yaml(decode_utf8(registry.read_bytes())).data
    except (YamlProblem, OSError) as exc:
        raise broken from exc
    if not isinstance(data, dict) or not isinstance(data.get("base_url"), str):
        raise broken
    try:
        zone = load_zone(str(data.get("timezone", "Europe/Paris")))
    except ValueError as exc:
        raise broken from exc
    today = build_time().astimezone(zone).date()
    return Site(root=root, base_url=data["base_url"], zone=zone, today=today)


def yaml_data(path: Path) -> Any:
    """The data of a YAML file, or None when it cannot be read (validate reports why)."""
    try:
        return parse_yaml(decode_utf8(path.read_bytes())).data
    except (YamlProblem, OSError):
        return None


def slugs_in(folder: Path) -> list[str]:
    """The ids of the YAML files of `folder` (issuers/, badges/)."""
    return sorted(path.stem for path in folder.glob("*.yaml")) if folder.is_dir() else []


def award_files(root: Path) -> dict[str, list[Path]]:
    """Every award file, by id (an id in two year folders is listed twice)."""
    found: dict[str, list[Path]] = {}
    folder = root / "awards"
    if not folder.is_dir():
        return found
    for year in sorted(folder.iterdir()):
        if year.is_dir() and not year.name.startswith("."):
            for path in sorted(year.glob("*.yaml")):
                found.setdefault(path.stem, []).append(path)
    return found


def used_award_ids(root: Path) -> set[str]:
    """Ids that must never be given again: every file name under awards/, and every
    word of the permanence ledger (an award deleted after publication keeps its id)."""
    used: set[str] = set()
    folder = root / "awards"
    if folder.is_dir():
        used |= {path.name.split(".", 1)[0] for path in folder.rglob("*")}
    ledger = root / LEDGER_NAME
    if ledger.is_file():
        text = ledger.read_bytes().decode("utf-8", errors="replace")
        used |= set(re.findall(r"[a-z0-9-]+", text.lower()))
    return used


def new_award_id(used: set[str]) -> str:
    """A random, unguessable id (100 bits from `secrets`) that was never used."""
    for _ in range(1000):
        candidate = "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        if candidate not in used:
            used.add(candidate)
            return candidate
    raise RuntimeError("no unused award id found")  # 2**-100 per draw: never happens


# --- values typed by the user ----------------------------------------------------------------------

_EMAIL_STOP = r"\s@<>()\[\]{},;:\"'«»\\"
_EMAIL_RE = re.compile(rf"^[^{_EMAIL_STOP}]+@(?:[^{_EMAIL_STOP}.]+\.)+[^{_EMAIL_STOP}.]{{2,}}$")
#: An e-mail address anywhere in a text (published texts must not hold one).
EMAIL_IN_TEXT = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
#: A phone number: French (06 12 34 56 78, 06.12.34.56.78) or international (+33 6 12 34 56 78).
PHONE_IN_TEXT = re.compile(
    r"(?<![\w+])(?:0[1-9](?:[\s.-]?\d{2}){4}|(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){7,12})(?!\d)"
)


def normalise_email(text: str) -> str:
    """How the address is hashed: without surrounding spaces, in lower case."""
    return text.strip().lower()


def check_email(text: str) -> str:
    """The normalised address, or BadInput (never showing what was typed)."""
    email = normalise_email(text)
    if not email:
        raise BadInput(
            Problem(
                Words("l'adresse e-mail manque.", "the e-mail address is missing."),
                Words(
                    "écrivez l'adresse e-mail de la personne qui reçoit le badge.",
                    "write the e-mail address of the person who receives the badge.",
                ),
            )
        )
    local = email.split("@", 1)[0]
    valid = (
        len(email) <= 254
        and _EMAIL_RE.match(email) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in email
        and email.isprintable()
    )
    if not valid:
        raise BadInput(
            Problem(
                Words("l'adresse e-mail saisie n'est pas valide.", "the e-mail address typed is not valid."),
                Words(
                    "vérifiez qu'elle a la forme nom@domaine.fr : une seule arobase @, un point dans le domaine, sans espace, ni guillemets, ni nom autour.",
                    "check that it looks like name@domain.org: a single @, a dot in the domain, no space, no quotes, no name around it.",
                ),
            )
        )
    return email


def hash_email(email: str, salt: str) -> str:
    """Open Badges hashed identity: sha256$ + SHA-256(normalised e-mail + salt)."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def new_salt() -> str:
    """A fresh 128-bit salt, for one award only."""
    return secrets.token_hex(16)


def shown(value: str, limit: int = 60) -> str:
    """A value safe to print back: never something that looks like an e-mail address."""
    if "@" in value:
        return "…@…"
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Found:
    """A kind of personal detail: « une adresse e-mail » and « l'adresse e-mail »."""

    some: Words
    the: Words


_EMAIL_FOUND = Found(
    Words("une adresse e-mail", "an e-mail address"), Words("l'adresse e-mail", "the e-mail address")
)
_PHONE_FOUND = Found(
    Words("un numéro de téléphone", "a phone number"), Words("le numéro de téléphone", "the phone number")
)


def personal_data(text: str) -> Found | None:
    """What personal detail a text to be published holds, if any: first as the content
    check of `badgegen validate` sees it (`privacy.find_personal_data`: e-mail, also
    obfuscated, phone, social security number, IBAN), then any « @ » or phone-like number."""
    findings = privacy.find_personal_data(text)
    if findings:
        kind = findings[0].kind
        fr, en, this_fr, this_en = privacy.KIND_WORDS[kind]
        some = Words(("une " if kind == "email" else "un ") + fr, ("an " if en[0] in "aeiou" else "a ") + en)
        return Found(some, Words(this_fr, this_en))
    if EMAIL_IN_TEXT.search(text) or "@" in text:
        return _EMAIL_FOUND
    if PHONE_IN_TEXT.search(text):
        return _PHONE_FOUND
    return None


def clean_text(raw: str, *, one_line: bool = False) -> str:
    """Text typed by the user, ready to publish: NFC, trimmed, ordinary characters only."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadInput(
            Problem(
                Words(
                    "ce texte contient des caractères illisibles.", "this text holds unreadable characters."
                ),
                Words(
                    "retapez-le au clavier (votre terminal doit être réglé en UTF-8).",
                    "type it again (your terminal must use UTF-8).",
                ),
            )
        ) from exc
    text = unicodedata.normalize("NFC", text)
    if one_line:
        text = " ".join(text.split())
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char not in "\n\t" for char in text):
        raise BadInput(
            Problem(
                Words(
                    "ce texte contient un caractère invisible (un code de contrôle).",
                    "this text holds an invisible character (a control code).",
                ),
                Words(
                    "retapez le texte au clavier au lieu de le copier-coller.",
                    "type the text again instead of copying and pasting it.",
                ),
            )
        )
    return text


def check_public_text(text: str, what: Words) -> None:
    """A published text must not hold personal contact details; never echo them."""
    found = personal_data(text)
    if found is not None:
        raise BadInput(
            Problem(
                Words(
                    f"{what.fr} contient {found.some.fr} : ce texte est publié, il ne doit contenir aucune donnée personnelle.",
                    f"{what.en} holds {found.some.en}: this text is published, it must hold no personal details.",
                ),
                Words(
                    f"retirez {found.the.fr} du texte et recommencez.",
                    f"remove {found.the.en} from the text and try again.",
                ),
            )
        )


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRENCH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def check_day(text: str, site: Site) -> date:
    """A date typed as AAAA-MM-JJ (or JJ/MM/AAAA, as French spreadsheets write it):
    real, not in the future, not before 2000."""
    text = text.strip()
    french = _FRENCH_DAY.match(text)
    if french is not None:
        iso_text = f"{french.group(3)}-{int(french.group(2)):02d}-{int(french.group(1)):02d}"
    elif _ISO_DAY.match(text):
        iso_text = text
    else:
        raise BadInput(
            Problem(
                Words(
                    f"la date « {shown(text)} » n'a pas la bonne forme.",
                    f"the date '{shown(text)}' is not written the right way.",
                ),
                Words(
                    "écrivez-la AAAA-MM-JJ, par exemple 2026-03-14 (ou 14/03/2026).",
                    "write it as YYYY-MM-DD, for example 2026-03-14.",
                ),
            )
        )
    try:
        day = date.fromisoformat(iso_text)
    except ValueError:
        raise BadInput(
            Problem(
                Words(f"la date {text} n'existe pas.", f"the date {text} does not exist."),
                Words("vérifiez le jour et le mois.", "check the day and the month."),
            )
        ) from None
    if day > site.today:
        raise BadInput(
            Problem(
                Words(
                    f"la date {day.isoformat()} est dans le futur (nous sommes le {site.today.isoformat()}).",
                    f"the date {day.isoformat()} is in the future (today is {site.today.isoformat()}).",
                ),
                Words(
                    "une date ne peut pas venir après aujourd'hui : corrigez-la, ou attendez ce jour-là.",
                    "a date cannot come after today: fix it, or wait for that day.",
                ),
            )
        )
    if day.year < OLDEST_YEAR:
        raise BadInput(
            Problem(
                Words(
                    f"la date {day.isoformat()} est trop ancienne.", f"the date {day.isoformat()} is too old."
                ),
                Words("vérifiez l'année.", "check the year."),
            )
        )
    return day


def content_day(text: str, site: Site) -> datetime | None:
    """A date written in a content file, as the build reads it (None when unreadable)."""
    try:
        return parse_content_date(text, site.zone)
    except BadDate:
        return None


def suggestion(value: str, known: Iterable[str]) -> Words:
    """« vouliez-vous écrire « x » ? » when a known value is close, else nothing."""
    ordered = sorted(known)
    close = [k for k in ordered if len(value) >= 3 and value.lower() in k] if value else []
    close = close[:1] or difflib.get_close_matches(value, ordered, n=1, cutoff=0.6)
    if not close or "@" in value:
        return Words("", "")
    return Words(f"vouliez-vous écrire « {close[0]} » ? ", f"did you mean '{close[0]}'? ")


def listing(values: list[str], limit: int = 12) -> str:
    """`a, b, c` (cut after `limit` values)."""
    if not values:
        return "—"
    return ", ".join(values[:limit]) + (", …" if len(values) > limit else "")


# --- writing YAML text -----------------------------------------------------------------------------


def yaml_quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar, on one line, that reads back exactly.

    Besides `\\` and `"`, every character YAML would not keep as it is gets escaped:
    control codes, line breaks (including NEL, U+2028 and U+2029), BOM, surrogates.
    """
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
            or 0xD800 <= code <= 0xDFFF
        ):
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def yaml_text_lines(key: str, text: str, indent: str = "") -> list[str]:
    """`key: "text"`, or a literal block (`key: |-`) for several plain lines."""
    lines = text.split("\n")
    plain = all(line == yaml_quote(line)[1:-1] for line in lines)
    if len(lines) > 1 and plain and not lines[0].startswith((" ", "\t")):
        body = [f"{indent}  {line}" if line else "" for line in lines]
        return [f"{indent}{key}: |-", *body]
    return [f"{indent}{key}: {yaml_quote(text)}"]


def write_new_file(path: Path, text: str) -> None:
    """Create `path` with `text`; never replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
