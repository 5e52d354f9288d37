"""The permanence ledger: every address the site ever published, so that none vanishes.

Verifiers fetch hosted assertions for years, and people keep links to pages and
images. `content/published.txt` lists every such address once published (one path
per line, relative to the site's `base_url`, sorted). Before anything is written,
each listed path must still be produced by the new build; a missing one is a
content error (`published-url-removed`) that names its URL and what to restore.

What is listed: every JSON document (issuers, their revocation lists, badge
classes and their translations, assertions, endorsements), every image (issuer
logos, badge images, baked PNG and SVG), every object page in every language
(`badges/<slug>/`, `issuers/<slug>/`, `assertions/<id>/`, `en/…`), every
portfolio page and its printable version (`personnes/<slug>/`, `…/imprimer/`), and
every media file; and, once a build signed them, the Open Badges 3.0 files (signed
credentials and their baked images, achievements, DID documents, profiles, status
lists, endorsement credentials). Not listed: the home, catalogue and issuers pages, `404.html`,
`sitemap.xml` (and its parts, `sitemap-N.xml`, as many as its size needs), `robots.txt` and
`static/`, which exist as long as the site does
(and whose assets may be renamed freely).

OB 3.0 files exist only when the build signs (a private key was given): a build
without the key cannot produce them, so it does not check their lines either, and
says that OB 3.0 was skipped.

`badgegen build` adds the new paths once the site is written (atomically, with
deterministic bytes); `badgegen validate`, `serve` and `build --frozen-ledger`
only check. Removing a line by hand is the one deliberate way to stop publishing
an address (a media file holding personal data, say), and shows in review.

A build whose registry kept its shape (`shape_digest`) and whose ledger file is
untouched neither checks nor records the ledger again: the build cache keeps what the
last build verified (`Verified`).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import heapq
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from badgegen import urls
from badgegen.errors import BuildError, ContentError, make_error
from badgegen.jsonld import badge_translations
from badgegen.load import MEDIA_FOLDER, RawContent, display_path
from badgegen.model import Registry

LEDGER_NAME = "published.txt"

HEADER = """\
# Adresses publiées du registre : ne les supprimez pas.
#
# Chaque ligne est une adresse déjà publiée, relative à l'adresse du site (base_url) :
# documents JSON, images, images « cuites », pages des badges, des organisations et des
# attributions, fichiers de preuve. Des vérificateurs et des personnes les ont gardées :
# elles doivent répondre pour toujours. Si une adresse de cette liste disparaît du site,
# la construction s'arrête (erreur published-url-removed).
#
# La publication (la CI sur main) ajoute ici les nouvelles adresses avec `badgegen build`
# et enregistre ce fichier ; `badgegen validate` et `badgegen build --frozen-ledger` ne
# font que vérifier. Pour retirer une attribution, révoquez-la (`badgegen revoke`) : son
# adresse reste publiée, marquée « révoquée ».
#
# Ne retirez une ligne à la main que pour cesser volontairement de publier un fichier
# (par exemple une preuve qui contient des données personnelles, ou le portfolio d'une
# personne qui retire son accord), dans une demande de fusion relue.
"""

#: What owns a published path: (kind, id). The kinds below have a fix each.
_OWNERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("award", re.compile(r"^(?:[a-z]{2}/)?assertions/([^/.]+)(?:(?:\.credential)?\.(?:json|png|svg)|/)$")),
    ("badge", re.compile(r"^(?:[a-z]{2}/)?badges/([^/.]+)(?:\.(?:json|png|svg)|\.achievement\.json|/)$")),
    (
        "issuer",
        re.compile(
            r"^(?:[a-z]{2}/)?issuers/([^/.]+)"
            r"(?:\.(?:json|png|svg)|/|/revocations\.json|/did\.json|/profile\.json|/status/revocation\.json)$"
        ),
    ),
    ("endorsement", re.compile(r"^endorsements/([^/.]+)(?:\.credential)?\.json$")),
    ("media", re.compile(r"^media/([^/]+)$")),
    ("earner", re.compile(r"^(?:[a-z]{2}/)?personnes/([^/.]+)/(?:imprimer/)?$")),
)


#: The paths only a build that signs publishes (Open Badges 3.0).
_OB3_RE = re.compile(
    r"\.credential\.(?:json|png|svg)$|\.achievement\.json$|^issuers/[^/]+/(?:did\.json|profile\.json|status/)"
)


def is_ob3(path: str) -> bool:
    return _OB3_RE.search(path) is not None


@dataclass(frozen=True)
class Ledger:
    """The paths of `content/published.txt`, each with its line number."""

    file: Path
    lines: dict[str, int]

    @property
    def paths(self) -> set[str]:
        return set(self.lines)

    def award_ids(self) -> set[str]:
        """Ids of every award ever published: a new award must never take one."""
        return {owner_id for kind, owner_id in map(owner, self.lines) if kind == "award"}


def ledger_file(content: Path) -> Path:
    return content / LEDGER_NAME


#: The last ledger read, with the status of its file then: a build reads it twice (`check`,
#: then `record`), tens of thousands of lines each time.
_LAST_READ: list[tuple[tuple[str, int, int, int, int], Ledger]] = []


def read(content: Path) -> Ledger:
    """The ledger of `content`; a missing file is an empty ledger (nothing published yet).

    Callers must not change what it returns (it may be the one returned last time)."""
    file = ledger_file(content)
    try:
        status = file.stat()
    except OSError:
        return Ledger(file, {})
    seen = (str(file.absolute()), status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
    if _LAST_READ and _LAST_READ[0][0] == seen:
        return _LAST_READ[0][1]
    lines: dict[str, int] = {}
    if file.is_file():
        for number, line in enumerate(file.read_text("utf-8").splitlines(), start=1):
            path = line.strip()
            if path and not path.startswith("#"):
                lines.setdefault(path, number)
    ledger = Ledger(file, lines)
    _LAST_READ[:] = [(seen, ledger)]
    return ledger


def permanent_paths(registry: Registry) -> set[str]:
    """Every path of the site that must answer forever once published (see the module doc).
    The build itself compares and records them in order, never all made at once
    (`sorted_permanent_paths`)."""
    return set(_each_permanent_path(registry))


def _each_permanent_path(registry: Registry) -> Iterator[str]:
    """Every permanent path of `registry`, some of them more than once."""
    for objects, path_of in _path_families(registry):
        yield from map(path_of, objects)


#: Permanent paths of one kind: the objects, and what gives each one's path.
Family = tuple[Sequence[Any], Callable[[Any], str]]


def _path_families(registry: Registry) -> list[Family]:
    """Every permanent path of `registry` (some more than once), in families: the awards' by
    kind of file and language, one path an award each (nine paths in ten at 50 000 awards),
    and the others (a few per issuer, badge, endorsement, media file and portfolio) as one
    family of paths already made."""
    languages = registry.site.languages
    awards = list(registry.awards.values())
    svg = [award for award in awards if award.badge.image.format == "svg"]
    each_award: list[Callable[[Any], str]] = [urls.assertion_json, urls.assertion_png]
    each_award += [functools.partial(urls.award_page, lang=lang) for lang in languages]
    each_svg_award: list[Callable[[Any], str]] = [urls.assertion_svg]
    if registry.signed:
        each_award += [urls.credential_json, urls.credential_png]
        each_svg_award.append(urls.credential_svg)
    families: list[Family] = [(list(_other_paths(registry)), str)]
    families += [(awards, path_of) for path_of in each_award]
    families += [(svg, path_of) for path_of in each_svg_award]
    return families


def _other_paths(registry: Registry) -> Iterator[str]:
    """The permanent paths of everything but the awards."""
    languages = registry.site.languages
    for issuer in registry.issuers.values():
        yield urls.issuer_json(issuer)
        yield urls.issuer_revocations(issuer)
        if issuer.image is not None:
            yield urls.issuer_image(issuer)
        yield from (urls.issuer_page(issuer, lang) for lang in languages)
    for badge in registry.badges.values():
        yield urls.badge_json(badge)
        yield urls.badge_image(badge)
        yield from (urls.badge_json_in(badge, lang) for lang in badge_translations(badge))
        yield from (urls.badge_page(badge, lang) for lang in languages)
    yield from (urls.endorsement_json(e) for e in registry.endorsements.values())
    yield from (urls.media(name) for name in registry.media)
    for earner in registry.earners.values():
        yield from (urls.earner_page(earner, lang) for lang in languages)
        yield from (urls.earner_print_page(earner, lang) for lang in languages)
    if registry.signed:  # the Open Badges 3.0 files, published only when the build signs
        for issuer in registry.issuers.values():
            yield urls.did_document(issuer)
            yield urls.issuer_profile(issuer)
            yield urls.status_list(issuer)
        yield from (urls.endorsement_credential_json(e) for e in registry.endorsements.values())
        yield from (urls.achievement_json(badge) for badge in registry.badges.values())


def sorted_permanent_paths(registry: Registry) -> Iterator[str]:
    """The permanent paths of `registry`, sorted, each once, made as they are read.

    Each family is sorted by its paths (made for the sort, then let go: one family's at a
    time), and the families are merged. As one sorted list, at 50 000 awards, signed, the
    335 000 paths were 35 MB at the highest memory of a cold signed build, once in its check
    (compared with the ledger) and once at its end (recorded): 9 MB this way, for 0.1 s more.
    """
    return _merged_families(_sorted_families(registry))


def _sorted_families(registry: Registry) -> list[Family]:
    """`_path_families`, each family's objects in the order of their paths."""
    return [(sorted(objects, key=path_of), path_of) for objects, path_of in _path_families(registry)]


def _merged_families(families: list[Family]) -> Iterator[str]:
    """The paths of sorted `families` (`_sorted_families`), merged in order, each once."""
    previous = None
    for path in heapq.merge(*(map(path_of, objects) for objects, path_of in families)):
        if path != previous:
            yield path
            previous = path


#: Bump when what `shape_digest` covers changes.
SHAPE_FORMAT = 1


def shape_digest(registry: Registry) -> bytes:
    """A digest of everything `permanent_paths(registry)` is made of: the languages, whether
    the build signs, and the ids, slugs, image formats and translations its paths name.

    Two registries with the same digest have the same permanent paths; computing it takes a
    small part of the time of making those paths (250 000 at 50 000 awards) and comparing
    them with the ledger, which a build whose content kept its shape need not do (`Verified`).
    """
    lines = [f"{SHAPE_FORMAT} {' '.join(registry.site.languages)} {registry.signed}"]
    lines += [
        f"i {i.slug} {i.image.format if i.image is not None else '-'}" for i in registry.issuers.values()
    ]
    lines += [
        f"b {b.slug} {b.image.format} {' '.join(badge_translations(b))}" for b in registry.badges.values()
    ]
    lines += [f"a {a.id} {a.badge.image.format}" for a in registry.awards.values()]
    lines += [f"e {e.id}" for e in registry.endorsements.values()]
    lines += [f"m {name}" for name in registry.media]
    lines += [f"p {e.slug}" for e in registry.earners.values()]
    text = "\n".join(lines).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=20, person=b"badgegen-ledger").digest()


@dataclass(frozen=True)
class Verified:
    """What a successful build knew of the ledger, kept in the build cache: for a registry
    of this `shape`, the ledger file as it then was (`status`) lists no path the build
    does not publish, and, when `complete`, lists every one it does.

    A build whose registry has the same shape and whose ledger file is untouched (its
    size, times, inode) neither checks nor records again: the answers would be the same.
    """

    shape: bytes
    status: tuple[int, ...] | None
    complete: bool


def ledger_status(content: Path) -> tuple[int, ...] | None:
    """The status of the ledger file (None when there is none): any write changes it."""
    try:
        info = ledger_file(content).stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def still_verified(remembered: Any, shape: bytes, content: Path) -> Verified | None:
    """`remembered` (from the build cache) if it still holds for this registry's `shape` and
    the ledger file as it is now, else None (check and record as usual)."""
    if not isinstance(remembered, Verified) or remembered.shape != shape:
        return None
    if remembered.status is None or remembered.status != ledger_status(content):
        return None
    return remembered


def owner(path: str) -> tuple[str, str]:
    """The kind and id of the object that publishes `path` ("other" when unknown)."""
    for kind, pattern in _OWNERS:
        match = pattern.match(path)
        if match:
            return kind, match.group(1)
    return "other", path


def unrecorded(content: Path, registry: Registry) -> int:
    """How many of the registry's permanent paths the ledger lacks: what `record` would add."""
    return _compare(content, registry).unrecorded


@dataclass(frozen=True)
class _Comparison:
    """The ledger against a registry's permanent paths."""

    #: ledger paths the registry does not publish (not its OB 3.0 ones when it does not sign:
    #: without the key they cannot be built, and are not checked)
    missing: frozenset[str]
    unrecorded: int  # permanent paths the ledger lacks


#: The last comparison, by the ledger file's status and the registry: a build asks twice
#: (`check`, then `unrecorded`).
_LAST_COMPARED: list[tuple[tuple[Any, ...] | None, Registry, _Comparison]] = []


def _compare(content: Path, registry: Registry) -> _Comparison:
    """Compare the ledger with `registry`'s permanent paths, reading the file line by line.

    Neither a dict of its lines (`read`) nor a list of them is made: at 50 000 awards, the
    218 000 lines as a dict, beside the registry's own paths, were the highest memory of a
    first build (91 MB for the ledger check). A line is counted once when the file is sorted
    without repeats, as `record` writes it; a file edited out of order is read whole (`read`).
    """
    file = ledger_file(content)
    seen = _file_status(file)
    if _LAST_COMPARED and _LAST_COMPARED[0][0] == seen and _LAST_COMPARED[0][1] is registry:
        return _LAST_COMPARED[0][2]
    # Made in order as they are compared, not as a set (its table was 16 MB at 50 000 awards,
    # signed) nor as a list (35 MB): see `sorted_permanent_paths`.
    ordered = sorted_permanent_paths(registry)
    # (a registry that signs, built without its key — a pull request's check — would otherwise
    # hold every OB 3.0 line of its ledger here: 117 000 at 50 000 awards, 15 MB)
    ignored = None if registry.signed else is_ob3
    comparison = compare_sorted(_ledger_paths(file), ordered, ignored)
    if comparison is None:  # out of order, or a repeat: compared with a dict of the lines
        planned = permanent_paths(registry)
        lines = read(content).lines
        comparison = _Comparison(
            frozenset(p for p in lines if p not in planned and not (ignored and ignored(p))),
            sum(1 for p in planned if p not in lines),
        )
    _LAST_COMPARED[:] = [(seen, registry, comparison)]
    return comparison


def compare_sorted(
    paths: Iterable[str], ordered: Iterable[str], ignored: Callable[[str], bool] | None = None
) -> _Comparison | None:
    """The ledger's `paths` against the planned paths `ordered` (sorted, each once), merged in
    one pass: None unless `paths` come sorted without repeats too. A path that is not planned
    and that `ignored` says to leave out is not missing."""
    missing: set[str] = set()
    found, planned_count, previous = 0, 0, ""
    planned = iter(ordered)
    current = next(planned, None)
    for path in paths:
        if path <= previous:
            return None
        previous = path
        while current is not None and current < path:
            planned_count += 1
            current = next(planned, None)
        if current is not None and current == path:
            found += 1
            planned_count += 1
            current = next(planned, None)
        elif ignored is None or not ignored(path):
            missing.add(path)
    if current is not None:
        planned_count += 1 + sum(1 for _ in planned)
    return _Comparison(frozenset(missing), planned_count - found)


def _file_status(file: Path) -> tuple[Any, ...] | None:
    try:
        status = file.stat()
    except OSError:
        return None
    return (str(file.absolute()), status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _ledger_paths(file: Path) -> Iterator[str]:
    """The paths of the ledger file, one line at a time (none when there is no file)."""
    try:
        stream = file.open(encoding="utf-8")
    except OSError:
        return
    with stream:
        yield from _paths_in(stream)


def _paths_in(stream: Iterable[str]) -> Iterator[str]:
    """The paths of a ledger's lines, as `read` finds them (`str.splitlines`'s boundaries)."""
    for chunk in stream:
        for line in chunk.splitlines():
            path = line.strip()
            if path and not path.startswith("#"):
                yield path


def forget_reads() -> None:
    """Let go of the last ledger read and the last comparison (at 50 000 awards, 218 000 paths:
    held to the end of the build for `record`, they were about 55 MB)."""
    _LAST_READ.clear()
    _LAST_COMPARED.clear()


def check(raw: RawContent, registry: Registry | None, base_url: str | None = None) -> list[ContentError]:
    """An error for each published object whose addresses the new build would not all answer.

    With a registry, every listed path is compared with what the build publishes.
    Without one (other errors stop the build), only objects whose file is gone
    altogether are reported, since a broken file still stands for its object.
    """
    if registry is not None:
        missing = _compare(raw.root, registry).missing  # (OB 3.0 paths only if it signs)
        if not missing:
            return []
        ledger = read(raw.root)  # (the line of each missing path, for its message)
        base = registry.site.base_url
    else:
        ledger = read(raw.root)
        if not ledger.lines:
            return []
        present = _present_owners(raw)
        missing = frozenset(path for path in ledger.lines if owner(path) not in present)
        base = base_url or _raw_base_url(raw)
    groups: dict[tuple[str, str], list[str]] = {}
    for path in sorted(missing):
        groups.setdefault(owner(path), []).append(path)
    return [_error(ledger, base, kind, owner_id, paths) for (kind, owner_id), paths in groups.items()]


def _present_owners(raw: RawContent) -> set[tuple[str, str]]:
    """Objects that still have a file, read or not (a kind name per load.FOLDERS)."""
    present: set[tuple[str, str]] = {(doc.kind, doc.id) for doc in raw.documents}
    present |= set(raw.unreadable)
    media = raw.root / MEDIA_FOLDER
    if media.is_dir():
        present |= {("media", file.name) for file in media.iterdir() if file.is_file()}
    return present


def _raw_base_url(raw: RawContent) -> str:
    data = raw.registry.data if raw.registry is not None else None
    value = data.get("base_url") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.endswith("/") else ""


#: For each kind: what it is, and how to fix its removal (French, English).
_FIXES: dict[str, tuple[str, str, str, str]] = {
    "award": (
        "de l'attribution « {id} »",
        "of the award '{id}'",
        "cette attribution a déjà été publiée : ne supprimez pas et ne renommez pas son fichier "
        "content/awards/<année>/{id}.yaml (restaurez-le) ; pour la retirer, utilisez "
        "« badgegen revoke {id} --reason … »",
        "this award was already published: do not delete or rename its file "
        "content/awards/<year>/{id}.yaml (restore it); to withdraw it, use "
        "'badgegen revoke {id} --reason …'",
    ),
    "badge": (
        "du badge « {id} »",
        "of the badge '{id}'",
        "ce badge a déjà été publié : ne supprimez pas et ne renommez pas content/badges/{id}.yaml "
        "ni son image (même nom, même format) ; un badge publié reste publié : gardez le fichier, "
        "et n'attribuez simplement plus ce badge",
        "this badge was already published: do not delete or rename content/badges/{id}.yaml "
        "or its image (same name, same format); a published badge stays published: keep the file, "
        "and simply stop awarding it",
    ),
    "issuer": (
        "de l'organisation « {id} »",
        "of the organisation '{id}'",
        "cette organisation a déjà été publiée : ne supprimez pas et ne renommez pas "
        "content/issuers/{id}.yaml ni son logo ; gardez le fichier, même si elle ne donne plus de badges",
        "this organisation was already published: do not delete or rename "
        "content/issuers/{id}.yaml or its logo; keep the file, even if it no longer gives badges",
    ),
    "endorsement": (
        "de la recommandation « {id} »",
        "of the endorsement '{id}'",
        "cette recommandation a déjà été publiée : ne supprimez pas et ne renommez pas "
        "content/endorsements/{id}.yaml : gardez le fichier",
        "this endorsement was already published: do not delete or rename "
        "content/endorsements/{id}.yaml: keep the file",
    ),
    "media": (
        "du fichier « {id} »",
        "of the file '{id}'",
        "ce fichier a déjà été publié : gardez content/media/{id} et la preuve publique qui le cite ; "
        "s'il doit vraiment disparaître (données personnelles), retirez aussi sa ligne de "
        "{ledger}, dans une demande de fusion relue",
        "this file was already published: keep content/media/{id} and the public evidence that "
        "names it; if it really must go (personal data), also remove its line from {ledger}, "
        "in a reviewed pull request",
    ),
    "earner": (
        "du portfolio « {id} »",
        "of the portfolio '{id}'",
        "ce portfolio a déjà été publié et son lien a pu être partagé : ne renommez pas "
        "content/earners/{id}.yaml ; si la personne retire son accord, supprimez ce fichier et retirez "
        "aussi ses lignes personnes/{id}/ (toutes les langues) de {ledger}, dans une demande de fusion relue",
        "this portfolio was already published and its link may have been shared: do not rename "
        "content/earners/{id}.yaml; if the person withdraws their consent, delete that file and also "
        "remove its personnes/{id}/ lines (every language) from {ledger}, in a reviewed pull request",
    ),
    "other": (
        "",
        "",
        "rétablissez ce qui publiait cette adresse ; si elle n'a jamais été en ligne, "
        "retirez sa ligne de {ledger}",
        "restore what published this address; if it was never online, remove its line from {ledger}",
    ),
}


def _error(ledger: Ledger, base: str, kind: str, owner_id: str, paths: list[str]) -> ContentError:
    """One error per object, at the ledger line of its main address (its JSON document)."""
    # A portfolio has no JSON document: its page in the first language, then.
    in_first_language = [p for p in paths if not re.match(r"^[a-z]{2}/", p)] or paths
    main = next(
        (p for p in paths if p.endswith(".json") and p.count("/") == 1 and p.count(".") == 1),
        in_first_language[0],
    )
    what_fr, what_en, fix_fr, fix_en = (
        text.format(id=owner_id, ledger=display_path(ledger.file)) for text in _FIXES[kind]
    )
    others = len(paths) - 1
    if others:
        more_fr = f" (ainsi que {others} autre{'s' if others > 1 else ''} adresse{'s' if others > 1 else ''} {what_fr})"
        more_en = f" (and {others} other address{'es' if others > 1 else ''} {what_en})"
    else:
        more_fr = f" (adresse {what_fr})" if what_fr else ""
        more_en = f" (address {what_en})" if what_en else ""
    return make_error(
        display_path(ledger.file),
        (ledger.lines[main], 1),
        "published-url-removed",
        "",
        url=base + main,
        more_fr=more_fr,
        more_en=more_en,
        fix_fr=fix_fr,
        fix_en=fix_en,
    )


def render(paths: Iterable[str]) -> bytes:
    """The ledger file's bytes: the header, then each path once, sorted (always the same bytes)."""
    return b"".join(render_pieces(paths))


#: Paths encoded at once when the ledger is written (`render_pieces`).
RENDER_LINES = 4096


def render_pieces(paths: Iterable[str]) -> Iterator[bytes]:
    """`render(paths)` a few thousand lines at a time, for `record` to write as they come.

    Neither a copy of the set, nor of each path (`f"{path}\\n"`), nor the whole text: the
    first build of 50 000 awards records 218 000 paths, and the text with its bytes (26 MB),
    then those copies (25 MB), were its highest memory."""
    return _sorted_pieces(sorted(paths if isinstance(paths, set | frozenset) else set(paths)))


def _sorted_pieces(ordered: Iterable[str]) -> Iterator[bytes]:
    """The ledger file's bytes for paths already sorted, each once, a few thousand at a time."""
    yield HEADER.encode("utf-8")
    paths = iter(ordered)
    while chunk := list(itertools.islice(paths, RENDER_LINES)):
        yield ("\n".join(chunk) + "\n").encode("utf-8")


def record(content: Path, registry: Registry, written: Mapping[str, int]) -> int:
    """Add the paths this build published to the ledger; return how many were new.

    The file is rewritten only when something is added, atomically (a temporary
    file renamed over it), so a failed or repeated build never leaves it half written.

    The ledger as `render` writes it is sorted: its lines are merged with the sorted paths
    of the registry as the file is read, and written as they come (the new file replaces
    the old one if a path was new), instead of held as a set beside their union. At 50 000
    awards, the first signed build adds 117 000 OB 3.0 paths to 218 000: that was 90 MB
    more, the build's highest memory. A ledger put out of order by hand is read whole
    (`read`), as before.
    """
    # The paths are made again for each pass, never held all at once (`sorted_permanent_paths`).
    families = _sorted_families(registry)
    unwritten = not_written(_merged_families(families), written)
    if unwritten:
        raise BuildError(f"the ledger would record paths the build did not write: {unwritten[:5]}")
    file = ledger_file(content)
    added = [0]
    try:
        _write_atomically(
            file,
            _sorted_pieces(_merged(_sorted_ledger_paths(file), _merged_families(families), added)),
            keep=lambda: added[0] > 0,
        )
    except _OutOfOrder:
        ledger = read(content)
        added[0] = sum(1 for path in _merged_families(families) if path not in ledger.lines)
        if added[0]:
            planned = permanent_paths(registry)
            _write_atomically(ledger.file, render_pieces(ledger.paths | planned if ledger.lines else planned))
    return added[0]


def not_written(ordered: Iterable[str], written: Iterable[str]) -> list[str]:
    """The paths of `ordered` (a trailing `/` meaning its `index.html`) that `written` lacks.

    Looked up by binary search in `written` sorted, a list of its own strings: the build knows
    most of its files by unit (`trees.Published`), and a set of every path was 17 MB more at
    the highest memory of a build that adds awards (50 000 awards, signed), for 0.2 s less."""
    published = sorted(written)
    end = len(published)
    missing = []
    for path in ordered:
        file = path + "index.html" if path.endswith("/") else path
        at = bisect.bisect_left(published, file)
        if at == end or published[at] != file:
            missing.append(path)
    return missing


class _OutOfOrder(Exception):
    """The ledger's paths are not sorted, or a path is there twice (edited by hand)."""


def _sorted_ledger_paths(file: Path) -> Iterator[str]:
    """The paths of the ledger `file`, as `read` finds them (none if there is no file), read a
    line at a time; `_OutOfOrder` as soon as one is not after the one before. A file that
    exists but cannot be read raises: its paths must never be taken for none."""
    try:
        stream = file.open(encoding="utf-8")
    except FileNotFoundError:
        return
    previous = ""
    with stream:
        for path in _paths_in(stream):
            if path <= previous:
                raise _OutOfOrder
            previous = path
            yield path


def _merged(recorded: Iterator[str], ordered: Iterable[str], added: list[int]) -> Iterator[str]:
    """The union of two sorted sequences of paths, each once, sorted; `added[0]` counts the
    paths of `ordered` that `recorded` lacks."""
    planned = iter(ordered)
    current = next(planned, None)
    for path in recorded:
        while current is not None and current < path:
            added[0] += 1
            yield current
            current = next(planned, None)
        if current is not None and current == path:
            current = next(planned, None)
        yield path
    if current is not None:
        added[0] += 1
        yield current
    for rest in planned:
        added[0] += 1
        yield rest


def _write_atomically(file: Path, pieces: Iterable[bytes], keep: Callable[[], bool] = lambda: True) -> None:
    """Write `pieces` to a new file, then rename it over `file`; unless `keep()` says no once
    they are written (then `file` is left as it was)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
            if not keep():
                stream.close()
                Path(temporary).unlink()
                return
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(0o644)
        Path(temporary).replace(file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def summary(added: int, content: Path, lang: str) -> str:
    """The line `build` prints about the ledger."""
    file = display_path(ledger_file(content))
    if lang == "fr":
        if not added:
            return f"Registre des adresses publiées ({file}) : à jour."
        return f"Registre des adresses publiées ({file}) : {added} adresse{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''}."
    if not added:
        return f"Ledger of published addresses ({file}): up to date."
    return f"Ledger of published addresses ({file}): {added} address{'es' if added > 1 else ''} added."
