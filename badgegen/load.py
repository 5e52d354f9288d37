"""Stage 1: find and read every content file, exactly as written.

`load_content()` returns raw documents (data + positions + where they came from)
and the problems met while reading. Nothing is interpreted yet: the validate
stage decides what the data means. Reading never stops at the first bad file.

Each document is also checked against its own schema here (`schema.schema_errors`,
kept in `RawDocument.schema_problems`; `resolve` reports them): what one file says
about itself, parsed and checked, is what is worth remembering between runs. Given a
`memo` (any mutable mapping, which the caller may keep between runs), a file whose
bytes were seen before in the same place is neither parsed nor checked again: the
memo gives its data, positions and schema problems back (`memo_key`). Every file is
still read and hashed (never trusting modification times), and everything that
crosses files is checked afresh by `resolve`.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
import time
import unicodedata
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeGuard

from badgegen import installed
from badgegen.errors import ContentError, control_character_params, dotted_path, make_error
from badgegen.parallel import forked_map
from badgegen.uptodate import streamed_digest
from badgegen.yamlsafe import YamlDocument, YamlProblem, control_characters, decode_utf8, parse_yaml

Kind = Literal["registry", "issuer", "badge", "award", "endorsement", "earner"]

#: The folder of each kind of file, in the order they are reported.
FOLDERS: dict[Kind, str] = {
    "issuer": "issuers",
    "badge": "badges",
    "award": "awards",
    "endorsement": "endorsements",
    "earner": "earners",  # portfolios, each written only with its person's consent
}
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
YEAR_RE = re.compile(r"^\d{4}$")
MEDIA_FOLDER = "media"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One YAML file as written: its kind, its id (the file name) and its data."""

    kind: Kind
    id: str
    path: Path
    display_path: str
    yaml: YamlDocument
    folder: str = ""
    #: Read from the private folder (`--private`, restricted content), not from content/.
    private: bool = False
    #: The file's own problems, found while reading (its schema's, and any control
    #: character in its texts); None: not checked yet. A document with any is left out.
    schema_problems: tuple[ContentError, ...] | None = None
    #: `data_digest(data)`, remembered with what the file says (`MemoEntry`); None: not known.
    digest: bytes | None = None

    @property
    def data(self) -> Any:
        return self.yaml.data

    def position_of(self, *json_path: str | int) -> tuple[int, int]:
        """Where the value at `json_path` starts (what to correct)."""
        return self.yaml.position_of(tuple(json_path))

    def key_position_of(self, *json_path: str | int) -> tuple[int, int]:
        """Where the key of `json_path` stands (where to add or remove a line)."""
        return self.yaml.key_position_of(tuple(json_path))


#: What says that a file changed: (size, modification and change times in ns, inode, device).
Status = tuple[int, int, int, int, int]


@dataclass
class RawContent:
    """Everything read from a content folder, and what went wrong reading it."""

    root: Path
    registry: RawDocument | None = None
    documents: list[RawDocument] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    #: ids of files that exist but could not be read, so references to them are not
    #: reported a second time as "unknown".
    unreadable: set[tuple[Kind, str]] = field(default_factory=set)
    #: The `content_digest` of each file read, by absolute path (`file_digest`): the later
    #: passes of the same run (the privacy scan, the media) do not look at a file again.
    digests: dict[str, bytes] = field(default_factory=dict)
    #: Each file's `Status` as the build found it when it started (`uptodate.scan`), by
    #: absolute path: reading does not ask the file system again (a tenth of the time of
    #: reading 10 000 unchanged files went into asking twice).
    statuses: Mapping[str, Status] = field(default_factory=dict)

    def of_kind(self, kind: Kind) -> list[RawDocument]:
        return [doc for doc in self.documents if doc.kind == kind]


def display_path(path: Path) -> str:
    """The path as the coordinator knows it: relative to the working folder when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while tens of thousands of small objects are made.

    Reading and resolving make no reference cycles, but every object they keep makes
    each collection longer: without the pause, a third of the time went there.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_content(
    root: Path,
    *,
    memo: MutableMapping[str, Any] | None = None,
    jobs: int = 1,
    statuses: Mapping[str, Status] | None = None,
) -> RawContent:
    """Read `registry.yaml` and every YAML file of the known folders under `root`.

    `memo`: what earlier runs learnt about each file (see `memo_key`); entries are
    added for the files it did not know, on `jobs` processes when there are many
    (`badgegen.parallel`). Results are the same with or without it, on any number of jobs.
    `statuses`: the files' statuses, already looked at by this run (`RawContent.statuses`).
    """
    content = RawContent(root=root, statuses=statuses or {})
    shown = DisplayPaths()
    with paused_gc():
        registry_path = root / "registry.yaml"
        if registry_path.is_file():
            registry_shown = shown(registry_path, registry_path.is_symlink(), root)
            content.registry = _read(
                content, registry_path, "registry", "registry", registry_shown, memo, ".", root.name
            )
        else:
            content.errors.append(make_error(display_path(registry_path), (1, 1), "missing-registry", ""))
        files: list[_File] = []
        for kind, folder in FOLDERS.items():
            _list_folder(content, root, folder, kind, shown, "", files)
        _read_files(content, files, memo, jobs)
    return content


@dataclass(frozen=True, slots=True)
class _File:
    """A content file about to be read: where it is, what kind, how messages name it."""

    path: Path
    kind: Kind
    stem: str
    shown: str
    placement: str
    folder: str


def _list_folder(
    content: RawContent,
    root: Path,
    folder: str,
    kind: Kind,
    shown: DisplayPaths,
    place: str,
    files: list[_File],
) -> None:
    """Add the files of one kind to `files` (and the misplaced ones to `content`'s errors)."""
    for where, names in _yaml_files(content, root / folder, kind):
        placement = place + where.relative_to(root).as_posix()
        shown_folder, as_given = shown.folder(where), where.as_posix()  # once per folder
        for name, is_link in names:
            path = where / name
            stem = name[:-5] if len(name) > 5 else name  # (Path.stem: every name ends with .yaml)
            text = shown(path, True) if is_link else DisplayPaths.in_folder(shown_folder, as_given, name)
            files.append(_File(path, kind, stem, text, placement, where.name))


def _read_files(
    content: RawContent, files: list[_File], memo: MutableMapping[str, Any] | None, jobs: int
) -> None:
    """Read `files` in order, adding their documents (or their problems) to `content`."""
    keys, entries = (
        _study_unknown(content, files, memo, jobs) if memo is not None else ([None] * len(files),) * 2
    )
    for file, key, entry in zip(files, keys, entries, strict=True):
        doc = _read(
            content,
            file.path,
            file.kind,
            file.stem,
            file.shown,
            memo,
            file.placement,
            file.folder,
            key,
            entry,
        )
        if doc is not None:
            content.documents.append(doc)
        else:
            content.unreadable.add((file.kind, file.stem))


def _study_unknown(
    content: RawContent, files: list[_File], memo: MutableMapping[str, Any], jobs: int
) -> tuple[list[str | None], list[MemoEntry | None]]:
    """Put in `memo` what the files it does not know say (`study`), on `jobs` processes.

    Returns each file's memo key (from its digest; None when it is not read: bad name, or
    unreadable) and its memo entry, so that reading it next looks neither at its status
    nor in the memo again.
    """
    keys: list[str | None] = []
    entries: list[MemoEntry | None] = []
    cwd = os.getcwd()  # noqa: PTH109 (a str, once, not once per file)
    # Files to read in a worker: (place in keys, its status, what `_study_file` needs).
    unknown: list[tuple[int, Status | None, tuple[str, str, str, bytes | None]]] = []
    for file in files:
        keys.append(None)
        entries.append(None)
        if not SLUG_RE.match(file.stem):
            continue  # refused by its name, never read (`_read`)
        try:
            name, status, digest = known_digest(memo, file.path, content.digests, content.statuses, cwd)
        except OSError:
            continue  # `_read` meets it again and says what is wrong
        if digest is None:  # not known by its status: the worker hashes it too (not read twice)
            unknown.append((len(keys) - 1, status, (file.kind, file.placement, name, None)))
            continue
        key = keys[-1] = memo_key_for(file.kind, file.placement, digest)
        known = memo.get(key)
        if _is_study(known):
            entries[-1] = known
        else:
            unknown.append((len(keys) - 1, None, (file.kind, file.placement, name, digest)))
    global _WORKER_MEMO
    _WORKER_MEMO = memo
    try:
        studies = forked_map(_study_file, [job for _place, _status, job in unknown], jobs)
    finally:
        _WORKER_MEMO = None
    for (place, status, (kind, placement, name, _digest)), studied in zip(unknown, studies, strict=True):
        if studied is None:
            continue  # unreadable, or changed meanwhile: `_read` reads it again
        digest, entry = studied
        if status is not None:
            remember_digest(memo, name, status, digest, content.digests)
        key = keys[place] = memo_key_for(kind, placement, digest)
        known = memo.get(key)
        if _is_study(known):
            entries[place] = known
        elif entry is not None:
            memo[key] = entries[place] = entry
    return keys, entries


#: The memo, for `_study_file` (set before the workers fork, so they inherit it).
_WORKER_MEMO: MutableMapping[str, Any] | None = None


def _study_file(job: tuple[str, str, str, bytes | None]) -> tuple[bytes, MemoEntry | None] | None:
    """The digest of a file read here (in a worker), and its `memo_entry` unless the memo
    knows it (a file only touched, or copied). None if it cannot be read, or if its bytes
    are no longer those hashed (changed meanwhile: `_read` reads it again and the memo is
    not misled)."""
    kind, placement, path, expected = job
    try:
        raw = read_bytes(path)
    except OSError:
        return None
    digest = content_digest(raw)
    if expected is not None and digest != expected:
        return None
    known = _WORKER_MEMO is not None and _is_study(_WORKER_MEMO.get(memo_key_for(kind, placement, digest)))
    return digest, None if known else memo_entry(kind, raw)


def _is_study(entry: Any) -> TypeGuard[MemoEntry]:
    """Whether a memo entry is one of `memo_entry`'s results (else: unknown, or not one of ours)."""
    return isinstance(entry, tuple) and len(entry) == 4


#: What the private folder may hold: restricted badge classes and awards (same layout as
#: content/), and the media files of their evidence (never published).
PRIVATE_KINDS: tuple[Kind, ...] = ("badge", "award")


def load_private(root: Path, *, memo: MutableMapping[str, Any] | None = None) -> RawContent:
    """Read the private folder (restricted badges and awards); a missing folder is an empty one.

    Same layout, reading rules and messages as `load_content`, without registry.yaml.
    Anything else found there (issuers/, endorsements/, earners/, a stray file) is
    reported as misplaced: those are public by nature and belong to content/.
    `memo` as for `load_content` (the same mapping may serve both).
    """
    content = RawContent(root=root)
    if not root.is_dir():
        return content
    allowed = {FOLDERS[kind] for kind in PRIVATE_KINDS} | {MEDIA_FOLDER}
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in allowed:
            continue
        if entry.is_dir() or entry.suffix in (".yaml", ".yml"):
            content.errors.append(_misplaced(entry, "private"))
    shown = DisplayPaths()
    with paused_gc():
        public = len(content.documents)
        files: list[_File] = []
        for kind in PRIVATE_KINDS:
            _list_folder(content, root, FOLDERS[kind], kind, shown, "private:", files)
        _read_files(content, files, memo, 1)
        content.documents[public:] = [replace(doc, private=True) for doc in content.documents[public:]]
    return content


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of `folder`, sorted by name (as sorting their paths would)."""
    with os.scandir(folder) as found:
        return sorted(found, key=lambda entry: entry.name)


def _suffix(name: str) -> str:
    """`Path(name).suffix`, without making a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


_Files = list[tuple[str, bool]]


def _yaml_files(content: RawContent, folder: Path, kind: Kind) -> list[tuple[Path, _Files]]:
    """The YAML files of `folder` by folder, sorted: each file's name and whether it is a
    symbolic link; awards live one level down, in year folders."""
    if not folder.is_dir():
        return []
    if kind != "award":
        entries = _entries(folder)
        _report_misplaced(content, folder, entries)
        return [(folder, [(e.name, e.is_symlink()) for e in entries if e.name.endswith(".yaml")])]
    found: list[tuple[Path, _Files]] = []
    for entry in _entries(folder):
        if entry.is_dir() and YEAR_RE.match(entry.name):
            year = folder / entry.name
            inside = _entries(year)
            _report_misplaced(content, year, inside)
            found.append((year, [(e.name, e.is_symlink()) for e in inside if e.name.endswith(".yaml")]))
        elif not entry.name.startswith("."):
            content.errors.append(_misplaced(folder / entry.name, "award"))
    return found


def _report_misplaced(content: RawContent, folder: Path, entries: list[os.DirEntry[str]]) -> None:
    """A `.yml` file or a stray sub-folder would be silently ignored: say so instead."""
    for entry in entries:
        if entry.name.startswith("."):
            continue
        is_yml = _suffix(entry.name) == ".yml"
        if is_yml or entry.is_dir():
            content.errors.append(_misplaced(folder / entry.name, "yml" if is_yml else "dir"))


def read_bytes(path: Path | str) -> bytes:
    """`path.read_bytes()` without a buffered file object: half the time for a small file
    (tens of thousands are read at each run).

    A file larger than a read is read again from its start in one call of its size, not a
    megabyte at a time then joined: joining held it twice, 27 MB for the ledger at 50 000
    awards, signed, at the highest memory of the check that scans it. What is added to a
    file while it is read is read all the same.
    """
    descriptor = os.open(path, os.O_RDONLY)
    try:
        first = os.read(descriptor, _READ)
        if len(first) == _READ:  # a large file, if a regular one: read whole at once
            status = os.fstat(descriptor)
            if stat.S_ISREG(status.st_mode) and status.st_size < _ONE_READ:
                os.lseek(descriptor, 0, os.SEEK_SET)
                first = os.read(descriptor, status.st_size + 1)
        chunks = [first]
        while chunk := os.read(descriptor, _READ):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return b"".join(chunks)  # (one chunk: itself, not a copy)


#: `read_bytes` reads this much at a time; a file of this size or more is read again whole,
#: up to `_ONE_READ` bytes (larger ones a read at a time).
_READ = 1 << 20
_ONE_READ = 1 << 30


class DisplayPaths:
    """`display_path` for many files at once: the working folder and each folder are
    resolved once, not at each file (a tenth of a millisecond each, for every file).

    For one pass over files: a folder renamed or relinked meanwhile is not noticed.
    """

    def __init__(self) -> None:
        self.cwd = Path.cwd().resolve()
        self.folders: dict[Path, str | None] = {}

    def __call__(self, path: Path, is_link: bool | None = None, folder: Path | None = None) -> str:
        """`display_path(path)`; `is_link` (whether `path` is a symbolic link) and `folder`
        (its parent) spare asking when the caller knows them."""
        if is_link is None:
            is_link = path.is_symlink()
        if is_link or path.name in ("", ".."):  # resolved on its own
            return display_path(path)
        if folder is None:
            folder = path.parent
        return self.in_folder(self.folder(folder), folder.as_posix(), path.name)

    def folder(self, folder: Path) -> str | None:
        """How `folder` is shown (None: as given, being outside the working folder), for
        `in_folder`: the files of one folder ask once."""
        if folder not in self.folders:
            try:
                self.folders[folder] = folder.resolve().relative_to(self.cwd).as_posix()
            except ValueError:
                self.folders[folder] = None
        return self.folders[folder]

    @staticmethod
    def in_folder(shown_folder: str | None, folder_as_given: str, name: str) -> str:
        """How the file `name` (not a link) of a folder shown as `shown_folder` (`folder`)
        and given as `folder_as_given` (its `as_posix()`) is shown."""
        if shown_folder is None:
            return joined(folder_as_given, name)
        return name if shown_folder == "." else f"{shown_folder}/{name}"


def joined(folder_as_given: str, name: str) -> str:
    """`(folder / name).as_posix()` from the folder's `as_posix()`, without making a path."""
    if folder_as_given == ".":
        return name
    return f"{folder_as_given}{name}" if folder_as_given.endswith("/") else f"{folder_as_given}/{name}"


def _misplaced(entry: Path, why: str) -> ContentError:
    where = {
        "yml": ("renommez-le en .yaml (et non .yml).", "rename it to .yaml (not .yml)."),
        "dir": (
            f"rangez les fichiers directement dans {entry.parent.name}/, sans sous-dossier.",
            f"store the files directly in {entry.parent.name}/, without sub-folders.",
        ),
        "award": (
            "rangez chaque attribution dans awards/<année>/, par exemple awards/2026/.",
            "store each award in awards/<year>/, for example awards/2026/.",
        ),
        "private": (
            f"le dossier privé {entry.parent.name}/ ne contient que des badges et des attributions "
            "restreints (badges/, awards/<année>/) et leurs preuves (media/) ; rangez ce qui est "
            "public dans content/.",
            f"the private folder {entry.parent.name}/ holds only restricted badges and awards "
            "(badges/, awards/<year>/) and their evidence (media/); store what is public in content/.",
        ),
    }[why]
    return make_error(
        display_path(entry),
        (1, 1),
        "misplaced-file",
        "",
        name=entry.name,
        where_fr=where[0],
        where_en=where[1],
    )


def _read(
    content: RawContent,
    path: Path,
    kind: Kind,
    doc_id: str,
    shown: str,
    memo: MutableMapping[str, Any] | None,
    placement: str,
    folder: str,
    key: str | None = None,
    known: MemoEntry | None = None,
) -> RawDocument | None:
    """Read one file, recording (not raising) any reading problem; `key`: its memo key, when
    already known (`_study_unknown`): used if the memo holds what the file says under it;
    `known`: that entry itself, when `_study_unknown` found it."""
    if kind != "registry" and not SLUG_RE.match(doc_id):
        content.errors.append(
            make_error(shown, (1, 1), "bad-file-name", "", name=path.name, suggestion=suggest_slug(doc_id))
        )
        return None
    if memo is None:
        data, marks, problems, digest = memo_entry(kind, read_bytes(path))
    else:
        entry = known if known is not None else memo.get(key) if key is not None else None
        if not _is_study(entry):
            digest, raw = file_digest(memo, path, content.digests, content.statuses)
            key = memo_key_for(kind, placement, digest)
            entry = memo.get(key)
            if not _is_study(entry):  # unknown (or not one of ours)
                entry = memo[key] = memo_entry(kind, raw if raw is not None else read_bytes(path))
        data, marks, problems, digest = entry
    located = tuple(replace(problem, path=shown) for problem in problems) if problems else ()
    if data is None or marks is None:
        content.errors.extend(located)
        return None
    return RawDocument(
        kind,
        doc_id,
        path,
        shown,
        YamlDocument(data, marks),
        folder=folder,
        schema_problems=located,
        digest=digest,
    )


#: Bump when what `study` returns changes shape or meaning (old memo entries then miss).
MEMO_FORMAT = 3


def memo_key(kind: str, placement: str, raw: bytes) -> str:
    """The memo key of a file: a digest of its kind, its place and its exact bytes.

    `placement` is its folder under the content (or private) root, e.g. "awards/2026" or
    "private:awards/2026". The digest also covers what shapes the result: `MEMO_FORMAT`,
    the schemas, the code that reads and checks a file, and the versions of PyYAML and
    jsonschema, so an entry made by other code is never used.
    """
    return memo_key_for(kind, placement, content_digest(raw))


def memo_key_for(kind: str, placement: str, digest: bytes) -> str:
    """`memo_key` from the file's `content_digest` (which `file_digest` may know unread)."""
    key = _memo_seed().copy()
    key.update(f"{kind}\0{placement}\0".encode())
    key.update(digest)
    return key.hexdigest()


def content_digest(raw: bytes) -> bytes:
    """What names a file's bytes in the memos (BLAKE2b-160)."""
    return hashlib.blake2b(raw, digest_size=20).digest()


#: Memo keys of the files' status (`file_digest`) start with this.
STAT_PREFIX = "stat:"
#: A file changed less than this before it was hashed is not remembered by its status: a write
#: in the same tick of the file system's clock would not change it (git's "racy" files).
RACY_MARGIN_NS = 2_000_000_000


def file_digest(
    memo: MutableMapping[str, Any],
    path: Path | str,
    seen: dict[str, bytes] | None = None,
    statuses: Mapping[str, Status] | None = None,
    cwd: str | None = None,
    keep_up_to: int | None = None,
) -> tuple[bytes, bytes | None]:
    """The `content_digest` of `path`, and its bytes when they had to be read.

    Like git's index: a file whose status (size, modification and change times, inode,
    device) is the one remembered with a digest is not read again. Any write to a file
    changes its change time (set by the kernel, not by tools that restore a modification
    time), so the remembered digest is the file's; a file written in the last two seconds
    before it was hashed is never remembered. The content digest stays the key of what the
    memo knows of the file: the status only saves reading and hashing it.

    `seen`: the digests found so far in this run (`RawContent.digests`), by absolute path;
    a file already in it is not looked at again (its bytes are then not returned).
    `statuses`: the files' statuses as this run found them (`RawContent.statuses`); `cwd`:
    the working folder, asked once by a caller looking at many files. `keep_up_to`: a file
    larger than that is hashed a megabyte at a time, never held whole (its bytes are then not
    returned): the caller does not keep them.
    """
    name, status, known = known_digest(memo, path, seen, statuses, cwd)
    if known is not None:
        return known, None
    assert status is not None
    raw: bytes | None = None
    if keep_up_to is not None and status[0] > keep_up_to:
        digest = streamed_digest(name)
    else:
        raw = read_bytes(name)
        digest = content_digest(raw)
    remember_digest(memo, name, status, digest, seen)
    return digest, raw


def known_digest(
    memo: MutableMapping[str, Any],
    path: Path | str,
    seen: dict[str, bytes] | None = None,
    statuses: Mapping[str, Status] | None = None,
    cwd: str | None = None,
) -> tuple[str, Status | None, bytes | None]:
    """The first half of `file_digest`, without reading: (the absolute path, the file's
    status when it was looked at, the digest if `seen` or the memo knows it, else None).
    `cwd`: the working folder, when the caller asked for it once for many files."""
    # As `path.absolute()` and `path.stat()`, on str paths: no path objects for 50 000 files.
    name = os.fspath(path)
    if not name.startswith("/"):
        name = f"{cwd or os.getcwd()}/{name}"  # noqa: PTH109
    if seen is not None:
        known_now = seen.get(name)
        if known_now is not None:
            return name, None, known_now
    found = statuses.get(name) if statuses is not None else None
    status = file_status(name) if found is None else found
    known = memo.get(_stat_key(name, status))
    if isinstance(known, bytes) and len(known) == 20:
        if seen is not None:
            seen[name] = known
        return name, status, known
    # To be read: what will be remembered with its digest is its status right before.
    return name, status if found is None else file_status(name), None


def file_status(name: str) -> Status:
    """The `Status` of the file `name` (raises OSError as `os.stat`)."""
    info = os.stat(name)  # noqa: PTH116 (a str path: tens of thousands, no Path objects)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def remember_digest(
    memo: MutableMapping[str, Any],
    name: str,
    status: Status,
    digest: bytes,
    seen: dict[str, bytes] | None = None,
) -> None:
    """The second half of `file_digest`: `digest` of the file `name` read after its `status`
    was taken, remembered by that status unless the file changed less than
    `RACY_MARGIN_NS` before (and in `seen` for the rest of the run)."""
    if seen is not None:
        seen[name] = digest
    settled = time.time_ns() - RACY_MARGIN_NS
    if status[1] < settled and status[2] < settled:
        memo[_stat_key(name, status)] = digest


def _stat_key(name: str, status: Status) -> str:
    size, modified, changed, inode, device = status
    return f"{STAT_PREFIX}{name}\0{size}\0{modified}\0{changed}\0{inode}\0{device}"


def memo_seed() -> hashlib.blake2b:
    """A fresh copy of what every memo key starts from: `MEMO_FORMAT`, the schemas, the
    code that reads and checks a file and the libraries' versions (see `memo_key`).

    Other memos of per-file verdicts (`privacy.content_errors`) start from it too, and
    add what else they depend on.
    """
    return _memo_seed().copy()


@cache
def _memo_seed() -> hashlib.blake2b:
    from badgegen import errors, messages, privacy, schema, yamlsafe  # (schema imports this module)

    seed = hashlib.blake2b(digest_size=20, person=b"badgegen-memo")
    seed.update(f"{MEMO_FORMAT}\0".encode())
    for library in ("pyyaml", "jsonschema"):
        seed.update(f"{library} {installed.version(library)}\0".encode())
    for module in (errors, messages, privacy, schema, yamlsafe):
        seed.update(Path(str(module.__file__)).read_bytes())
    seed.update(Path(__file__).read_bytes())
    for name in sorted({*schema.SCHEMA_FILES.values(), "common.schema.json"}):
        seed.update(resources.files("badgegen").joinpath("schemas", name).read_bytes())
    return seed


def study(kind: str, raw: bytes) -> tuple[Any, bytes | None, tuple[ContentError, ...]]:
    """What one file says by itself: `(data, marks, its own problems)` when it reads as a
    mapping, else `(None, None, (the reading problem,))`; problems carry no path yet. Its own
    problems: its schema's, and a `control-character` error for each control character
    written as an escape in a text (`yamlsafe.control_characters`).

    This is what a memo entry holds: plain data, bytes and a few errors, all picklable.
    """
    from badgegen.schema import schema_errors  # (schema imports this module)

    try:
        text = decode_utf8(raw)
        document = parse_yaml(text)
    except YamlProblem as problem:
        return None, None, (make_error("", problem.position, problem.code, "", **problem.params),)
    if document.data is None:
        return None, None, (make_error("", (1, 1), "empty-file", ""),)
    if not isinstance(document.data, dict):
        return None, None, (make_error("", (1, 1), "not-a-mapping", ""),)
    checked = RawDocument(kind, "", Path(), "", document)  # type: ignore[arg-type]
    problems = schema_errors(checked)
    for found in control_characters(document, text):
        field_name = dotted_path(found.path)
        params = control_character_params(found.char, field_name, in_key=found.in_key, written=found.written)
        problems.append(make_error("", found.position, "control-character", field_name, **params))
    return document.data, document.marks, tuple(problems)


#: What the memo remembers of a file (`memo_entry`).
MemoEntry = tuple[Any, bytes | None, tuple[ContentError, ...], bytes | None]


def memo_entry(kind: str, raw: bytes) -> MemoEntry:
    """`study` of a file, and the `data_digest` of its data (None if it does not read): what
    the build's unit keys are made of, computed once per version of a file, not at every build."""
    data, marks, problems = study(kind, raw)
    return data, marks, problems, (data_digest(data) if data is not None else None)


def data_digest(data: Any) -> bytes:
    """A digest of a parsed YAML document (plain dicts, lists and scalars: `repr` is exact),
    so that an edit of a comment or of the layout changes nothing that depends on it."""
    return hashlib.blake2b(repr(data).encode("utf-8"), digest_size=16).digest()


def suggest_slug(text: str) -> str:
    """A URL-safe version of `text`: « Semer_en Plein-Champ » → « semer-en-plein-champ »."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:64].strip("-") or "nom-du-fichier"
