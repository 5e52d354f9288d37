"""The build cache: what earlier builds learnt, so that an unchanged registry is not rebuilt.

It lives beside the output (`.badgegen-cache/` next to `site/`), never inside it,
and it is safe to delete at any time: the next build is then a full one, with the
same bytes. It is never trusted over the content:

- every entry is keyed by digests of what it was computed from (the content, the
  code, the templates, the libraries that shape the bytes), so changed content or a
  new version of badgegen simply misses;
- a cache written by another version of badgegen, or damaged, is ignored whole.

Each part is one pickle file, written atomically (a temporary file renamed over it).
The files are the build's own (never downloaded, never shared between machines
unless you copy them yourself): loading a pickle runs code, so do not put someone
else's `.badgegen-cache/` beside your site.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from badgegen import installed
from badgegen.errors import BuildError

#: Bump when the shape of what is stored changes.
CACHE_FORMAT = 2
#: A dict with more entries is stored in parts of this many, each pickled on its own: pickling
#: remembers every object it wrote (to write a shared one once), and for a whole part of
#: hundreds of thousands of objects that memory was a peak of the build. The parsed files are
#: the heaviest entries (a whole document each): parts of 2 048 of them, not 8 192.
CHUNK_ENTRIES = 2048
CACHE_FOLDER_NAME = ".badgegen-cache"
PACKAGE_ROOT = Path(__file__).resolve().parent
#: The libraries whose version changes the bytes of the site.
SHAPING_LIBRARIES = (
    "jinja2",
    "markdown",
    "nh3",
    "pillow",
    "pyld",
    "pyyaml",
    "markupsafe",
    "zxing-cpp",
    "resvg-py",
    "pyoxipng",  # the optimised badge PNGs baked into every award
    "pagefind-bin",  # the search index's bytes
)


#: What reading a damaged part may raise (a length cut or changed: `EOFError`, or `MemoryError`
#: and `OverflowError` for a size too large to make): such a part is not known.
UNREADABLE = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    ValueError,
    TypeError,
    MemoryError,
    OverflowError,
)


class BuildCache:
    """Named parts, each loaded on demand and saved when the build succeeds."""

    def __init__(self, folder: Path | None, stamp: bytes) -> None:
        self.folder = folder
        self.stamp = stamp  # the code fingerprint: parts stored by other code are ignored

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def load(
        self,
        name: str,
        *,
        any_code: bool = False,
        each: Callable[[dict[Any, Any]], dict[Any, Any]] | None = None,
    ) -> Any:
        """The stored part `name`, or None (missing, damaged, or stored by other code).

        `any_code`: a part whose entries do not depend on badgegen's code (what each output
        tree holds; OB 3.0 proofs, which check themselves) is kept across new versions.
        `each`: for a dict stored in parts (`CHUNK_ENTRIES`), what each part becomes as it is
        read, before the next one is (so that what it lets go is reused at once).
        """
        if self.folder is None:
            return None
        try:
            with (self.folder / f"{name}.pickle").open("rb") as stream:
                stamp = pickle.load(stream)
                if stamp != (CACHE_FORMAT, b"" if any_code else self.stamp):
                    return None
                chunks = pickle.load(stream)
                if chunks == STREAMED:  # (the file opened here, read as the items are asked for)
                    parts = os.fdopen(os.dup(stream.fileno()), "rb")
                    parts.seek(stream.tell())
                    return _parts_from(parts)
                if not isinstance(chunks, int) or chunks == 0:
                    return pickle.load(stream)
                value: dict[Any, Any] = {}
                for _ in range(chunks):
                    chunk = pickle.load(stream)
                    value.update(chunk if each is None else each(chunk))
                return value
        except UNREADABLE:
            return None

    def save(self, name: str, value: Any, *, any_code: bool = False) -> None:
        """Store `value` as part `name`, atomically; a cache that cannot be written is skipped."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            readme = self.folder / "README.txt"
            if not readme.exists():
                readme.write_text(README, "utf-8")
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stamp = (CACHE_FORMAT, b"" if any_code else self.stamp)
                    pickle.dump(stamp, stream, protocol=pickle.HIGHEST_PROTOCOL)
                    _dump(value, stream)
                Path(temporary).replace(self.folder / f"{name}.pickle")
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise

    # --- parts kept as a base and a delta ------------------------------------------------

    def load_with_delta(
        self,
        name: str,
        *,
        any_code: bool = False,
        each: Callable[[dict[Any, Any]], dict[Any, Any]] | None = None,
    ) -> tuple[Any, Any, Identity | None]:
        """Part `name` (the base), the delta saved beside it since (None if there is none, or if
        it was saved for another base), and the base's identity, for `save_delta`.

        A part that changes little between builds (what each output tree holds, the units'
        records) need not be rewritten whole by each: at 50 000 awards that was half a second
        per build. What a delta holds, and how it applies, is the caller's. `each`: see `load`
        (applied to the base only).
        """
        identity = self._identity(name)
        base = self.load(name, any_code=any_code, each=each)
        if base is None or identity is None:
            return base, None, None
        stored = self.load(f"{name}{DELTA_SUFFIX}", any_code=any_code)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == identity:
            return base, stored[1], identity
        return base, None, identity

    def save_delta(self, name: str, identity: Identity | None, delta: Any, *, any_code: bool = False) -> bool:
        """Save `delta` for the base `identity` names; False (nothing saved) if that base is
        no longer the one stored: the caller then saves the part whole (`save_base`)."""
        if self.folder is None or identity is None or self._identity(name) != identity:
            return False
        self.save(f"{name}{DELTA_SUFFIX}", (identity, delta), any_code=any_code)
        return True

    def save_base(self, name: str, value: Any, *, any_code: bool = False) -> None:
        """Save part `name` whole: the delta of the base before is removed first, and a delta
        left behind anyway names another base (its identity), so it is never applied to this one."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            (self.folder / f"{name}{DELTA_SUFFIX}.pickle").unlink(missing_ok=True)
        self.save(name, value, any_code=any_code)

    def forget(self, *names: str) -> None:
        """Delete the parts `names` (and their deltas), if they are there: parts that earlier
        versions stored and this one no longer reads."""
        if self.folder is None:
            return
        for name in names:
            for path in self._files_of(name):
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)

    def withdraw(self, name: str) -> None:
        """Delete part `name` (and its delta) now, or refuse the build: a part whose word must
        not outlive what happens next (`TREES_SAVED`, before the output is flipped).

        `forget` and `save` skip a cache that cannot be written; this does not: a part left
        there would be trusted by the next build after it stopped being true.
        """
        if self.folder is None:
            return
        for path in self._files_of(name):
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                raise BuildError(
                    f"the build cache cannot be changed ({error.strerror}: {path}); delete the folder "
                    f"{self.folder} or build with --no-cache"
                ) from error

    def _files_of(self, name: str) -> tuple[Path, Path]:
        """The files of part `name` in the (existing) cache folder: its base, and its delta."""
        assert self.folder is not None
        return self.folder / f"{name}.pickle", self.folder / f"{name}{DELTA_SUFFIX}.pickle"

    def _identity(self, name: str) -> Identity | None:
        """What tells one stored base from another: its file's inode, size and time. A new base
        is a new file, created while the old one still exists (`save`): never the same inode."""
        if self.folder is None:
            return None
        try:
            info = (self.folder / f"{name}.pickle").stat()
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)


#: The delta of a part is stored beside it under its name and this suffix.
DELTA_SUFFIX = "-delta"
#: A part's delta grows until it holds this share of the part's entries, then the part is saved whole.
DELTA_SLACK = 0.1
#: See `BuildCache._identity`.
Identity = tuple[int, int, int]


_ABSENT = object()


def dict_with_delta(base: dict[Any, Any], delta: Any) -> dict[Any, Any]:
    """`base` with a `dict_delta` applied (a copy; `base` itself when there is none)."""
    if not (isinstance(delta, tuple) and len(delta) == 2 and isinstance(delta[0], dict)):
        return base
    changed, removed = delta
    merged = {**base, **changed}
    for key in removed:
        merged.pop(key, None)
    return merged


def dict_delta(base: dict[Any, Any], value: dict[Any, Any]) -> tuple[dict[Any, Any], tuple[Any, ...]]:
    """What turns `base` into `value`: the entries that are not `base`'s own objects, and the
    keys that went. A value taken over from `base` is the same object, so it is not compared."""
    changed = {key: item for key, item in value.items() if base.get(key, _ABSENT) is not item}
    return changed, tuple(key for key in base if key not in value)


def save_dict(
    cache: BuildCache,
    name: str,
    value: dict[Any, Any],
    base: Any,
    identity: Identity | None,
    *,
    any_code: bool = False,
) -> None:
    """Save `value`, loaded as `base` (+ delta) by `load_with_delta`: as a delta from `base`
    while the delta stays under `DELTA_SLACK` of the entries, else whole."""
    if isinstance(base, dict) and identity is not None:
        changed, removed = dict_delta(base, value)
        small = len(changed) + len(removed) <= DELTA_SLACK * len(value)
        if small and cache.save_delta(name, identity, (changed, removed), any_code=any_code):
            return
    cache.save_base(name, value, any_code=any_code)


#: Stored in place of the number of parts: the value was an iterator, whose items follow, one
#: pickle each, then None.
STREAMED = -1


def _parts_from(stream: BinaryIO) -> Iterator[Any]:
    """The items of a part stored `STREAMED`, read from `stream` one at a time as they are asked
    for. A damaged file raises as it is read (one of `UNREADABLE`): the caller takes what it
    read for nothing."""
    with stream:
        while (item := pickle.load(stream)) is not None:
            yield item


def _dump(value: Any, stream: Any) -> None:
    """`value` after the number of its parts (0: pickled whole; see `CHUNK_ENTRIES`); an
    iterator's items one at a time (`STREAMED`): never all held at once."""
    if isinstance(value, Iterator):
        pickle.dump(STREAMED, stream, protocol=pickle.HIGHEST_PROTOCOL)
        for item in value:
            pickle.dump(item, stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(None, stream, protocol=pickle.HIGHEST_PROTOCOL)
        return
    if type(value) is not dict or len(value) <= CHUNK_ENTRIES:
        pickle.dump(0, stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        return
    pickle.dump(-(-len(value) // CHUNK_ENTRIES), stream, protocol=pickle.HIGHEST_PROTOCOL)
    items = iter(value.items())
    while chunk := dict(itertools.islice(items, CHUNK_ENTRIES)):
        pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)


class UsedMemo(MutableMapping[str, Any]):
    """A memo that remembers which entries this run read or wrote: only those are saved again,
    so the cache does not keep what the content no longer has."""

    def __init__(self, entries: dict[str, Any]) -> None:
        self._entries = entries
        self._used: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        value = self._entries[key]
        self._used.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._entries[key] = value
        self._used.add(key)

    def __delitem__(self, key: str) -> None:
        del self._entries[key]
        self._used.discard(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def used(self) -> dict[str, Any]:
        """The entries read or written by this run; the memo's own dict when that is all of
        them (a first build: no copy of 165 000 entries at its highest memory). Read only."""
        if len(self._used) == len(self._entries):  # (`_used` only holds keys of `_entries`)
            return self._entries
        used = self._used
        return {key: value for key, value in self._entries.items() if key in used}


README = """Cache de construction de badgegen : peut être supprimé à tout moment (la
prochaine construction sera complète, avec les mêmes octets). Ne pas publier.

badgegen build cache: safe to delete at any time (the next build is a full one,
with the same bytes). Never publish it.
"""


def default_folder(out: Path) -> Path:
    """Beside the output folder (`site/` → `.badgegen-cache/`), never inside it."""
    return out.absolute().parent / CACHE_FOLDER_NAME


def code_fingerprint(templates: Path) -> bytes:
    """What the bytes of the site depend on besides the content: badgegen, its templates,
    its schemas and contexts, and the versions of the libraries that shape the output."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_package_digest())
    digest.update(folder_digest(templates))
    return digest.digest()


@cache
def _package_digest() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    files = sorted(
        p
        for p in PACKAGE_ROOT.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    _update_with_files(digest, PACKAGE_ROOT, files)
    for name in SHAPING_LIBRARIES:
        try:
            version = installed.version(name)
        except ModuleNotFoundError:  # (importlib.metadata.PackageNotFoundError)
            version = "-"
        digest.update(f"{name}={version}\n".encode())
    return digest.digest()


def folder_digest(folder: Path) -> bytes:
    """A digest of every file under `folder` (names and bytes)."""
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        _update_with_files(digest, folder, sorted(p for p in folder.rglob("*") if p.is_file()))
    return digest.digest()


def _update_with_files(digest: Any, root: Path, files: Iterable[Path]) -> None:
    for file in files:
        data = file.read_bytes()
        digest.update(f"{file.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
