"""The guard against personal data written in plain text.

An award names a person only through a salted hash of their e-mail address, and
some earners have things to hide (a skill learnt during court-ordered community
service...). Everything under `content/` is committed, kept in the repository's
history and published, so this module looks for what must never be there:

- **detectors** (`find_personal_data`) for e-mail addresses (also « [at] »,
  « arobase », `&#64;`), phone numbers (French and international), French social
  security numbers (NIR, key checked mod 97) and IBANs (checked mod 97). Each
  finding carries its kind, line, column and a *redacted* excerpt (« j…@g… »):
  no message or log ever repeats what was found;
- **image metadata** (`image_metadata`): EXIF (GPS position, camera, date,
  thumbnail), XMP, IPTC, comments and PNG text chunks of JPEG, PNG and WebP files;
  `badgegen strip-metadata FILE` removes them (losslessly, unless the photo must be
  turned upright first);
- **the content check** (`content_errors`), run by `validate` and `build` with all
  other checks: the text of every YAML, text (.txt, .vtt...) and SVG file under
  `content/`, the metadata of every photo in `content/media/`, and no spreadsheet
  (.csv, .xlsx, .ods...) anywhere under `content/`. The public contact addresses of
  the organisations (`email` of issuers/*.yaml, `contact.email` of registry.yaml)
  are allowed anywhere: they are published on purpose. Given a memo, a file already
  checked, with the same bytes, place and rules, is not scanned again (`verdict_key`);
- **the output check** (`OutputScanner`, `scan_file`), on every file as the build produces
  it, before the new site is flipped live: every text file of the built site, the search
  index's chunks (gzip-compressed by Pagefind: decompressed, then read as text), the text
  chunks of every PNG (the baked `openbadges` assertion or `openbadgecredential` credential is
  read, anything else refused) and the metadata of every JPEG or WebP. A finding refuses the
  build: the previous site keeps serving. Files a build did not produce again (unchanged
  units) were scanned, with the same bytes and rules, when they were produced;
- **private keys** (`badgegen.ob3.leaks`): a signing key (Multikey `z3u2…`, a PEM
  `PRIVATE KEY` block, or this machine's own key in any form) is refused in every file of
  `content/`, whatever its type, in the files `privacy-check` reads, and in every file of
  the built site (`published-private-key`);
- **`badgegen privacy-check [--staged] [PATHS...]`**, which the git pre-commit hook
  installed by `badgegen hook install` runs on the staged files (`badgegen.hook`).

A photo with metadata is an error in the content rather than silently cleaned at
publishing time: cleaned copies on the site would leave the GPS position in the
repository and its history, so the error gives the one command that cleans the file
itself before it is committed.

What is not detected: names, addresses and personal stories written in sentences
(only a person can judge those), metadata of PDF, audio and video files.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import io
import os
import re
import shlex
import struct
import sys
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, TypeGuard

import yaml

from badgegen import installed
from badgegen.errors import BadgegenError, ContentError, dotted_path, make_error
from badgegen.load import (
    MEDIA_FOLDER,
    DisplayPaths,
    RawContent,
    content_digest,
    display_path,
    file_digest,
    joined,
    memo_seed,
    read_bytes,
)
from badgegen.model import Registry
from badgegen.ob3 import leaks
from badgegen.parallel import forked_map

#: What each kind is called in messages: (fr, en, « retirez {this} », "remove {this}").
KIND_WORDS: dict[str, tuple[str, str, str, str]] = {
    "email": ("adresse e-mail", "e-mail address", "cette adresse e-mail", "this e-mail address"),
    "phone": ("numéro de téléphone", "phone number", "ce numéro de téléphone", "this phone number"),
    "nir": (
        "numéro de sécurité sociale",
        "social security number",
        "ce numéro de sécurité sociale",
        "this social security number",
    ),
    "iban": (
        "numéro de compte bancaire (IBAN)",
        "bank account number (IBAN)",
        "ce numéro de compte bancaire",
        "this bank account number",
    ),
}

#: Files whose text is read, inside content/ and in the built site.
TEXT_SUFFIXES = frozenset(
    {".yaml", ".yml", ".txt", ".vtt", ".srt", ".svg", ".md", ".json", ".jsonld", ".html", ".htm", ".xml"}
    | {".css", ".js", ".mjs", ".webmanifest", ".csv", ".tsv"}
)
#: Photos whose metadata is checked (content/media/ and the built site).
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})
#: The search index (pagefind/): gzip-compressed chunks, read as text once decompressed.
COMPRESSED_SUFFIXES = frozenset({".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"})
#: Spreadsheets: they hold lists of people; never in the repository.
SPREADSHEET_SUFFIXES = frozenset({".csv", ".tsv", ".xls", ".xlsx", ".xlsm", ".ods", ".fods", ".numbers"})


@dataclass(frozen=True, order=True)
class Finding:
    """One piece of personal data in a text: where it is and a redacted excerpt."""

    line: int
    column: int
    kind: str
    excerpt: str
    offset: int = 0


# --- detectors --------------------------------------------------------------------------

_SPACE = "[ \\t\u00a0\u202f]"
# Every pattern starts with a plain character (never a look-behind), so that the regex
# engine skips quickly to the places worth trying: the scan of a whole site stays cheap.
# The boundary checks come right after that first character.
_AT_RE = re.compile(  # @, ＠, &#64;, &commat;, [at], (arobase), arobase: one first character, then which
    rf"[@\uff20&\[\(\{{aA](?:(?<=[@\uff20])|(?<=&)(?:\#0*64;|\#[xX]0*40;|commat;)"
    rf"|(?<=[\[\(\{{]){_SPACE}*(?:[aA][tT]|[aA][rR][oO][bB][aA][sS][eE]){_SPACE}*[\]\)\}}]"
    r"|(?<=[aA])(?<!\w[aA])[rR][oO][bB][aA][sS][eE](?!\w))"
)
_LOCAL_RE = re.compile(r"(?<![\w.%+-])[\w%+-](?:[\w.%+-]*[\w%+-])?$")
_DOT = rf"(?:\.|{_SPACE}*[\[\(\{{]{_SPACE}*(?:dot|point){_SPACE}*[\]\)\}}]{_SPACE}*)"
_DOMAIN_RE = re.compile(
    rf"{_SPACE}*(?P<domain>[^\W_](?:[\w-]*[^\W_])?(?:{_DOT}[^\W_](?:[\w-]*[^\W_])?)*"
    rf"{_DOT}(?P<tld>[^\W\d_]{{2,24}}))(?![\w-])",
    re.IGNORECASE,
)
_OBFUSCATED_DOT_RE = re.compile(_DOT, re.IGNORECASE)
#: `icon@2x.png` is a file name, not an address.
_FILE_TLDS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "css", "js", "mjs", "json", "html", "htm"}
    | {"pdf", "mp3", "mp4", "m4a", "ogg", "webm", "txt", "vtt", "yaml", "yml", "xml", "woff", "woff2", "ttf"}
)

_PSEP = "[ .\\-\u00a0\u202f]"
_TRUNK = rf"33{_PSEP}?(?:\(0\){_PSEP}?)?[1-9]"  # +33 6, +33 (0)6, 0033 6
_FR_PHONE_RE = re.compile(
    rf"(?P<prefix>\+(?<![\w+]\+)(?<!\d[.,/-]\+){_TRUNK}|0(?<![\w+]0)(?<!\d[.,/-]0)(?:0{_TRUNK}|[1-9]))"
    rf"(?P<sep>{_PSEP}?)\d{{2}}(?:(?P=sep)\d{{2}}){{3}}"
    r"(?!\w)(?!(?P=sep)\d)"
)
_INTL_PHONE_RE = re.compile(
    r"\+(?<![\w+]\+)(?P<cc>[1-9]\d{0,2})"
    rf"(?P<rest>(?:{_PSEP}?(?:\(\d{{1,4}}\)|\d{{1,4}})){{2,12}})"
    rf"(?!\w)(?!{_PSEP}\d)"
)
_NSEP = "[ .\\-\u00a0\u202f]?"
_NIR_RE = re.compile(
    r"(?P<sex>[1-478])(?<![\w+][1-478])(?<!\d[.,/-][1-478])"
    rf"{_NSEP}(?P<year>\d{{2}}){_NSEP}(?P<month>\d{{2}}){_NSEP}"
    rf"(?P<dept>\d{{2}}|2[ABab]){_NSEP}(?P<town>\d{{3}}){_NSEP}(?P<order>\d{{3}}){_NSEP}(?P<key>\d{{2}})"
    r"(?!\w)(?![ .\-\u00a0\u202f]\d)"
)
_IBAN_START_RE = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]\d{2}(?=[ \u00a0-]?[A-Z0-9])")
#: IBAN length per country (ISO 13616 registry, and the African countries using the format).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BF": 28, "BG": 22, "BH": 22,
    "BJ": 28, "BR": 29, "BY": 28, "CH": 21, "CI": 28, "CM": 27, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "DZ": 26, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22,
    "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23,
    "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MA": 28, "MC": 27, "MD": 24, "ME": 22, "MG": 27, "MK": 19, "ML": 28, "MR": 27, "MT": 31,
    "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SN": 28, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
_URL_RE = re.compile(r"(?:https?|ftp)://[^\s<>\"'`\\]+|\bwww\.[^\s<>\"'`\\]+", re.IGNORECASE)


# --- the same detectors, fast --------------------------------------------------------------
#
# The output check reads every page the build makes, and the patterns above, run as they are,
# cost more than making the page: Python's regex engine looks for a pattern's first *literal*
# character with a tight loop, but tries a character class (`[@\uff20&\[\(\{aA]` stops at
# every « a », `[1-478]` at most digits) at every position. So:
#
# - each pattern that starts with a class is also written as one pattern per first character
#   (`*_PARTS`), whose matches `_finditer` merges into exactly those of the whole pattern;
# - `_Outline` proves cheaply, from a one-byte-per-character copy of the text, that a part
#   or a whole detector cannot match (no « @ », no run of digits long enough for a phone
#   number...), so that most pages run few patterns.
#
# The patterns above stay the reference (`find_personal_data_reference`): tests/test_privacy_fast.py
# checks on generated texts that both find the same.

_AT_PARTS = {
    # Only an « @ » right after a character a local part ends with (or after one and a line
    # break: `_LOCAL_RE`'s `$`): any other has no local part (`_addresses` would find none), and
    # built files hold many (`"@context"`, `"@id"` in every JSON-LD document and baked image).
    "@": re.compile(r"@(?:(?<=[\w%+-]@)|(?<=[\w%+-]\n@))"),
    "\uff20": re.compile("\uff20"),
    "&": re.compile(r"&(?:\#0*64;|\#[xX]0*40;|commat;)"),
    **{
        bracket: re.compile(
            rf"{re.escape(bracket)}{_SPACE}*(?:[aA][tT]|[aA][rR][oO][bB][aA][sS][eE]){_SPACE}*[\]\)\}}]"
        )
        for bracket in "[({"
    },
}
#: « arobase » as a word (« a » is everywhere: looked for only where the text has « robase »).
_AROBASE_PARTS = tuple(re.compile(rf"{a}(?<!\w{a})[rR][oO][bB][aA][sS][eE](?!\w)") for a in "aA")
#: How many characters before an « @ » its local part is looked for in (`_addresses`).
LOCAL_LOOKBACK = 96
#: `_LOCAL_RE` on the reversed text: matched from the « @ » backwards instead of tried at each
#: of the `LOCAL_LOOKBACK` characters before it (`$` may be before a final newline: `\n?`).
_LOCAL_REVERSED_RE = re.compile(r"\n?([\w%+-](?:[\w.%+-]*[\w%+-])?)(?![\w.%+-])")
_FR_PHONE_REST = rf"(?P<sep>{_PSEP}?)\d{{2}}(?:(?P=sep)\d{{2}}){{3}}(?!\w)(?!(?P=sep)\d)"
_FR_PHONE_PARTS = {
    "+": re.compile(rf"(?P<prefix>\+(?<![\w+]\+)(?<!\d[.,/-]\+){_TRUNK}){_FR_PHONE_REST}"),
    "0": re.compile(rf"(?P<prefix>0(?<![\w+]0)(?<!\d[.,/-]0)(?:0{_TRUNK}|[1-9])){_FR_PHONE_REST}"),
}
_NIR_PARTS = {
    sex: re.compile(
        rf"(?P<sex>{sex})(?<![\w+]{sex})(?<!\d[.,/-]{sex})"
        rf"{_NSEP}(?P<year>\d{{2}}){_NSEP}(?P<month>\d{{2}}){_NSEP}"
        rf"(?P<dept>\d{{2}}|2[ABab]){_NSEP}(?P<town>\d{{3}}){_NSEP}(?P<order>\d{{3}}){_NSEP}(?P<key>\d{{2}})"
        r"(?!\w)(?![ .\-\u00a0\u202f]\d)"
    )
    for sex in "123478"
}


def _byte_classes() -> bytes:
    """The `bytes.translate` table of `_Outline.classes` (see there)."""
    table = bytearray(b"." * 256)
    for byte in b"0123456789":
        table[byte] = ord("d")
    for byte in range(0xC0, 0x100):  # the first byte of a character outside ASCII
        table[byte] = ord("d")
    for byte in b" .-":
        table[byte] = ord("_")
    for byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[byte] = ord("A")
    table[ord("+")] = ord("+")
    return bytes(table)


_CLASSES = _byte_classes()
#: Necessary conditions on the classes, searched as patterns: a pattern that starts with
#: fixed bytes is searched faster than `bytes in` finds short needles.
_DIGIT_RUN_RE = re.compile(rb"dd(?:dddd|d_ddd|_dd_dd_dd)")  # what a French number or a NIR ends with
_FR_PHONE_END_RE = re.compile(rb"dddddddd|dd_dd_dd_dd")
_NIR_END_RE = re.compile(rb"dddddd|ddd_ddd")
_INTL_PHONE_START_RE = re.compile(rb"\+d")
_IBAN_START_CLASSES_RE = re.compile(rb"AAdd")
#: The longest run of classes these patterns match (`dd_dd_dd_dd`).
_CLASS_RUN = 11
#: The bytes that continue a character in UTF-8: left out, so each character is one class.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class _Outline:
    r"""What a text holds, coarsely: enough to prove that a detector cannot match in it.

    `classes` has one byte per character of the text: `d` for what may be a digit (`\d` is
    also every non-ASCII digit: any character outside ASCII may be one, or a no-break
    space), `_` for an ASCII separator of `_PSEP`, `A` for an ASCII capital, `+`, and `.`
    for anything else. Looking for a few fixed strings in bytes takes microseconds where
    running a pattern over the text takes tens. Each test is a necessary condition, never
    a sufficient one: when it holds, the pattern runs as usual.

    `data`, when given, is what `text` was decoded from (UTF-8, errors replaced): a
    replaced byte gives `U+FFFD` in the text, which no detector matches, and at most one
    class here, so a run of classes of the text is still a run here.

    The classes of a text larger than `_FOLD_SLICE` bytes are made a slice at a time when a
    test reads them (`_holds`), not kept whole: at 50 000 awards, the ledger of published
    addresses would take 13 MB more.
    """

    def __init__(self, text: str, data: bytes | None = None) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass") if data is None else data
        large = len(self.data) > _FOLD_SLICE
        self.classes = None if large else self.data.translate(_CLASSES, _CONTINUATION_BYTES)
        self.digit_runs = self._holds(_DIGIT_RUN_RE)

    def _holds(self, pattern: re.Pattern[bytes]) -> bool:
        """Whether `pattern` (a run of at most `_CLASS_RUN` classes, without look-arounds) is
        found in the classes. Made from a slice of the bytes, the classes are exactly that
        part of the whole text's (`translate` maps and deletes byte by byte); the slices
        overlap by four bytes a class, so that no run is cut."""
        if self.classes is not None:
            return pattern.search(self.classes) is not None
        step, overlap = _FOLD_SLICE, 4 * _CLASS_RUN
        return any(
            pattern.search(self.data[at : at + step + overlap].translate(_CLASSES, _CONTINUATION_BYTES))
            for at in range(0, len(self.data), step)
        )

    def _has(self, char: str) -> bool:
        """Whether the text holds `char` (an ASCII one is looked for in the bytes: memchr)."""
        return char.encode() in self.data if char.isascii() else char in self.text

    def at_parts(self) -> list[re.Pattern[str]]:
        """The parts of `_AT_RE` that may match: the first character of each is in the text."""
        parts = [part for first, part in _AT_PARTS.items() if self._has(first)]
        if _holds_any_case(self.data, b"robase"):
            parts.extend(_AROBASE_PARTS)
        return parts

    def fr_phone_parts(self) -> list[re.Pattern[str]]:
        """A French number ends with four pairs of digits, one same separator or none between them."""
        if not self.digit_runs or not self._holds(_FR_PHONE_END_RE):
            return []  # (a non-ASCII separator is a `d`: then the eleven classes are `d`s)
        return [part for first, part in _FR_PHONE_PARTS.items() if self._has(first)]

    def may_hold_intl_phone(self) -> bool:
        """An international number starts with « + » and an ASCII digit."""
        return self._holds(_INTL_PHONE_START_RE)

    def nir_parts(self) -> list[re.Pattern[str]]:
        """A NIR ends with three digits, three digits and two, each maybe after a separator."""
        if not self.digit_runs or not self._holds(_NIR_END_RE):
            return []
        return [part for first, part in _NIR_PARTS.items() if self._has(first)]

    def may_hold_iban(self) -> bool:
        """An IBAN starts with two ASCII capitals and two ASCII digits.

        `_IBAN_START_RE` also matches non-ASCII digits, but such a start is never a valid
        IBAN (`iban_is_valid`), and its matches cannot overlap: leaving them out changes
        no finding.
        """
        return self._holds(_IBAN_START_CLASSES_RE)


#: Bytes lowered at once by `_holds_any_case`: a large file (the ledger of published addresses,
#: 13 MB at 50 000 awards) is not copied whole.
_FOLD_SLICE = 1 << 20


def _holds_any_case(data: bytes, needle: bytes) -> bool:
    """Whether `data` holds the lowercase ASCII `needle` in any case: `needle in data.lower()`
    (which changes ASCII letters only: `[rR]`...), lowering a slice at a time, each slice
    overlapping the next by `len(needle) - 1` bytes so that no occurrence is cut."""
    step = _FOLD_SLICE
    return any(needle in data[at : at + step + len(needle) - 1].lower() for at in range(0, len(data), step))


def _finditer(parts: Sequence[re.Pattern[str]], text: str) -> Iterator[re.Match[str]]:
    """The matches of the alternation of `parts`, as that pattern's `finditer` gives them.

    Exact when no two parts can match at one position (their first characters differ) and
    none matches the empty string: the alternation's leftmost match from a position is then
    the leftmost of the parts' matches from there (look-behinds see the whole text either
    way), and finditer goes on from its end. A part is searched again only once the
    position passed its match.
    """
    found = [part.search(text) for part in parts]
    position = 0
    while True:
        best: re.Match[str] | None = None
        for index, match in enumerate(found):
            if match is not None and match.start() < position:
                match = found[index] = parts[index].search(text, position)
            if match is not None and (best is None or match.start() < best.start()):
                best = match
        if best is None:
            return
        yield best
        position = best.end()


def _local_part(before: str) -> tuple[int, str] | None:
    """`_LOCAL_RE.search(before)`'s start and text: the address's local part before its « @ »."""
    match = _LOCAL_REVERSED_RE.match(before[::-1])
    if match is None:
        return None
    return len(before) - match.end(), match.group(1)[::-1]


def _emails(text: str, outline: _Outline | None = None) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, local part, domain) of each address, found from its « @ » (or « [at] »...)."""
    return _addresses(text, _finditer((outline or _Outline(text)).at_parts(), text))


def _addresses(text: str, ats: Iterable[re.Match[str]]) -> Iterator[tuple[int, int, str, str]]:
    for at in ats:
        before = text[max(0, at.start() - LOCAL_LOOKBACK) : at.start()]
        if at.group(0)[0] != "@":
            before = before.rstrip(" \t\u00a0\u202f")
        local = _local_part(before)
        domain = _DOMAIN_RE.match(text, at.end())
        if local is None or domain is None or domain["tld"].lower() in _FILE_TLDS:
            continue
        start = at.start() - (len(text[max(0, at.start() - LOCAL_LOOKBACK) : at.start()]) - local[0])
        yield start, domain.end(), local[1], _OBFUSCATED_DOT_RE.sub(".", domain["domain"])


def normalise_email(address: str) -> str:
    """`Jean.Dupont [at] Exemple [dot] fr` → `jean.dupont@exemple.fr` (to compare addresses)."""
    stripped = address.strip()
    for start, end, local, domain in _emails(stripped):
        if (start, end) == (0, len(stripped)):
            return f"{local}@{domain}".lower()
    return stripped.lower()


def find_personal_data(
    text: str, allowed_emails: Collection[str] = (), *, data: bytes | None = None
) -> list[Finding]:
    """Every e-mail, phone, NIR and IBAN of `text`, sorted, with redacted excerpts.

    `allowed_emails` (normalised, see `normalise_email`) are public addresses that may
    appear. Digits inside a URL (`https://…/2026/0612345678`) are not phone numbers.
    `data`: the bytes `text` was decoded from (UTF-8, errors replaced), when the caller
    has them: they are not encoded again.
    """
    outline = _Outline(text, data)
    return _findings(text, allowed_emails, _emails(text, outline), _digit_findings(text, outline))


def _emails_reference(text: str) -> Iterator[tuple[int, int, str, str]]:
    """`_emails` with `_AT_RE` and `_LOCAL_RE` as they are (the tests' reference)."""
    for at in _AT_RE.finditer(text):
        before = text[max(0, at.start() - LOCAL_LOOKBACK) : at.start()]
        if at.group(0)[0] != "@":
            before = before.rstrip(" \t\u00a0\u202f")
        local = _LOCAL_RE.search(before)
        domain = _DOMAIN_RE.match(text, at.end())
        if local is None or domain is None or domain["tld"].lower() in _FILE_TLDS:
            continue
        start = at.start() - (len(text[max(0, at.start() - LOCAL_LOOKBACK) : at.start()]) - local.start())
        yield start, domain.end(), local.group(0), _OBFUSCATED_DOT_RE.sub(".", domain["domain"])


def find_personal_data_reference(text: str, allowed_emails: Collection[str] = ()) -> list[Finding]:
    """`find_personal_data` with each detector's whole pattern (slower; the tests' reference)."""
    emails = _emails_reference(text)
    digits = _digit_spans(
        text,
        _FR_PHONE_RE.finditer(text),
        _INTL_PHONE_RE.finditer(text),
        _NIR_RE.finditer(text),
        _IBAN_START_RE.finditer(text),
    )
    return _findings(text, allowed_emails, emails, digits)


def _findings(
    text: str,
    allowed_emails: Collection[str],
    emails: Iterable[tuple[int, int, str, str]],
    digit_spans: Iterable[tuple[int, int, str, str]],
) -> list[Finding]:
    spans = [
        (start, end, "email", f"{local[0]}…@{domain[0]}…")
        for start, end, local, domain in emails
        if f"{local}@{domain}".lower() not in allowed_emails
    ]
    digits = list(digit_spans)
    if digits:
        urls = [(m.start(), m.end()) for m in _URL_RE.finditer(text)]
        spans.extend(s for s in digits if not _inside(s[0], urls))
    return _located(text, _without_overlaps(spans))


def _digit_findings(text: str, outline: _Outline) -> Iterator[tuple[int, int, str, str]]:
    return _digit_spans(
        text,
        _finditer(outline.fr_phone_parts(), text),
        _INTL_PHONE_RE.finditer(text) if outline.may_hold_intl_phone() else (),
        _finditer(outline.nir_parts(), text),
        _IBAN_START_RE.finditer(text) if outline.may_hold_iban() else (),
    )


def _digit_spans(
    text: str,
    fr_phones: Iterable[re.Match[str]],
    intl_phones: Iterable[re.Match[str]],
    nirs: Iterable[re.Match[str]],
    iban_starts: Iterable[re.Match[str]],
) -> Iterator[tuple[int, int, str, str]]:
    for match in fr_phones:
        prefix = re.sub(r"\D", "", match["prefix"])
        shown = "+33 " + prefix[-1] if len(prefix) > 2 else prefix
        yield match.start(), match.end(), "phone", shown + " •• •• •• ••"
    for match in intl_phones:
        digits = match["cc"] + re.sub(r"\D", "", match["rest"].replace("(0)", ""))
        if 9 <= len(digits) <= 17:
            yield match.start(), match.end(), "phone", f"+{match['cc']} …"
    for match in nirs:
        if nir_is_valid(match.group(0)):
            yield match.start(), match.end(), "nir", "• •• •• •• ••• ••• ••"
    for match in iban_starts:
        end = _iban_end(text, match)
        if end is not None:
            yield match.start(), end, "iban", f"{match.group(0)[:2]}•• ••••…"


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def _without_overlaps(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Keep the first (then longest) of overlapping findings: `+33 6 …` is one phone."""
    kept: list[tuple[int, int, str, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _located(text: str, spans: list[tuple[int, int, str, str]]) -> list[Finding]:
    if not spans:
        return []
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    found = []
    for start, _end, kind, excerpt in spans:
        line = bisect.bisect_right(starts, start)
        found.append(Finding(line, start - starts[line - 1] + 1, kind, excerpt, start))
    return sorted(found)


def nir_is_valid(text: str) -> bool:
    """A French social security number (13 digits + key) whose key is right, month plausible."""
    compact = re.sub(r"[ .\-\u00a0\u202f]", "", text).upper()
    if len(compact) != 15 or compact[0] not in "123478":
        return False
    month = int(compact[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    corsica = {"2A": "19", "2B": "18"}.get(compact[5:7])
    body = compact[:5] + corsica + compact[7:13] if corsica else compact[:13]
    if not body.isdigit() or not compact[13:].isdigit():
        return False
    return 97 - int(body) % 97 == int(compact[13:])


def _iban_end(text: str, match: re.Match[str]) -> int | None:
    """Where the IBAN starting at `match` ends, if it has its country's length and checksum."""
    length = IBAN_LENGTHS.get(match.group(0)[:2])
    if length is None:
        return None
    chars = [match.group(0)]
    count, index = 4, match.end()
    while count < length and index < len(text):
        char = text[index]
        if char in " \u00a0-" and index + 1 < len(text) and text[index + 1].isalnum():
            index += 1
            continue
        if not (char.isascii() and (char.isdigit() or char.isupper())):
            return None
        chars.append(char)
        count, index = count + 1, index + 1
    if count < length or (index < len(text) and text[index].isalnum()):
        return None
    return index if iban_is_valid("".join(chars)) else None


def iban_is_valid(iban: str) -> bool:
    """The ISO 13616 check: the rearranged number, letters as 10..35, is 1 mod 97."""
    compact = re.sub(r"[ \u00a0-]", "", iban).upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# --- image metadata ---------------------------------------------------------------------

#: Metadata categories: (fr, en).
METADATA_WORDS = {
    "gps": ("position GPS", "GPS position"),
    "camera": ("appareil photo", "camera"),
    "date": ("date de prise de vue", "date taken"),
    "author": ("auteur", "author"),
    "thumbnail": ("miniature de la photo d'origine", "thumbnail of the original photo"),
    "exif": ("EXIF", "EXIF"),
    "xmp": ("XMP", "XMP"),
    "iptc": ("IPTC", "IPTC"),
    "comment": ("commentaire", "comment"),
    "text": ("texte intégré", "embedded text"),
    "trailer": ("données après l'image", "data after the image"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT = {b"tEXt", b"iTXt", b"zTXt"}
_PNG_DROP = _PNG_TEXT | {b"eXIf", b"tIME"}


def image_metadata(data: bytes) -> list[str]:
    """The metadata categories (`METADATA_WORDS`) a JPEG, PNG or WebP file holds, in order."""
    found: list[str] = []
    if data.startswith(b"\xff\xd8"):
        for marker, payload in _jpeg_segments(data):
            found += _jpeg_segment_metadata(marker, payload)
        if _jpeg_image_end(data) < len(data.rstrip(b"\x00")):
            found.append("trailer")
    elif data.startswith(PNG_SIGNATURE):
        for kind, payload in _png_chunks(data):
            if kind in _PNG_TEXT:
                found.append("text")
            elif kind == b"eXIf":
                found += _exif_categories(payload)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        for kind, payload in _riff_chunks(data):
            if kind == b"EXIF":
                found += _exif_categories(payload)
            elif kind == b"XMP ":
                found.append("xmp")
    return list(dict.fromkeys(found))


def _jpeg_segment_metadata(marker: int, payload: bytes) -> list[str]:
    if marker == 0xE0 and payload.startswith(b"JFXX"):
        return ["thumbnail"]
    if marker == 0xE1 and payload.startswith(b"Exif\x00"):
        return _exif_categories(payload[6:])
    if marker == 0xE1:
        return ["xmp"]
    if marker == 0xED:
        return ["iptc"]
    if marker == 0xFE:
        return ["comment"]
    return []


def _exif_categories(exif_data: bytes) -> list[str]:
    """What an EXIF block reveals; at least « EXIF » when it cannot be read."""
    from PIL import Image as PILImage  # (Pillow loads when a photo is first looked at)

    found = ["exif"]
    try:
        exif = PILImage.Exif()
        exif.load(exif_data)
        if exif.get_ifd(0x8825):
            found.append("gps")
        if 0x010F in exif or 0x0110 in exif or 0xA434 in exif.get_ifd(0x8769):
            found.append("camera")
        if 0x0132 in exif or 0x9003 in exif.get_ifd(0x8769):
            found.append("date")
        if 0x013B in exif or 0x8298 in exif:
            found.append("author")
        if exif.get_ifd(-1):  # IFD1: the thumbnail, often of the uncropped photo
            found.append("thumbnail")
    except Exception:  # any unreadable EXIF is still EXIF
        return found
    return found


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The marker segments before the image data (SOS), as (marker, payload)."""
    offset = 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        if marker == 0xFF:
            offset += 1
            continue
        if marker == 0xDA or marker == 0xD9:
            return
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        yield marker, data[offset + 4 : offset + 2 + length]
        offset += 2 + length


def _jpeg_scan_start(data: bytes) -> int:
    offset = 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        if marker == 0xFF:
            offset += 1
            continue
        if marker == 0xDA:
            return offset
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return offset


def _jpeg_image_end(data: bytes) -> int:
    """Just after the EOI marker that ends the image (what follows is another file)."""
    end = data.find(b"\xff\xd9", _jpeg_scan_start(data))
    return len(data) if end < 0 else end + 2


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    offset = len(PNG_SIGNATURE)
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        yield kind, data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IEND":
            return


def _riff_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    offset = 12
    while offset + 8 <= len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        yield kind, data[offset + 8 : offset + 8 + length]
        offset += 8 + length + (length & 1)


def png_text_chunks(data: bytes) -> Iterator[tuple[str, str]]:
    """(keyword, text) of each tEXt, zTXt and iTXt chunk of a PNG."""
    for kind, payload in _png_chunks(data):
        if kind not in _PNG_TEXT:
            continue
        keyword, _, rest = payload.partition(b"\x00")
        try:
            if kind == b"tEXt":
                text = rest.decode("latin-1")
            elif kind == b"zTXt":
                text = zlib.decompress(rest[1:]).decode("latin-1")
            else:
                compressed, body = rest[0], rest[2:].split(b"\x00", 2)[2]
                text = (zlib.decompress(body) if compressed else body).decode("utf-8", "replace")
        except (zlib.error, IndexError):
            text = ""
        yield keyword.decode("latin-1"), text


def strip_metadata(data: bytes) -> tuple[bytes, bool]:
    """`data` without its metadata, and whether the pixels had to be re-encoded.

    Losslessly (byte level) in general. A JPEG whose EXIF says "turn me" is turned
    upright and re-encoded once (quality 92), or it would show sideways without EXIF.
    """
    if data.startswith(PNG_SIGNATURE):
        chunks = [(k, p) for k, p in _png_chunks(data) if k not in _PNG_DROP]
        return PNG_SIGNATURE + b"".join(_png_chunk(k, p) for k, p in chunks), False
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _strip_webp(data), False
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG, PNG or WebP image")
    reencoded = False
    if _jpeg_orientation(data) not in (None, 1):
        data, reencoded = _upright_jpeg(data), True
    kept = [
        b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload
        for marker, payload in _jpeg_segments(data)
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or _keep_app(marker, payload)
    ]
    start, end = _jpeg_scan_start(data), _jpeg_image_end(data)
    return b"\xff\xd8" + b"".join(kept) + data[start:end], reencoded


def _keep_app(marker: int, payload: bytes) -> bool:
    """What stays: JFIF (APP0), the ICC profile (APP2) and Adobe's colour transform (APP14)."""
    return (
        (marker == 0xE0 and payload.startswith(b"JFIF\x00"))
        or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"))
        or (marker == 0xEE and payload.startswith(b"Adobe"))
    )


def _jpeg_orientation(data: bytes) -> int | None:
    from PIL import Image as PILImage

    for marker, payload in _jpeg_segments(data):
        if marker == 0xE1 and payload.startswith(b"Exif\x00"):
            exif = PILImage.Exif()
            try:
                exif.load(payload[6:])
            except Exception:  # unreadable EXIF: nothing to turn
                return None
            value = exif.get(0x0112)
            return value if isinstance(value, int) else None
    return None


def _upright_jpeg(data: bytes) -> bytes:
    from PIL import Image as PILImage
    from PIL import ImageOps

    with PILImage.open(io.BytesIO(data)) as image:
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        options: dict[str, Any] = {"quality": 92, "optimize": True}
        if icc:
            options["icc_profile"] = icc
        upright.save(out, format="JPEG", **options)
    return out.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _strip_webp(data: bytes) -> bytes:
    body = b""
    for kind, payload in _riff_chunks(data):
        if kind in (b"EXIF", b"XMP "):
            continue
        if kind == b"VP8X":
            payload = bytes([payload[0] & ~0x0C]) + payload[1:]
        body += kind + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) & 1 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


# --- which rule applies to which file ------------------------------------------------------


def public_addresses(registry: Any, issuers: Iterable[Any]) -> frozenset[str]:
    """The normalised public addresses: `contact.email` of registry.yaml, `email` of issuers."""
    found = set()
    contact = registry.get("contact") if isinstance(registry, dict) else None
    if isinstance(contact, dict) and isinstance(contact.get("email"), str):
        found.add(normalise_email(contact["email"]))
    for issuer in issuers:
        if isinstance(issuer, dict) and isinstance(issuer.get("email"), str):
            found.add(normalise_email(issuer["email"]))
    return frozenset(found)


_EMAIL_LINE_RE = re.compile(r"""^[ \t]*(?:-[ \t]+)?email[ \t]*:[ \t]*["']?([^"'\s#,}]+)""", re.MULTILINE)


def _addresses_of(data: bytes | None, *, registry: bool) -> set[str]:
    """The public address(es) one file declares, even when it is not valid YAML or not the
    right shape (it gets its own error; its `email:` line must not get a second one).
    """
    if data is None:
        return set()
    text = data.decode("utf-8", "replace")
    found = {normalise_email(address) for address in _EMAIL_LINE_RE.findall(text)}
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return found
    return found | set(public_addresses(loaded, []) if registry else public_addresses(None, [loaded]))


def public_addresses_in(read: Callable[[str], bytes | None], issuer_files: Iterable[str]) -> frozenset[str]:
    """The public addresses of a content tree: `read(relative path)` gives a file's bytes."""
    found = _addresses_of(read("registry.yaml"), registry=True)
    for name in issuer_files:
        found |= _addresses_of(read(name), registry=False)
    return frozenset(found)


def content_addresses(content: Path) -> frozenset[str]:
    """The public addresses declared in the content folder on disk."""
    return public_addresses_in(
        lambda name: (content / name).read_bytes() if (content / name).is_file() else None,
        sorted(p.relative_to(content).as_posix() for p in content.glob("issuers/*.y*ml")),
    )


#: The memo's keys of `_remembered_addresses` start with this.
ADDRESSES_PREFIX = "privacy-addresses:"


def _remembered_addresses(
    root: Path, memo: MutableMapping[str, Any], seen: dict[str, bytes]
) -> frozenset[str]:
    """`content_addresses(root)`, remembered in `memo` by the digests of the files it reads.

    Parsing registry.yaml and every issuer file again with PyYAML took a twentieth of a
    second at every build; their digests are known already (`load_content` found them,
    in `seen`), so a build where none of them changed reads none of them.
    """
    names = ["registry.yaml", *sorted(p.relative_to(root).as_posix() for p in root.glob("issuers/*.y*ml"))]
    key = _verdict_code().copy()
    key.update(b"public addresses\0")
    for name in names:
        try:
            digest = file_digest(memo, root / name, seen)[0]
        except OSError:
            digest = b"-"
        key.update(f"{name}\0{len(digest)}\0".encode("utf-8", "surrogateescape") + digest)
    memo_key = ADDRESSES_PREFIX + key.hexdigest()
    known = memo.get(memo_key)
    if type(known) is frozenset and all(type(address) is str for address in known):
        return known
    found = content_addresses(root)
    memo[memo_key] = found
    return found


def _suffix(name: str) -> str:
    """`Path(name).suffix.lower()` of a file name, without making a path."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def check_file(
    shown: str,
    in_content: str | None,
    data: bytes,
    public: frozenset[str],
    *,
    explicit: bool = False,
    needles: tuple[bytes, ...] | None = None,
) -> list[ContentError]:
    """The problems of one file, `shown` in messages; `in_content` is its path under content/.

    A private key is refused in any file (then alone reported: it must go first). Inside
    content/: spreadsheets are refused, text files are read, photos of media/ are checked
    for metadata. Outside it, only spreadsheets are refused, unless the file was named on
    the command line (`explicit`).
    """
    keys = leaks.key_errors(shown, data, leaks.environment_needles() if needles is None else needles)
    if keys:
        return keys
    name = shown.rpartition("/")[2]
    suffix = _suffix(name)
    if suffix in SPREADSHEET_SUFFIXES:
        return [make_error(shown, (1, 1), "spreadsheet-in-content", "", name=name)]
    if in_content is None and not explicit:
        return []
    if suffix in TEXT_SUFFIXES:
        award = in_content is not None and in_content.startswith("awards/")
        return text_errors(shown, data, public, yaml_fields=suffix in (".yaml", ".yml"), award=award)
    is_media = explicit or (in_content is not None and in_content.startswith(MEDIA_FOLDER + "/"))
    if suffix in IMAGE_SUFFIXES and is_media:
        found = image_metadata(data)
        if found:
            return [
                make_error(
                    shown,
                    (1, 1),
                    "media-metadata",
                    "",
                    name=name,
                    file=shlex.quote(shown),
                    found_fr=", ".join(METADATA_WORDS[c][0] for c in found),
                    found_en=", ".join(METADATA_WORDS[c][1] for c in found),
                )
            ]
    return []


def text_errors(
    shown: str, data: bytes, public: frozenset[str], *, yaml_fields: bool, award: bool
) -> list[ContentError]:
    """`personal-data` errors for each finding of a text file (fields named for YAML).

    A large file (the ledger of published addresses: 13 MB at 50 000 awards) is first scanned
    a block of lines at a time (`clean_in_blocks`), and decoded whole only when a block holds
    something: its text would take twice its bytes (the ledger's French header makes every
    character two bytes wide), at the moment a build holds the most.
    """
    if len(data) > BLOCK_BYTES and clean_in_blocks(data, public):
        return []
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):  # a byte-order mark: three bytes, one character
        text, data = text[1:], data[3:]
    findings = find_personal_data(text, public, data=data)  # (`data`: not encoded again)
    if not findings:
        return []
    fields = _yaml_fields(text) if yaml_fields else []
    errors = []
    for finding in findings:
        what_fr, what_en, this_fr, this_en = KIND_WORDS[finding.kind]
        why_fr, why_en = _why(finding.kind, award)
        field = _field_at(fields, (finding.line, finding.column))
        if field and find_personal_data(field, public):  # under a key that is itself an address...
            field = ""
        errors.append(
            make_error(
                shown,
                (finding.line, finding.column),
                "personal-data",
                field,
                what_fr=what_fr,
                what_en=what_en,
                excerpt=finding.excerpt,
                this_fr=this_fr,
                this_en=this_en,
                why_fr=why_fr,
                why_en=why_en,
            )
        )
    return errors


#: Above this size, a text file is scanned in blocks of about this many bytes (`text_errors`).
BLOCK_BYTES = 1 << 20
#: Bytes before each block's first line scanned with it. No detector's match holds a newline,
#: with one exception: an address's local part may end the line before its « @ » (`_LOCAL_RE`
#: ends with `$`), and it is looked for among the `LOCAL_LOOKBACK` characters before the « @ »,
#: of at most four bytes each. A few bytes more for a character cut at the block's start.
BLOCK_LEAD = 4 * LOCAL_LOOKBACK + 16


def line_blocks(data: bytes, size: int = BLOCK_BYTES, start: int = 0) -> Iterator[tuple[int, int]]:
    """Where `data[start:]` is cut into blocks (start, end) of at least `size` bytes that end
    after a newline (the last one at the end of `data`), each after the first starting
    `BLOCK_LEAD` bytes before the end of the one before, at the next character (UTF-8
    continuation bytes skipped).

    So every line is whole in one block, after at least `BLOCK_LEAD - 3` bytes of what comes
    before it (or all of it): the line of a block's end is in no later block, and the
    first block that holds a line's end starts before the line, by that lead.
    """
    if size <= BLOCK_LEAD:
        raise ValueError(f"blocks of {size} bytes would not move past their lead of {BLOCK_LEAD}")
    length = len(data)
    while True:
        newline = data.find(b"\n", start + size)
        end = length if newline < 0 else newline + 1
        yield start, end
        if end >= length:
            return
        start = end - BLOCK_LEAD
        while 0x80 <= data[start] < 0xC0:
            start += 1


def clean_in_blocks(data: bytes, public: frozenset[str], size: int = BLOCK_BYTES) -> bool:
    """Whether no block of `line_blocks` holds personal data: then the whole text holds none.

    A finding of the whole text lies in one line, or ends a line and crosses into the next
    through an address's local part; the block that holds that next line whole also holds
    the characters before its « @ » that are looked at, and what every detector looks at around a match (a
    few characters behind, the rest of the line ahead) is the same there. The converse is not
    needed: a block that starts within a line may find what the whole text does not, and the
    caller then scans the whole text, whose findings are the ones reported.
    """
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # a byte-order mark, left out as by `text_errors`
    return not any(
        find_personal_data(block.decode("utf-8", "replace"), public, data=block)
        for block in (data[first:end] for first, end in line_blocks(data, size, start))
    )


def _why(kind: str, award: bool) -> tuple[str, str]:
    if kind == "email" and award:
        return (
            "une attribution ne contient jamais l'adresse de la personne (badgegen award la remplace par une empreinte)",
            "an award never holds the person's address (badgegen award replaces it with a hash)",
        )
    if kind == "email":
        return (
            "seules les adresses publiques des organisations (champ email de issuers/ et contact.email de registry.yaml) peuvent apparaître",
            "only the organisations' public addresses (email of issuers/, contact.email of registry.yaml) may appear",
        )
    if kind == "phone":
        return (
            "un badge se vérifie sans appeler personne ; pour joindre une organisation, son site (url) suffit",
            "a badge is checked without calling anyone; an organisation is reached through its website (url)",
        )
    return (
        "ce numéro n'a jamais sa place dans un badge, même en partie",
        "this number never belongs in a badge, not even in part",
    )


Span = tuple[tuple[int, int], tuple[int, int], str]


def _yaml_fields(text: str) -> list[Span]:
    """(start, end, dotted path) of every scalar value of a YAML text, or [] if unreadable."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    spans: list[Span] = []

    def walk(node: yaml.Node | None, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, yaml.ScalarNode):
            start = (node.start_mark.line + 1, node.start_mark.column + 1)
            end = (node.end_mark.line + 1, node.end_mark.column + 1)
            spans.append((start, end, dotted_path(path)))

    walk(node, ())
    return spans


def _field_at(fields: list[Span], position: tuple[int, int]) -> str:
    """The field whose value holds `position` ("" in a comment)."""
    for start, end, path in fields:
        if start <= position < end:
            return path
    return ""


# --- the content check (validate, build) -------------------------------------------------


def content_errors(
    raw: RawContent, *, memo: MutableMapping[str, Any] | None = None, jobs: int = 1
) -> list[ContentError]:
    """Personal data, spreadsheets and photo metadata anywhere under the content folder.

    `memo` (any mutable mapping, which the caller may keep between runs, and may share
    with `load_content`'s: these keys start with `VERDICT_PREFIX`) remembers the verdict
    on each file: a file whose bytes, place and path as shown were already checked under
    the same rules is not scanned again (`verdict_key`). A file is hashed to find its
    verdict, or known by its unchanged status (`load.file_digest`). The files without a
    verdict are scanned on `jobs` processes when there are many (`badgegen.parallel`).
    Results are the same with or without a memo, on any number of jobs.
    """
    root = raw.root
    if not root.is_dir():
        return []
    public = content_addresses(root) if memo is None else _remembered_addresses(root, memo, raw.digests)
    needles = leaks.environment_needles()
    seed = verdict_seed(public, needles) if memo is not None else None
    shown_as = DisplayPaths()
    verdicts: list[tuple[ContentError, ...] | None] = []
    unknown: list[tuple[int, str | None, _VerdictJob]] = []  # (place in verdicts, memo key, job)
    folders: dict[Path, tuple[str | None, str]] = {}  # how each folder is shown, and given
    cwd = os.getcwd()  # noqa: PTH109 (a str, once, not once per file)
    # The files are taken from the end of the list, so that each one's entry is let go once its
    # job is made; a large file is hashed a megabyte at a time, never held whole (the ledger,
    # 13 MB at 50 000 awards, is read when scanned); a path shown as it is given is one string.
    files = content_files(root)
    files.reverse()
    while files:
        parts, folder, is_link = files.pop()
        if folder not in folders:
            folders[folder] = (shown_as.folder(folder), folder.as_posix())
        shown_folder, as_given = folders[folder]
        name = parts[-1]
        path = joined(as_given, name)
        shown = (
            shown_as(Path(path), True) if is_link else DisplayPaths.in_folder(shown_folder, as_given, name)
        )
        if shown == path:
            shown = path
        relative = "/".join(parts)
        if memo is None or seed is None:
            unknown.append((len(verdicts), None, (shown, relative, path, None, public, needles)))
            verdicts.append(None)
            continue
        digest, kept = file_digest(memo, path, raw.digests, None, cwd, keep_up_to=_KEPT_BYTES)
        key = verdict_key_for(seed, shown, relative, digest)
        found = memo.get(key)
        if _is_verdict(found):
            verdicts.append(found)
            continue
        unknown.append((len(verdicts), key, (shown, relative, path, kept, public, needles)))
        verdicts.append(None)
    scanned = forked_map(_verdict_of, [job for _place, _key, job in unknown], jobs)
    for (place, memo_key, _job), verdict in zip(unknown, scanned, strict=True):
        verdicts[place] = verdict
        if memo is not None and memo_key is not None:
            memo[memo_key] = verdict
    return [error for verdict in verdicts if verdict is not None for error in verdict]


#: What scanning one file needs: (shown, relative, its path, its bytes if already read,
#: public addresses, key needles).
_VerdictJob = tuple[str, str, str, bytes | None, frozenset[str], tuple[bytes, ...]]
#: Files read to be hashed keep their bytes for the scan up to this size; bigger ones (photos,
#: videos of the evidence) are read again when scanned, so that no more than one is held at once.
_KEPT_BYTES = 1 << 16


def _verdict_of(job: _VerdictJob) -> tuple[ContentError, ...]:
    shown, relative, path, data, public, needles = job
    if data is None:
        data = read_bytes(Path(path))
    return tuple(file_verdict(shown, relative, data, public, needles))


def file_verdict(
    shown: str, relative: str, data: bytes, public: frozenset[str], needles: tuple[bytes, ...]
) -> list[ContentError]:
    """The problems of one file of the content folder (`relative` to it, `shown` in messages)."""
    if not worth_reading(relative):  # any file at all may hold a private key
        return leaks.key_errors(shown, data, needles)
    return check_file(shown, relative, data, public, needles=needles)


def content_files(root: Path) -> list[tuple[tuple[str, ...], Path, bool]]:
    """Every file under `root`, sorted by path: (its path's parts under `root`, its folder,
    whether it is a symbolic link).

    The files `sorted(p for p in root.rglob("*") if p.is_file())` gives (Python 3.11):
    hidden files too, links to files too, folders reached through a link not entered,
    an unreadable folder skipped; in the same order. One `scandir` per folder, and none
    of the path objects that sorting `Path`s would make.
    """
    found: list[tuple[tuple[str, ...], Path, bool]] = []
    pending: list[tuple[Path, tuple[str, ...]]] = [(root, ())]
    while pending:
        folder, parts = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append((folder / entry.name, (*parts, entry.name)))
            elif entry.is_file():
                found.append(((*parts, entry.name), folder, entry.is_symlink()))
    found.sort(key=lambda item: item[0])
    return found


#: The start of every key `content_errors` adds to a memo (never one of `load.memo_key`'s).
VERDICT_PREFIX = "privacy:"
#: Bump when what `content_errors` keeps in a memo changes shape or meaning.
VERDICT_FORMAT = 1


@cache
def _verdict_code() -> hashlib.blake2b:
    """What every verdict key starts from: the code that reads, checks and reports (load's memo
    seed covers this module, errors, messages, schema, yamlsafe, load and PyYAML's version),
    plus the private key detectors, Pillow (photo metadata) and Python (`re`, Unicode)."""
    from badgegen.ob3 import multibase

    seed = memo_seed()
    seed.update(f"privacy verdict {VERDICT_FORMAT}\0pillow {installed.version('pillow')}\0".encode())
    seed.update(f"python {sys.version}\0".encode())
    for module in (leaks, multibase):
        seed.update(Path(str(module.__file__)).read_bytes())
    return seed


def verdict_seed(public: frozenset[str], needles: tuple[bytes, ...]) -> hashlib.blake2b:
    """The start of the verdict keys of one run: the code (`_verdict_code`), the public
    addresses allowed and the signing key looked for. Each address and each form of the
    key is hashed on its own: a memo kept on disk never holds the key itself."""
    seed = _verdict_code().copy()
    seed.update(f"{len(public)} {len(needles)}\0".encode())
    for address in sorted(public):
        seed.update(hashlib.sha256(address.encode("utf-8", "surrogatepass")).digest())
    for needle in sorted(needles):
        seed.update(hashlib.sha256(needle).digest())
    return seed


def verdict_key(seed: hashlib.blake2b, shown: str, relative: str, data: bytes) -> str:
    """The memo key of one file's verdict: a digest of the run's `seed`, the file's path as
    shown in messages and under the content folder (which rules apply), and its exact bytes."""
    return verdict_key_for(seed, shown, relative, content_digest(data))


def verdict_key_for(seed: hashlib.blake2b, shown: str, relative: str, digest: bytes) -> str:
    """`verdict_key` from the file's `load.content_digest`."""
    key = seed.copy()
    key.update(f"{shown}\0{relative}\0".encode("utf-8", "surrogateescape"))
    key.update(digest)
    return VERDICT_PREFIX + key.hexdigest()


def _is_verdict(found: object) -> TypeGuard[tuple[ContentError, ...]]:
    """Whether a memo entry is a verdict: a tuple of errors (no personal data in clear:
    excerpts are redacted, private keys are named by kind only)."""
    return type(found) is tuple and all(type(error) is ContentError for error in found)


def worth_reading(relative: str) -> bool:
    suffix = _suffix(relative.rpartition("/")[2])
    if suffix in SPREADSHEET_SUFFIXES or suffix in TEXT_SUFFIXES:
        return True
    return suffix in IMAGE_SUFFIXES and relative.startswith(MEDIA_FOLDER + "/")


# --- the output check (build, before the swap) ---------------------------------------------


@dataclass(frozen=True, order=True)
class OutputProblem:
    """Personal data or metadata found in one file of the built site."""

    path: str
    line: int
    column: int
    code: str
    what_fr: str
    what_en: str
    excerpt: str

    def format(self, lang: str) -> str:
        fr = lang == "fr"
        head = f"{self.path}:{self.line}:{self.column}: {self.code}: "
        if self.code == "published-private-key":
            if fr:
                return (
                    f"{head}une clé privée ({self.what_fr}) serait publiée dans le site construit.\n"
                    "    → correction : retirez-la de sa source (contenu, modèles de pages, fichiers statiques), "
                    "et tenez-la pour divulguée : remplacez-la (voir docs/ob3.md)."
                )
            return (
                f"{head}a private key ({self.what_en}) would be published in the built site.\n"
                "    → fix: remove it from its source (content, page templates, static files), and treat "
                "it as leaked: replace it (see docs/ob3.md)."
            )
        if self.code == "published-metadata":
            if fr:
                return (
                    f"{head}l'image contient des métadonnées ({self.what_fr}) qui seraient publiées.\n"
                    "    → correction : retirez-les du fichier d'origine avec « badgegen strip-metadata FICHIER »."
                )
            return (
                f"{head}the image holds metadata ({self.what_en}) that would be published.\n"
                "    → fix: remove it from the source file with 'badgegen strip-metadata FILE'."
            )
        if fr:
            return (
                f"{head}{self.what_fr} en clair ({self.excerpt}) dans le site construit.\n"
                "    → correction : cherchez d'où vient ce texte (modèles de pages dans templates/, fichiers "
                "statiques, image d'un badge) et retirez-le."
            )
        return (
            f"{head}{self.what_en} in plain text ({self.excerpt}) in the built site.\n"
            "    → fix: find where this text comes from (page templates in templates/, static files, "
            "a badge image) and remove it."
        )


class PublishedPersonalData(BadgegenError):
    """The built site would publish personal data: nothing is published (exit 2)."""

    exit_code: ClassVar[int] = 2

    def __init__(self, problems: list[OutputProblem]) -> None:
        super().__init__(f"{len(problems)} file(s) of the built site hold personal data")
        self.problems = sorted(problems)

    def format_message(self, lang: str) -> str:
        count = len(self.problems)
        if lang == "fr":
            summary = (
                f"{count} problème{'s' if count > 1 else ''} dans le site construit : "
                "rien n'a été publié, l'ancien site reste en place."
            )
        else:
            summary = (
                f"{count} problem{'s' if count > 1 else ''} in the built site: "
                "nothing was published, the previous site stays in place."
            )
        return "\n".join([*(problem.format(lang) for problem in self.problems), summary])


def scan_output(folder: Path, public: frozenset[str], shown_as: str) -> list[OutputProblem]:
    """Personal data in the text files, PNG text chunks and image metadata under `folder`.

    Paths are shown under `shown_as` (the output folder's name), not the folder scanned.
    """
    problems: list[OutputProblem] = []
    needles = leaks.environment_needles()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        problems += scan_file(relative, path.read_bytes(), public, needles, shown_as)
    return problems


def _path_suffix(relative: str) -> str:
    """`PurePosixPath(relative).suffix.lower()`, without making a path (once per built file)."""
    name = relative.rpartition("/")[2]
    if name in ("", "."):  # a path ending in « / » or « /. »: its name is further left
        return PurePosixPath(relative).suffix.lower()
    return _suffix(name)


def scan_file(
    relative: str, data: bytes, public: frozenset[str], needles: tuple[bytes, ...], shown_as: str
) -> list[OutputProblem]:
    """Personal data or a private key in one built file (`relative` to the output folder).

    The build scans each file as it produces it, before anything is flipped live; files
    it did not produce again were scanned, with the same bytes, when they were produced.
    """
    shown = f"{shown_as.rstrip('/')}/{relative}"
    suffix = _path_suffix(relative)
    problems = _key_output_problems(shown, data, needles, compressed=suffix in COMPRESSED_SUFFIXES)
    if suffix in TEXT_SUFFIXES:
        problems += _text_output_problems(
            shown, data.decode("utf-8", "replace"), public, in_chunk=False, data=data
        )
    elif suffix in COMPRESSED_SUFFIXES:
        data = zlib.decompress(data, wbits=31) if data.startswith(b"\x1f\x8b") else data
        problems += _text_output_problems(
            shown, data.decode("utf-8", "replace"), public, in_chunk=False, data=data
        )
    elif suffix in IMAGE_SUFFIXES:
        problems += _image_output_problems(shown, data, public)
    return problems


def _key_output_problems(
    shown: str, data: bytes, needles: tuple[bytes, ...], *, compressed: bool
) -> list[OutputProblem]:
    """Any private key in a built file, whatever its type (search index chunks decompressed)."""
    if compressed and data.startswith(b"\x1f\x8b"):
        data = zlib.decompress(data, wbits=31)
    problems = []
    for leak in leaks.find_private_keys(data, needles):
        line, column = leaks.position(data, leak.offset)
        what_fr, what_en = leaks.KIND_WORDS[leak.kind]
        problems.append(OutputProblem(shown, line, column, "published-private-key", what_fr, what_en, ""))
    return problems


def _text_output_problems(
    shown: str, text: str, public: frozenset[str], *, in_chunk: bool, data: bytes | None = None
) -> list[OutputProblem]:
    return [
        OutputProblem(
            shown,
            1 if in_chunk else finding.line,
            1 if in_chunk else finding.column,
            "published-personal-data",
            KIND_WORDS[finding.kind][0],
            KIND_WORDS[finding.kind][1],
            finding.excerpt,
        )
        for finding in find_personal_data(text, public, data=data)
    ]


def _image_output_problems(shown: str, data: bytes, public: frozenset[str]) -> list[OutputProblem]:
    """A baked PNG's `openbadges` text is read like any text; any other metadata is refused."""
    problems: list[OutputProblem] = []
    found = image_metadata(data)
    if data.startswith(PNG_SIGNATURE) and "text" in found:
        others = []
        for keyword, text in png_text_chunks(data):
            if keyword in ("openbadges", "openbadgecredential"):  # the baked OB 2.0 / OB 3.0 document
                problems += _text_output_problems(shown, text, public, in_chunk=True)
            else:
                others.append(keyword)
        found = [c for c in found if c != "text"] + (["text"] if others else [])
    if found:
        problems.append(
            OutputProblem(
                shown,
                1,
                1,
                "published-metadata",
                ", ".join(METADATA_WORDS[c][0] for c in found),
                ", ".join(METADATA_WORDS[c][1] for c in found),
                "",
            )
        )
    return problems


def registry_addresses(registry: Registry) -> frozenset[str]:
    """The addresses a built registry publishes on purpose (contact, issuers)."""
    found = {normalise_email(registry.site.contact.email)}
    found |= {normalise_email(issuer.email) for issuer in registry.issuers.values()}
    return frozenset(found)


class OutputScanner:
    """Scans each file the build produces, and keeps the problems for the end of the build.

    `fingerprint` says what else than a file's bytes the verdict depends on (the
    addresses published on purpose, the keys looked for): the build cache keys its
    reuse of unchanged files with it, so a file is never kept unscanned under new rules.
    """

    def __init__(self, registry: Registry, out: Path) -> None:
        self.public = registry_addresses(registry)
        self.needles = leaks.environment_needles()
        self.shown_as = display_path(out)
        self.problems: list[OutputProblem] = []
        #: Files found clean by earlier builds under the same rules (`remember`), and by this one:
        #: digests of (suffix, bytes). The pages made at every build are not scanned again.
        self.clean_before: frozenset[bytes] = frozenset()
        self.clean_now: set[bytes] = set()

    def __call__(self, relative: str, data: bytes) -> None:
        suffix = _path_suffix(relative)
        key = hashlib.blake2b(suffix.encode() + b"\0" + data, digest_size=16).digest()
        if key in self.clean_before:
            self.clean_now.add(key)
            return
        found = scan_file(relative, data, self.public, self.needles, self.shown_as)
        if not found:
            self.clean_now.add(key)
        self.problems += found

    def remember(self, stored: object) -> None:
        """Take the clean files of an earlier build, if it scanned under the same rules."""
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == self.fingerprint:
            self.clean_before = frozenset(stored[1])

    def remembered(self) -> tuple[bytes, frozenset[bytes]]:
        """What `remember` takes back at the next build (only this build's clean files)."""
        return self.fingerprint, frozenset(self.clean_now)

    @property
    def fingerprint(self) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        for item in sorted(self.public):
            digest.update(item.encode() + b"\0")
        for needle in sorted(self.needles):
            digest.update(hashlib.sha256(needle).digest())
        return digest.digest()

    def check(self) -> None:
        """Refuse the build (nothing is flipped live) if any produced file holds personal data."""
        if self.problems:
            raise PublishedPersonalData(self.problems)


# --- commands -------------------------------------------------------------------------------


def register(commands: Any) -> None:
    """`badgegen privacy-check`, `badgegen strip-metadata` and `badgegen hook install`."""
    from badgegen import hook
    from badgegen.cli import add_lang_option  # here: cli imports this module

    about = "chercher des données personnelles (e-mail, téléphone, n° de sécurité sociale, IBAN, métadonnées de photos, tableurs)"
    check = commands.add_parser("privacy-check", help=about, description=about)
    check.add_argument(
        "paths", nargs="*", type=Path, help="files or folders to check (default: the content folder)"
    )
    check.add_argument(
        "--staged", action="store_true", help="check what `git commit` would record (the pre-commit hook)"
    )
    check.add_argument(
        "--content", type=Path, default=Path("content"), help="content folder (default content/)"
    )
    add_lang_option(check)
    check.set_defaults(run=run_privacy_check)

    about = "retirer les métadonnées (EXIF, GPS, commentaires…) de photos JPEG, PNG ou WebP, sur place"
    strip = commands.add_parser("strip-metadata", help=about, description=about)
    strip.add_argument("paths", nargs="+", type=Path, help="photos to clean")
    add_lang_option(strip)
    strip.set_defaults(run=run_strip_metadata)
    hook.register(commands, add_lang_option)


def run_privacy_check(args: argparse.Namespace) -> int:
    from badgegen import hook

    fr = args.lang == "fr"
    if args.staged:
        errors = hook.staged_errors(args.content)
    else:
        errors = working_tree_errors(args.content, list(args.paths))
    for error in sorted(errors):
        print(error.format(args.lang), file=sys.stderr)
    if not errors:
        if not args.staged:
            print("Aucune donnée personnelle trouvée." if fr else "No personal data found.")
        return 0
    print(_refusal(len(errors), staged=args.staged, fr=fr), file=sys.stderr)
    return 1


def _refusal(count: int, *, staged: bool, fr: bool) -> str:
    plural = "s" if count > 1 else ""
    if fr and staged:
        return (
            f"Commit refusé : {count} problème{plural} de données personnelles dans les fichiers ci-dessus.\n"
            "Tout ce qui est commité est publié et reste dans l'historique du dépôt, même supprimé ensuite.\n"
            "Corrigez chaque ligne indiquée, refaites « git add » sur ces fichiers, puis « git commit »."
        )
    if staged:
        return (
            f"Commit refused: {count} personal data problem{plural} in the files above.\n"
            "Everything committed is published and stays in the repository's history, even if deleted later.\n"
            "Fix each line shown, run 'git add' on these files again, then 'git commit'."
        )
    if fr:
        return f"{count} problème{plural} : corrigez les lignes indiquées avant de commiter."
    return f"{count} problem{plural}: fix the lines shown before committing."


def working_tree_errors(content: Path, paths: list[Path]) -> list[ContentError]:
    """`privacy-check PATHS...`: the files under `paths` (default: the content folder)."""
    root = content.resolve()
    public = content_addresses(content)
    errors: list[ContentError] = []
    for start in paths or [content]:
        files = sorted(p for p in start.rglob("*") if p.is_file()) if start.is_dir() else [start]
        for path in files:
            if start.is_dir() and any(part.startswith(".") for part in path.relative_to(start).parts):
                continue
            resolved = path.resolve()
            inside = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else None
            if inside is not None and not worth_reading(inside):
                continue
            explicit = inside is None
            errors += check_file(display_path(path), inside, path.read_bytes(), public, explicit=explicit)
    return errors


def run_strip_metadata(args: argparse.Namespace) -> int:
    fr = args.lang == "fr"
    failed = 0
    for path in args.paths:
        try:
            data = path.read_bytes()
            cleaned, reencoded = strip_metadata(data)
        except (OSError, ValueError) as exc:
            failed += 1
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"{path}: " + ("impossible : " if fr else "cannot: ") + reason, file=sys.stderr)
            continue
        if cleaned != data:
            path.write_bytes(cleaned)
        if cleaned == data:
            print(f"{path}: " + ("aucune métadonnée." if fr else "no metadata."))
        elif reencoded:
            print(
                f"{path}: "
                + (
                    "métadonnées retirées, photo remise à l'endroit."
                    if fr
                    else "metadata removed, photo turned upright."
                )
            )
        else:
            print(f"{path}: " + ("métadonnées retirées." if fr else "metadata removed."))
    return 1 if failed else 0
