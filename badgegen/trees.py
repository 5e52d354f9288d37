"""Stage 6: the only code that touches the output folder — two trees, flipped atomically.

The live site is `site/`; beside it, `.site.next/` holds the site of the build
before. A build brings `.site.next/` up to date *in place* — writing only the
files whose bytes changed, deleting only the files that are gone — then exchanges
the two folders in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere
three renames). Why two trees rather than a fresh folder each time:

- creating a file costs far more than skipping an identical one (measured on ext4:
  about 120 µs per create, five times less to skip), and creates are 10–30 times
  slower for minutes after a bulk delete: a build never deletes a whole tree;
- the live site is never written to: a build that fails (bad content, personal data
  found in an output) leaves `site/` exactly as it was, as before.

A file the next tree lacks but the live tree holds with the right bytes (the change of
the build before) is hard-linked from it, not copied; so no build ever rewrites a file
in place — a changed file is a new file renamed over the old name — and a link shared
by both trees is never altered through either of them.

What each tree holds is remembered in the build cache, keyed by the folder's inode, so
that a renamed or recreated folder is never mistaken for another: its *units* (`Units`:
each award's files, each portfolio's, each badge, issuer and media page's, by unit, as
the units' records name them with their digests and sizes: nearly every file of a site),
and a *manifest* (path → digest and size) of its other files. A tree whose units or
manifest are not known is compared by reading its files: slower, never wrong; so is a
tree that a failed or killed build left half changed (it holds `UNFINISHED`: the cache,
saved only after a success, still describes it as it was before). Files are identified
by a BLAKE2b-128 digest of their bytes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import itertools
import os
import shutil
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from badgegen.cache import UNREADABLE
from badgegen.errors import BuildError

#: A file as a manifest knows it: 16 bytes of BLAKE2b digest, then its size (4 bytes, big-endian).
Entry = bytes
Manifest = dict[str, Entry]
#: What each tree holds, by tree id: a dict, or an `Overlay` on another tree's dict.
Manifests = dict[str, Mapping[str, Entry]]
ENTRY_SIZE = 20

#: A unit's files, as the units' records hold them (`units.UnitRecord`): the record's key, the
#: paths of its files, and their entries end to end. Only the last two say what a tree holds.
UnitFiles = tuple[bytes, tuple[str, ...], bytes]
#: The units a tree holds, by unit id (the files of the award units, portfolios, badge, issuer
#: and media pages: nearly all of a site's files).
Units = Mapping[str, UnitFiles]
#: What each tree holds of units, by tree id (beside its `Manifests` of the other files).
UnitTrees = dict[str, Units]
NO_UNITS: Units = MappingProxyType({})


def same_files(first: UnitFiles, second: UnitFiles) -> bool:
    """Whether two records name the same files with the same entries (their keys aside: a unit
    made again by a new version of badgegen often has the very same bytes)."""
    return first is second or (first[1] == second[1] and first[2] == second[2])


def unit_entries(files: UnitFiles) -> dict[str, Entry]:
    """Each file of a unit → its entry."""
    paths, entries = files[1], files[2]
    return {path: entries[n * ENTRY_SIZE : (n + 1) * ENTRY_SIZE] for n, path in enumerate(paths)}


def units_delta(units: Units, base: Units) -> tuple[dict[str, UnitFiles], tuple[str, ...]]:
    """`units` as its differences from `base`: the units whose files differ or that `base`
    lacks, and the units of `base` it lacks (an `Overlay` on `base` makes it again)."""
    find = base.get
    changed = {
        unit: files
        for unit, files in units.items()
        if (known := find(unit)) is None or not same_files(known, files)
    }
    return changed, tuple(unit for unit in base if unit not in units)


def entry_of(data: bytes) -> Entry:
    """The manifest entry of `data` (digest + size), compact enough for 250 000 files."""
    return hashlib.blake2b(data, digest_size=16).digest() + struct.pack(">I", len(data) & 0xFFFFFFFF)


#: The manifests as the build cache stores them (`pack_manifests`), in parts of `PACKED_PATHS`
#: paths: each part holds its paths once, joined by NUL (never in a file name), then each tree's
#: id, which of those paths it holds (one byte each) and their entries end to end.
Packed = tuple[str, tuple[tuple[str, bytes, bytes], ...]]
#: Paths per part of the stored manifests (a multiple of `SHARED_BLOCK`).
PACKED_PATHS = 8192


def pack_manifests(manifests: Manifests) -> Iterator[Packed]:
    """`manifests` in a few large strings instead of a million small objects (`Packed`):
    quick to store and to load, and a path both trees hold is one string once loaded.

    Made a part at a time, for the build cache to write as they come (`BuildCache.save`): at
    50 000 awards, signed, the two trees' 367 000 paths and entries packed whole were 46 MB
    more at the highest memory of a build, as it ended. Written with `map` over the dicts' own
    methods, not generators. When the trees hold the same paths (the usual case), the first
    one's keys are the order: no dict of every path is made."""
    first: Mapping[str, Entry] = next(iter(manifests.values()), {})
    order: Mapping[str, object] = first
    if any(manifest.keys() != first.keys() for manifest in manifests.values()):
        union: dict[str, None] = {}
        for manifest in manifests.values():
            union.update(dict.fromkeys(manifest))
        order = union
    # (not one of ours: such a tree is compared by reading its files)
    ours = [
        (tree, manifest)
        for tree, manifest in manifests.items()
        if not manifest or set(map(len, manifest.values())) == {ENTRY_SIZE}
    ]
    paths = iter(order)
    while True:
        chunk = list(itertools.islice(paths, PACKED_PATHS))
        trees = []
        for tree, manifest in ours:
            if len(manifest) == len(order):  # (it holds every path: the usual case)
                held = b"\x01" * len(chunk)
                entries = b"".join(map(manifest.__getitem__, chunk))
            else:
                held = bytes(map(manifest.__contains__, chunk))
                entries = b"".join(map(manifest.__getitem__, itertools.compress(chunk, held)))
            trees.append((tree, held, entries))
        yield "\0".join(chunk), tuple(trees)
        if len(chunk) < PACKED_PATHS:
            return


def unpack_manifests(stored: Any, delta: Any = None) -> dict[str, Manifest]:
    """The manifests `pack_manifests` stored (none if `stored` is not what it makes), with the
    `manifests_delta` saved since applied. Each path is one string for both trees."""
    manifests = _unpacked(stored)
    if delta is None or not manifests:
        return manifests
    try:
        for tree, (changed, removed) in delta.items():
            manifest = manifests[tree]  # (a delta for a tree the base does not hold: not ours)
            if set(map(len, changed.values())) - {ENTRY_SIZE}:
                return {}  # (entries are compared joined end to end: `TreeWriter.keep_all`)
            for path in removed:
                manifest.pop(path, None)
            manifest.update(changed)
    except (TypeError, ValueError, AttributeError, KeyError):
        return {}
    return manifests


#: What changed in each tree since the manifests were last stored whole: tree → (its paths
#: whose entry changed or is new → that entry, the paths it no longer holds).
ManifestsDelta = dict[str, tuple[dict[str, Entry], set[str]]]


def manifests_delta(
    previous: Any,
    stored_trees: set[str],
    manifests: Manifests,
    old: Mapping[str, Entry],
    new: Manifest,
    most: float = float("inf"),
) -> ManifestsDelta | None:
    """The delta from the stored manifests (holding `stored_trees`, plus the delta `previous`)
    to `manifests`, of which only the tree whose manifest went from `old` to `new` changed
    (`updated_output`); None when the trees are not those stored (then store them whole), or
    as soon as the delta holds more than `most` entries (the same: a build that changed every
    page would otherwise make a delta as large as the manifest, only to drop it)."""
    if set(manifests) != stored_trees or not isinstance(previous, dict | None):
        return None
    following = next((tree for tree, manifest in manifests.items() if manifest is new), None)
    if following is None:
        return None
    delta: ManifestsDelta = {
        tree: (dict(changed), set(removed)) for tree, (changed, removed) in (previous or {}).items()
    }
    changed, removed = delta.setdefault(following, ({}, set()))
    others = delta_size(delta) - len(changed) - len(removed)
    for path, entry in new.items():
        if old.get(path) != entry:
            changed[path] = entry
            removed.discard(path)
            if others + len(changed) + len(removed) > most:
                return None
    # (not `old.keys() - new.keys()`: that makes a set of every old path first, 16 MB for a
    # moment at 50 000 awards, signed: the highest memory of a build that changed one award)
    for path in [path for path in old if path not in new]:
        changed.pop(path, None)
        removed.add(path)
    return delta if delta_size(delta) <= most else None


def delta_size(delta: ManifestsDelta) -> int:
    return sum(len(changed) + len(removed) for changed, removed in delta.values())


def _unpacked(stored: Any) -> dict[str, Manifest]:
    """The manifests of the parts `stored` (`pack_manifests`; a single `Packed`, as earlier
    versions stored them whole, is one part), or none if any part is not what it makes."""
    manifests: dict[str, Manifest] = {}
    try:
        parts = [stored] if isinstance(stored, tuple) else iter(stored)
        for number, (joined, trees) in enumerate(parts):
            if number > 0 and {tree for tree, _, _ in trees} != set(manifests):
                return {}
            paths = joined.split("\0") if joined else []
            like: tuple[bytes, list[Entry]] | None = None  # (the first tree that holds every path)
            for tree, held, entries in trees:
                count = held.count(1)
                if (
                    len(held) != len(paths)
                    or count + held.count(0) != len(held)
                    or len(entries) != ENTRY_SIZE * count
                ):
                    return {}
                names = paths if count == len(paths) else itertools.compress(paths, held)
                cut = _cut(entries, like)
                if count == len(paths) and like is None:
                    like = entries, cut
                manifests.setdefault(tree, {}).update(zip(names, cut, strict=True))
    except UNREADABLE:  # (a part read from a damaged file)
        return {}
    return manifests


#: Entries compared between the trees a block at a time (`_cut`).
SHARED_BLOCK = 1024


def _cut(entries: bytes, like: tuple[bytes, list[Entry]] | None) -> list[Entry]:
    """`entries` cut into one object each; where a block of them is the same as in `like`
    (another tree's entries, all of its paths in the same order, and their objects), that
    tree's objects. The trees differ by what the last build changed: the second tree's
    250 000 entries at 50 000 awards were 13 MB of objects equal to the first's."""
    if like is None or len(like[0]) != len(entries):
        return [entries[start : start + ENTRY_SIZE] for start in range(0, len(entries), ENTRY_SIZE)]
    other, objects = like
    step = SHARED_BLOCK * ENTRY_SIZE
    cut: list[Entry] = []
    for start in range(0, len(entries), step):
        end = min(start + step, len(entries))
        if entries[start:end] == other[start:end]:
            cut += objects[start // ENTRY_SIZE : end // ENTRY_SIZE]
        else:
            cut += [entries[at : at + ENTRY_SIZE] for at in range(start, end, ENTRY_SIZE)]
    return cut


Value = TypeVar("Value")


class Overlay(Mapping[str, Value], Generic[Value]):
    """A manifest told by its differences from another one, `base`: the next tree's, told
    from the live tree's.

    The next tree holds the build before the live one: the same files but for what the last
    build changed. Held as a dict of its own, it was a second table of every path (2^20 slots,
    21 MB, at 50 000 awards signed) and a second entry for each file of a changed block. Here
    it is `changed` (its entries that `base` lacks or holds otherwise) and `removed` (the
    paths of `base` it lacks). `base` must not change while the overlay is in use.

    The units the next tree holds are told the same way, from the units of the live tree
    (`UnitTrees`): there, a value is a unit's files."""

    __slots__ = ("base", "changed", "removed")

    def __init__(
        self, base: Mapping[str, Value], changed: dict[str, Value], removed: set[str] | frozenset[str]
    ) -> None:
        self.base, self.changed, self.removed = base, changed, removed

    @classmethod
    def of(cls, manifest: Manifest, base: Manifest) -> Overlay[Entry]:
        """`manifest` as its differences from `base` (the entries are compared by identity
        first: the trees' equal entries are one object, see `_cut`)."""
        find = base.get
        changed = {
            path: entry
            for path, entry in manifest.items()
            if (known := find(path)) is not entry and known != entry
        }
        removed = {path for path in base if path not in manifest}
        return Overlay(base, changed, removed)

    def get(self, path: str, default: Value | None = None) -> Value | None:  # type: ignore[override]
        entry = self.changed.get(path)
        if entry is not None:
            return entry
        if path in self.removed:
            return default
        return self.base.get(path, default)

    def __getitem__(self, path: str) -> Value:
        entry = self.get(path)
        if entry is None:
            raise KeyError(path)
        return entry

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self.get(path) is not None

    def __iter__(self) -> Iterator[str]:
        removed, base = self.removed, self.base
        for path in base:
            if path not in removed:
                yield path
        for path in self.changed:
            if path not in base:
                yield path

    def __len__(self) -> int:
        base = self.base
        return len(base) - len(self.removed) + sum(1 for path in self.changed if path not in base)

    def plain_for(self, paths: Sequence[str]) -> Mapping[str, Value] | None:
        """`base`, if it says of each of `paths` what this manifest says (none of them
        differs): the common case, looked up in C."""
        if self.changed.keys().isdisjoint(paths) and self.removed.isdisjoint(paths):
            return self.base
        return None


def overlaid(manifests: dict[str, Manifest], base_tree: str | None, tree: str | None) -> Manifests:
    """`manifests`, with the one of `tree` told by its differences from the one of
    `base_tree` (`Overlay`), when both are known (the next tree from the live one)."""
    found: Manifests = dict(manifests)
    if base_tree is None or tree is None or base_tree == tree:
        return found
    base, manifest = manifests.get(base_tree), manifests.get(tree)
    if base is not None and manifest is not None:
        found[tree] = Overlay.of(manifest, base)
    return found


def size_of(entry: Entry) -> int:
    return int(struct.unpack(">I", entry[16:20])[0])


def tree_id(folder: Path) -> str | None:
    """What names a tree in the cache: its device and inode (None if it does not exist)."""
    try:
        info = folder.stat()
    except FileNotFoundError:
        return None
    return f"{info.st_dev}:{info.st_ino}"


def output_path(relpath: str) -> str:
    """A published path as a file: a trailing `/` (or the root) means its `index.html`."""
    return relpath + "index.html" if relpath.endswith("/") or relpath == "" else relpath


def check_relpath(relpath: str) -> str:
    """`relpath` as a file path, refused if it could leave the tree.

    Refused: an absolute path, a `..` part, an empty part (`a//b`, a trailing `/` after
    `output_path`); what `PurePosixPath` would say, without making one for every file.
    """
    relpath = output_path(relpath)
    parts = relpath.split("/")
    if "" in parts or ".." in parts:  # (an absolute path starts with an empty part)
        raise BuildError(f"unsafe output path: {relpath!r}")
    return relpath


class Folders:
    """The folders of a tree known to exist, so that none is made, or tried, twice.

    `empty`: the tree held nothing when the build started (a cold build), so a folder this
    process has not made does not exist yet, unless another worker of the build made it
    meanwhile (then `mkdir` says so, and that is fine): files are created in it without
    first trying, and failing, to create them in a missing folder.
    """

    def __init__(self, root: Path, *, empty: bool) -> None:
        self.root = os.fspath(root)
        self.empty = empty
        self.made: set[str] = {""}

    def path(self, relpath: str) -> str:
        return f"{self.root}/{relpath}"

    def ensure(self, folder: str) -> None:
        """Make `folder` (relative to the root) and its parents, unless this process made them."""
        if folder in self.made:
            return
        parent = folder.rpartition("/")[0]
        if parent not in self.made:
            self.ensure(parent)
        with contextlib.suppress(FileExistsError):
            os.mkdir(self.path(folder))  # noqa: PTH102 (a Path per folder costs more than the mkdir)
        self.made.add(folder)


def sync_file(
    root: Path, relpath: str, data: bytes, old: Entry | None, *, known: bool, folders: Folders | None = None
) -> tuple[Entry, bool]:
    """Make `root/relpath` hold `data`; return its entry and whether the file was written.

    `old` is what the tree's manifest says the file holds; when the manifest is not
    `known`, the file itself is read and compared instead. An existing file is replaced
    (a new file renamed over it), never rewritten in place: it may be a hard link shared
    with the live tree (`TreeWriter.keep`). A new file is written under its own name
    (created exclusively: an existing one is never opened); `folders` remembers which
    folders exist, else a new `Folders` is made for this one file.
    """
    entry = entry_of(data)
    if folders is None:
        folders = Folders(root, empty=False)
    target = folders.path(relpath)
    if known:
        if old == entry:
            return old, False  # (the manifest's own object: a build that makes every page again
            # would otherwise hold a second one for each of its files, 250 000 at 50 000 awards)
        exists = old is not None
    else:
        found = _holds(target, data)
        if found is None:
            return entry, False
        exists = found
    if exists:
        _replace(target, data)
    else:
        _create(folders, relpath, data)
    return entry, True


def _holds(target: str, data: bytes) -> bool | None:
    """None if the file `target` holds `data` already, else whether it exists (unknown tree)."""
    path = Path(target)
    try:
        size = path.stat().st_size
    except OSError:
        return False
    with contextlib.suppress(OSError):
        if size == len(data) and path.read_bytes() == data:
            return None
    return True


def _create(folders: Folders, relpath: str, data: bytes) -> None:
    """Write a new file at `relpath`; one that exists after all (unknown to the manifest)
    is replaced, never truncated. In a tree that was empty when the build started, a file
    that exists was written by this build: two outputs for one path, a bug said loudly."""
    folder = relpath.rpartition("/")[0]
    target = folders.path(relpath)
    try:
        if folders.empty:
            folders.ensure(folder)
        _write_new(target, data)
    except FileNotFoundError:  # a folder the tree lacks (or lost)
        Path(folders.path(folder)).mkdir(parents=True, exist_ok=True)
        _write_new(target, data)
    except FileExistsError:
        if folders.empty:
            raise BuildError(f"two outputs for one path: {relpath}") from None
        _replace(target, data)
    folders.made.add(folder)


def _write_new(path: str, data: bytes) -> None:
    """Create `path` (never an existing file: it may be a link to the live tree) with `data`.

    A file cut short by a failed write is removed; one cut short by a killed build is never
    in a manifest (a file is recorded once it is written), so the next build, which does not
    know it, replaces it (`_create`: `FileExistsError`).
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    except BaseException:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            Path(path).unlink()
        raise
    os.close(descriptor)


def _replace(target: str, data: bytes) -> None:
    """Write `data` to a new file renamed over `target` (its old inode is left untouched).

    A temporary file left by a killed build is removed first, not reopened: it may be a
    hard link to a file of the live tree (`_link`).
    """
    folder, _, name = target.rpartition("/")
    temporary = f"{folder}/.{name}.~new"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)  # noqa: PTH108 (paths stay strings in the writer's hot path)
    _write_new(temporary, data)
    os.replace(temporary, target)  # noqa: PTH105


def _link(source: Path, target: Path) -> None:
    """`target` becomes another name of `source` (the same bytes, nothing copied)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    except FileExistsError:
        temporary = target.with_name(f".{target.name}.~new")
        temporary.unlink(missing_ok=True)
        os.link(source, temporary)
        temporary.replace(target)
        # (when `target` was already a link to `source`, the rename does nothing: POSIX)
        temporary.unlink(missing_ok=True)


class Sizes(Mapping[str, int]):
    """Each path of a manifest → the size of its file, read from the manifest itself: a dict
    of its own was 12 MB at the highest memory of a rebuild at 50 000 awards."""

    __slots__ = ("_manifest",)

    def __init__(self, manifest: Manifest) -> None:
        self._manifest = manifest

    def __getitem__(self, path: str) -> int:
        return size_of(self._manifest[path])

    def __contains__(self, path: object) -> bool:
        return path in self._manifest

    def __iter__(self) -> Iterator[str]:
        return iter(self._manifest)

    def __len__(self) -> int:
        return len(self._manifest)

    def total(self) -> int:
        """The sum of the sizes, read from the entries joined a block at a time (not one
        lookup a path: a summary line at 50 000 awards summed 250 000 of them, three times;
        nor all of them joined at once: 10 MB for a moment at the very end of a signed build)."""
        values = iter(self._manifest.values())
        total = 0
        while block := b"".join(itertools.islice(values, SHARED_BLOCK)):
            total += sum(size for _digest, size in struct.iter_unpack(">16sI", block))
        return total


class TreeWriter:
    """Brings the next tree to this build's files, and records what it holds.

    `write()` is for bytes produced now; `keep_all()` is for files this build did not produce
    again (their part of the search index was unchanged). The units (`UnitFiles`: nearly all
    of a site's files) are known by unit, not by path: `keep_unit()` for a unit this build did
    not produce again (it is already in the tree, or linked from the live tree, or the caller
    has to produce it after all), `record_unit()` for one produced now.

    Why by unit: at 50 000 awards, signed, the trees hold 367 000 files, and a dict of every
    path (a table of 2^20 slots) with an entry object per file, for each of the two trees,
    was 50 MB of the highest memory of a build. The units' records already name their files
    and hold their entries end to end: a tree's units are those records.
    """

    def __init__(
        self,
        root: Path,
        old: Mapping[str, Entry] | None,
        live_root: Path | None,
        live: Mapping[str, Entry] | None,
        scan: Callable[[str, bytes], None] | None = None,
        *,
        old_units: Units | None = NO_UNITS,
        live_units: Units | None = NO_UNITS,
    ) -> None:
        self.root = root
        #: Whether the tree's files are known (its manifest and its units); else they are read.
        self.known = old is not None and old_units is not None
        self.old: Mapping[str, Entry] = old if old is not None and self.known else {}
        self.old_units: Units = old_units if old_units is not None and self.known else NO_UNITS
        self.live_root = live_root
        live_known = live is not None and live_units is not None
        self.live: Mapping[str, Entry] = live if live is not None and live_known else {}
        self.live_units: Units = live_units if live_units is not None and live_known else NO_UNITS
        #: What the tree holds after this build: every output path but the units' → its entry.
        self.manifest: Manifest = {}
        #: The units the tree holds after this build, by unit id.
        self.units: dict[str, UnitFiles] = {}
        self.changed = 0  # files written (new or different bytes)
        self.copied = 0  # files taken from the live tree (hard links)
        self.scan = scan
        #: The folders known to exist (an empty tree: none, so none is tried before it is made).
        self.folders = Folders(root, empty=self.known and not self.old and not self.old_units)
        #: The files of the units this build produced or linked (not those kept as they were):
        #: no other output may take their paths. In a tree that started empty, every file is
        #: created exclusively, which says the same without a set of every path (`_create`).
        self.touched: set[str] | None = None if self.folders.empty else set()

    @property
    def written(self) -> Published:
        """Every output path of this build → its size (the build's summary, the ledger)."""
        return Published(self.manifest, self.units)

    def _claim(self, relpath: str) -> None:
        if relpath in self.manifest or (self.touched is not None and relpath in self.touched):
            raise BuildError(f"two outputs for one path: {relpath}")

    def write(self, relpath: str, data: bytes) -> None:
        """Publish `data` at `relpath` (a POSIX path; a trailing `/` means `index.html`)."""
        relpath = check_relpath(relpath)
        self._claim(relpath)
        if self.scan is not None:
            self.scan(relpath, data)
        entry, wrote = sync_file(
            self.root, relpath, data, self.old.get(relpath), known=self.known, folders=self.folders
        )
        self.manifest[relpath] = entry
        self.changed += wrote

    def record(self, relpath: str, entry: Entry, *, wrote: bool) -> None:
        """A file written by another process (parallel production) into this tree."""
        self._claim(relpath)
        self.manifest[relpath] = entry
        self.changed += wrote

    def old_entries(self, unit: str) -> Mapping[str, Entry]:
        """What the tree holds of `unit`'s files before this build, by path (to compare what a
        worker produces with), then the other files' entries: a file may change units."""
        held = self.old_units.get(unit)
        if held is None:
            return self.old
        return _First(unit_entries(held), self.old)

    def keep_unit(self, unit: str, expected: UnitFiles) -> bool:
        """Keep `unit`, whose files must be `expected` (the last build's record: its key is this
        build's): True if the tree holds them already, or once they are linked from the live
        tree; False if the unit must be produced (nothing was changed)."""
        paths, entries = expected[1], expected[2]
        if len(entries) != ENTRY_SIZE * len(paths):
            return False  # (not a record of ours: produced again)
        if unit in self.units:
            raise BuildError(f"two outputs for one unit: {unit}")
        if self.known:
            held = self.old_units.get(unit)
            if held is not None and same_files(held, expected):
                self.units[unit] = expected
                return True
        elif all(
            has_file(self.root, path, entries[n * ENTRY_SIZE : (n + 1) * ENTRY_SIZE], None, known=False)
            for n, path in enumerate(paths)
        ):
            if self._claims(unit, paths):
                self._touch(paths)
            self.units[unit] = expected
            return True
        live = self.live_units.get(unit)
        if self.live_root is None or live is None or not same_files(live, expected):
            return False
        claimed = self._claims(unit, paths)
        held = self.old_units.get(unit)
        there = unit_entries(held) if held is not None else {}  # (what the tree holds already)
        linked: list[str] = []
        for n, path in enumerate(paths):
            entry = entries[n * ENTRY_SIZE : (n + 1) * ENTRY_SIZE]
            if there.get(path) == entry:
                continue
            source = self.live_root / path
            try:
                # The live tree is ours and its records say what it holds (a build never writes
                # it); its size is checked, not its bytes: reading a whole site to link it would
                # cost more than copying it.
                if source.stat().st_size != size_of(entry):
                    raise OSError(f"{source}: not the size its record says")
                _link(source, self.root / path)  # shared until one build replaces it
            except OSError:
                for done in linked:  # (the unit is produced after all: its links go)
                    (self.root / done).unlink(missing_ok=True)
                return False
            linked.append(path)
        if claimed:
            self._touch(paths)
        self.units[unit] = expected
        self.copied += len(linked)
        return True

    def record_unit(self, unit: str, files: UnitFiles, written: int) -> None:
        """A unit produced now (in this process or a worker), `written` of its files written."""
        if unit in self.units:
            raise BuildError(f"two outputs for one unit: {unit}")
        if self._claims(unit, files[1]):
            self._touch(files[1])
        self.units[unit] = files
        self.changed += written

    def _claims(self, unit: str, paths: Sequence[str]) -> bool:
        """Refuse `unit`'s paths if another output of this build has one of them; whether they
        are to be remembered (`_touch`) once the unit is in the tree.

        In a known tree, a unit whose paths are the ones the tree held for it is left out: no
        other unit could hold them before, and a set of every path (when a build makes every
        unit again) was 17 MB at 50 000 awards, signed. A new path (a new unit, another image
        format) is checked against every other new path and every other file."""
        if self.touched is None:
            return False
        if self.known:
            held = self.old_units.get(unit)
            if held is not None and held[1] == paths:
                return False
        for path in paths:
            self._claim(path)
        return True

    def _touch(self, paths: Sequence[str]) -> None:
        if self.touched is not None:
            self.touched.update(paths)

    def _keep(self, relpath: str, entry: Entry) -> bool | None:
        """Keep a file this build did not produce again: None if it must be produced, else
        whether it was linked from the live tree. The manifest takes the entry object of the
        tree it was found in (the record's own would be one more object per file)."""
        self._claim(relpath)
        old = self.old.get(relpath)
        if has_file(self.root, relpath, entry, old, known=self.known):
            self.manifest[relpath] = old if old == entry else entry
            return False
        live = self.live.get(relpath)
        if self.live_root is not None and live == entry:
            source = self.live_root / relpath
            with contextlib.suppress(OSError):
                if source.stat().st_size == size_of(entry):  # (see `keep_unit`)
                    _link(source, self.root / relpath)
                    self.manifest[relpath] = live
                    self.copied += 1
                    return True
        return None

    def keep_all(self, paths: Sequence[str], entries: bytes) -> bool:
        """Keep every file of a part of the search index, or none (then it is indexed again):
        `paths`, with their `entries` end to end (`ENTRY_SIZE` bytes each, as
        `units.UnitRecord` holds them).

        The usual case runs in C: the old manifest's entries of `paths`, joined, are `entries`
        (a path it lacks joins nothing, so the lengths differ), and the new manifest takes the
        old one's entry objects."""
        manifest, old = self.manifest, self.old
        plain = old if isinstance(old, dict) else old.plain_for(paths) if isinstance(old, Overlay) else None
        touched = self.touched
        if (
            self.known
            and plain is not None
            and b"".join(map(plain.get, paths, itertools.repeat(b""))) == entries
            and manifest.keys().isdisjoint(paths)
            and (touched is None or touched.isdisjoint(paths))
        ):
            manifest.update(zip(paths, map(plain.__getitem__, paths), strict=True))
            return True
        if len(entries) != ENTRY_SIZE * len(paths):
            return False  # (not a record of ours: produced again)
        kept: list[tuple[str, bool]] = []
        for index, relpath in enumerate(paths):
            linked = self._keep(relpath, entries[index * ENTRY_SIZE : (index + 1) * ENTRY_SIZE])
            if linked is None:
                for path, was_linked in kept:
                    self._forget(path, linked=was_linked)
                return False
            kept.append((relpath, linked))
        return True

    def _forget(self, relpath: str, *, linked: bool) -> None:
        """Undo `_keep(relpath)` (its unit is produced after all): a link made for it goes."""
        self.manifest.pop(relpath, None)
        if linked:
            self.copied -= 1
            (self.root / relpath).unlink(missing_ok=True)

    def stale(self) -> list[str]:
        """The files of the tree before this build that this build does not publish.

        Found without a set of every path: the files of the units this build kept as they
        were cannot be stale; the others' old files are, unless this build published a file
        at that path (in its manifest, or in a unit whose files changed: a file the tree
        held that some other unit now holds is in no unit kept as it was)."""
        if not self.known:  # (every unit's files were claimed: `touched` holds them all)
            touched = self.touched if self.touched is not None else set()
            return [
                path for path in _files_under(self.root) if path not in self.manifest and path not in touched
            ]
        candidates = [path for path in self.old if path not in self.manifest]
        new_units, old_units = self.units, self.old_units
        for unit, held in old_units.items():
            now = new_units.get(unit)
            if now is None or not same_files(held, now):
                candidates.extend(held[1])
        if not candidates:
            return []
        fresh: set[str] = set()
        for unit, files in new_units.items():
            before = old_units.get(unit)
            if before is None or not same_files(before, files):
                fresh.update(files[1])
        return [path for path in candidates if path not in fresh and path not in self.manifest]

    def remove_stale(self) -> int:
        """Delete the files of the previous build that this build does not publish."""
        stale = self.stale()
        folders: set[Path] = set()
        for path in stale:
            target = self.root / path
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            folders.update(target.parents)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            if folder != self.root and self.root in folder.parents:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty
        return len(stale)


def _files_under(root: Path) -> Iterator[str]:
    """The files under `root` (links to files included), as POSIX paths relative to it.

    Walked with `os.walk`, not `Path.rglob`: Python 3.11's keeps every path it yielded in a
    set, 270 MB for the 367 000 files of a signed site at 50 000 awards."""
    top = os.fspath(root)
    for folder, _, names in os.walk(top):
        prefix = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in names:
            yield prefix + name


class _First(Mapping[str, Entry]):
    """Lookups in `first`, then in `then` (a unit's old files, then the tree's other files)."""

    __slots__ = ("first", "then")

    def __init__(self, first: Mapping[str, Entry], then: Mapping[str, Entry]) -> None:
        self.first, self.then = first, then

    def get(self, path: str, default: Entry | None = None) -> Entry | None:  # type: ignore[override]
        entry = self.first.get(path)
        return entry if entry is not None else self.then.get(path, default)

    def __getitem__(self, path: str) -> Entry:
        entry = self.get(path)
        if entry is None:
            raise KeyError(path)
        return entry

    def __iter__(self) -> Iterator[str]:
        yield from self.first
        yield from (path for path in self.then if path not in self.first)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Published(Mapping[str, int]):
    """Each file a build published → its size: the other files' manifest, then each unit's
    files. Counted, summed and listed without a dict of every path; a lookup by path (the
    ledger checks each of its paths, once per build that adds some) makes that dict once."""

    def __init__(self, manifest: Manifest, units: Mapping[str, UnitFiles]) -> None:
        self._manifest, self._units = manifest, units
        self._sizes: dict[str, int] | None = None

    def _by_path(self) -> dict[str, int]:
        if self._sizes is None:
            self._sizes = {path: size_of(entry) for path, entry in self._entries()}
        return self._sizes

    def _entries(self) -> Iterator[tuple[str, Entry]]:
        yield from self._manifest.items()
        for files in self._units.values():
            entries = files[2]
            for n, path in enumerate(files[1]):
                yield path, entries[n * ENTRY_SIZE : (n + 1) * ENTRY_SIZE]

    def __getitem__(self, path: str) -> int:
        return self._by_path()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._by_path()

    def __iter__(self) -> Iterator[str]:
        yield from self._manifest
        for files in self._units.values():
            yield from files[1]

    def __len__(self) -> int:
        return len(self._manifest) + sum(len(files[1]) for files in self._units.values())

    def total(self) -> int:
        """The sum of the sizes, read from the entries joined a block at a time."""
        total = Sizes(self._manifest).total()
        for files in self._units.values():
            total += sum(size for _digest, size in struct.iter_unpack(">16sI", files[2]))
        return total


def has_file(root: Path, relpath: str, entry: Entry, old: Entry | None, *, known: bool) -> bool:
    """Whether the tree at `root` already holds `entry` at `relpath`."""
    if known:
        return old == entry
    try:
        return entry_of((root / relpath).read_bytes()) == entry
    except OSError:
        return False


def next_tree(out: Path) -> Path:
    """The hidden sibling that holds the build before the live one (`site/` → `.site.next/`)."""
    return out.parent / f".{out.name}.next"


@contextlib.contextmanager
def updated_output(
    out: Path,
    manifests: Manifests,
    check: Callable[[], None] | None = None,
    scan: Callable[[str, bytes], None] | None = None,
    unit_trees: UnitTrees | None = None,
    before_flip: Callable[[], None] | None = None,
) -> Iterator[TreeWriter]:
    """Yield a writer on the next tree; on success, remove stale files and flip it live.

    `manifests` (tree id → manifest, from the cache) and `unit_trees` (tree id → its units;
    None: the trees hold no unit) are updated in place with what each tree holds afterwards,
    also after a failure (the next tree was changed). A tree is known when both say what it
    holds.
    `check()` runs once everything is written: raising refuses the build, and the
    live site stays as it was.
    `before_flip()` runs once the next tree is complete, before it is marked so (`UNFINISHED`
    removed) and flipped live: from then on, what the cache says of that tree is wrong until
    the caller saves it again. The caller takes its word back there (raising, if it cannot,
    refuses the build, the live site as it was), so that a build killed after the flip
    leaves the trees to be read, not trusted.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    following = next_tree(out)
    if following.exists() and (following.is_symlink() or not following.is_dir()):
        raise BuildError(f"{following} is in the way: it should be a folder written by badgegen")
    following.mkdir(exist_ok=True)
    following_id, live_id = tree_id(following), tree_id(out)
    assert following_id is not None
    unfinished = following / UNFINISHED
    units = unit_trees if unit_trees is not None else {}
    no_units = NO_UNITS if unit_trees is None else None
    old, old_units = (
        (None, None)
        if unfinished.exists()
        else (manifests.get(following_id), units.get(following_id, no_units))
    )
    if (old is None or old_units is None) and not any(following.iterdir()):
        old, old_units = {}, NO_UNITS  # an empty folder: known to hold nothing
    unfinished.touch()  # before the first change: removed once this build succeeded
    live = manifests.get(live_id) if live_id is not None else None
    live_units = units.get(live_id, no_units) if live_id is not None else None
    writer = TreeWriter(
        following,
        old,
        out if live_id is not None else None,
        live,
        scan,
        old_units=old_units,
        live_units=live_units,
    )
    try:
        yield writer
        if check is not None:
            check()
    except BaseException:
        _remember_partial(manifests, following_id, writer)
        units.pop(following_id, None)  # (a mix: see `UNFINISHED`)
        raise
    writer.remove_stale()
    if before_flip is not None:
        before_flip()
    unfinished.unlink(missing_ok=True)  # (an unknown tree's stale files were all of them)
    following.chmod(0o755)
    manifests.clear()
    manifests[following_id] = writer.manifest
    if live_id is not None and live is not None:
        manifests[live_id] = live
    units.clear()
    units[following_id] = writer.units
    if live_id is not None and live_units is not None:
        units[live_id] = live_units
    _flip(following, out)


#: A file in the next tree while a build changes it. A failed or killed build leaves it, and its
#: manifest in the cache is then the one from before that build (the cache is saved only when
#: a build succeeds): files it replaced would be taken for the bytes that manifest names, and
#: flipped live. A tree holding it is compared by reading its files instead.
UNFINISHED = ".badgegen-unfinished"


def _remember_partial(manifests: Manifests, following_id: str, writer: TreeWriter) -> None:
    """After a failed build, the next tree holds a mix: known only if it was known before."""
    if not writer.known:
        manifests.pop(following_id, None)
        return
    mixed = dict(writer.old)
    mixed.update(writer.manifest)
    manifests[following_id] = mixed


def _flip(following: Path, out: Path) -> None:
    """Make `following` the live folder `out`, and the old live folder the next one."""
    if not out.exists():
        following.rename(out)
        return
    if _exchange(following, out):
        return
    parked = out.parent / f".{out.name}.flip"
    if parked.exists():
        shutil.rmtree(parked)
    out.rename(parked)
    following.rename(out)
    parked.rename(following)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    library = ctypes.util.find_library("c")
    if library is None:
        return False
    try:
        libc = ctypes.CDLL(library, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(result == 0)
