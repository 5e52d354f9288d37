"""A build with nothing to do: is the live site already what this build would make?

Like `make` or `ninja` ("no work to do"), a build that succeeded leaves a *stamp* in
the build cache: a digest of everything the site's bytes came from that can be
checked without reading any of it, and what the build reported. The next build
first computes the same digest; when it matches, the site is left as it is and the
report of the build before is given again (its warnings too) — at ten thousand
awards that is a walk over the content's file statuses instead of seconds of
checking and comparing. Anything else runs the whole (incremental) build.

What the digest covers:

- the status (size, modification and change times, inode, device) of every file under
  the content folder and the private folder: any write changes the change time, which
  tools cannot set back (the rule of git's index);
- the code: badgegen, its templates and the versions of the libraries that shape the
  bytes (`cache.code_fingerprint`), and Python's version;
- the options that change the site (folders, base URL, `--strict`, ledger, search parts),
  and a digest of the signing key given in the environment (never the key itself);
- the identity (device, inode) of the live and next output trees, which a build
  replaces by flipping them: a deleted or replaced `site/` is never taken for the built one.

And time: an award's status changes when it expires, so the stamp holds the build's
time and the first expiry after it; a later build reuses it only between the two
(never before the build's time: a date set back could make dates "in the future").

Two rules keep it from ever vouching for bytes it has not seen:

- a file changed less than two seconds before the build looked at it is "racy" (a
  second write in the same tick of the file system's clock would not change its
  status, git's index has the same problem): its bytes are hashed before the build
  reads them, and the next build vouches for it only if they are still the same;
- the files the build writes into the content folder itself (`published.txt`,
  `status-list.txt`) are looked at again once written (and hashed: they are fresh).

The stamp is removed when a full build starts and written only once it succeeded,
so a failed or interrupted build never leaves one behind. A build delivering
restricted awards (`build` with a private folder) never uses nor writes one: its
delivery folder is not covered.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from badgegen.cache import UNREADABLE

#: Bump when what a stamp holds changes.
STAMP_FORMAT = 4
#: The size of a content digest (`streamed_digest`).
DIGEST_SIZE = 20
STAMP_NAME = "up-to-date.pickle"
#: As `load.RACY_MARGIN_NS`: a file changed this close to the build is not vouched for.
RACY_MARGIN_NS = 2_000_000_000
#: As `load.Status`: (size, modification and change times in ns, inode, device).
Status = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Outcome:
    """What a build reported, given again by a build with nothing to do."""

    warnings: tuple[Any, ...]  # the ContentErrors of the build (warnings only: it succeeded)
    counts: tuple[int, int, int, int]  # issuers, badges, awards, endorsements
    files: int
    bytes: int
    signing_id: str | None
    signed: int


@dataclass(frozen=True)
class Stamp:
    """A successful build: the digest of its inputs, its time, the next expiry, its report,
    and the content digest of each file too fresh to be vouched for by its status."""

    inputs: bytes
    now: datetime
    horizon: datetime | None
    outcome: Outcome
    #: The fresh files (`Fresh`).
    fresh: Fresh = ("", b"")


#: Files and their content digests, packed: their paths joined by NUL, then their digests end
#: to end, in the same order. A build right after a checkout or a copy finds every content
#: file fresh: as a tuple of pairs, the 55 000 of a 50 000-award registry were pickled with a
#: memo of each string, pair and digest, and the build's highest memory came at its very end
#: (+36 MB); packed, they are two objects.
Fresh = tuple[str, bytes]


def pack_fresh(fresh: Mapping[str, bytes]) -> Fresh:
    """`fresh` (path → digest), sorted by path and packed (`Fresh`)."""
    paths = sorted(fresh)
    return "\0".join(paths), b"".join(map(fresh.__getitem__, paths))


def unpack_fresh(packed: Fresh) -> Iterator[tuple[str, bytes | None]]:
    """The (path, digest) pairs of `packed`; a digest of another size than ours is None."""
    joined, digests = packed
    if not joined:
        return
    paths = joined.split("\0")
    size = len(digests) // len(paths)
    for index, path in enumerate(paths):
        yield path, digests[index * size : (index + 1) * size] if size == DIGEST_SIZE else None


@dataclass
class Inputs:
    """What a build is about to read: every file's status, and the content digest of the
    fresh ones (changed less than `RACY_MARGIN_NS` before they were looked at).

    `written`: the files the build itself writes into its inputs (the ledger, the status
    list), looked at again once written (`refresh`). Once the content is read, `settle()`
    folds every other status into a digest and lets them go: at 50 000 awards they were
    about 20 MB kept to the end of the build only to be hashed again.
    """

    statuses: dict[str, Status] = field(default_factory=dict)
    fresh: dict[str, bytes | None] = field(default_factory=dict)  # None: could not be read
    written: frozenset[str] = frozenset()
    #: `statuses_digest()`, kept until a status changes: a build asks before and after.
    _digest: bytes | None = field(default=None, repr=False)
    #: `_others_digest()`, kept: once `settle()`d, the statuses it covers are gone.
    _others: bytes | None = field(default=None, repr=False)

    def statuses_digest(self) -> bytes:
        """A digest of every path and status: the files the build does not write, sorted by
        path, then those it writes (computed once while they stay)."""
        if self._digest is None:
            digest = hashlib.blake2b(digest_size=20, person=b"badgegen-inputs")
            digest.update(self._others_digest())
            for path in sorted(self.written & self.statuses.keys()):
                digest.update(f"{path}\0{self.statuses[path]}\n".encode())
            self._digest = digest.digest()
        return self._digest

    def _others_digest(self) -> bytes:
        """The digest of the statuses of every file but the `written` ones: computed once
        (`refresh` changes only those), by the build's first question or by `settle`."""
        if self._others is None:
            digest = hashlib.blake2b(digest_size=20, person=b"badgegen-inputs")
            for path in sorted(self.statuses.keys() - self.written):
                digest.update(f"{path}\0{self.statuses[path]}\n".encode())
            self._others = digest.digest()
        return self._others

    def settle(self) -> None:
        """Keep only the digest of the statuses the build will not look at again, and the
        statuses of the files it writes (`written`)."""
        self._others_digest()
        self.statuses = {path: self.statuses[path] for path in self.written & self.statuses.keys()}

    def refresh(self, path: Path) -> None:
        """Look again at a file the build itself wrote (one of `written`)."""
        key = str(path.absolute())
        if key not in self.written:
            raise ValueError(f"{key} is not one of the files the build writes")
        status = _status(key)
        self.fresh.pop(key, None)
        if status != self.statuses.get(key):
            self._digest = None
        if status is None:
            self.statuses.pop(key, None)
            return
        self.statuses[key] = status
        if _is_fresh(status, time.time_ns() - RACY_MARGIN_NS):
            self.fresh[key] = _content_digest(key)


def scan(folders: list[Path], written: Iterable[Path] = ()) -> Inputs:
    """The status of every file under `folders` (missing folders hold nothing); `written`:
    the files among them that the build writes itself (`Inputs.written`).

    A file changed less than two seconds ago could be changed again within the same tick of
    the file system's clock, after the build read it, without its status changing: its bytes
    are hashed now, before the build reads them, and the next build compares them again.
    """
    inputs = Inputs(written=frozenset(str(path.absolute()) for path in written))
    settled = time.time_ns() - RACY_MARGIN_NS
    for folder in folders:
        _walk(str(folder.absolute()), inputs, settled)
    return inputs


def _walk(folder: str, inputs: Inputs, settled: int) -> None:
    try:
        entries = os.scandir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    with entries:
        for entry in entries:
            if entry.is_dir():  # (a link to a folder is followed, as the loader does)
                _walk(entry.path, inputs, settled)
                continue
            status = _status(entry.path)
            if status is None:
                continue
            inputs.statuses[entry.path] = status
            if _is_fresh(status, settled):
                inputs.fresh[entry.path] = _content_digest(entry.path)


def _is_fresh(status: tuple[int, ...], settled: int) -> bool:
    return status[1] >= settled or status[2] >= settled


def _content_digest(path: str) -> bytes | None:
    try:
        return streamed_digest(path)
    except OSError:
        return None


def streamed_digest(path: str | Path) -> bytes:
    """The BLAKE2b-160 of a file's bytes (`load.content_digest`), read a megabyte at a time:
    a large file (the ledger, 13 MB at 50 000 awards) is never held whole. Raises OSError."""
    digest = hashlib.blake2b(digest_size=DIGEST_SIZE)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        while chunk := os.read(descriptor, 1 << 20):
            digest.update(chunk)
    finally:
        os.close(descriptor)
    return digest.digest()


def _status(path: str) -> Status | None:
    try:
        info = os.stat(path)  # noqa: PTH116 (a str path: tens of thousands, no Path objects)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def tree_identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def inputs_digest(inputs: Inputs, code: bytes, options: tuple[Any, ...], trees: tuple[Any, ...]) -> bytes:
    """One digest of the inputs' statuses, the code, the options and the output trees."""
    digest = hashlib.blake2b(digest_size=20, person=b"badgegen-stamp")
    digest.update(repr((STAMP_FORMAT, sys.version, code, options, trees)).encode())
    digest.update(inputs.statuses_digest())
    return digest.digest()


def read(folder: Path | None) -> Stamp | None:
    """The stamp of the last successful build, or None."""
    if folder is None:
        return None
    try:
        with (folder / STAMP_NAME).open("rb") as stream:
            stamp = pickle.load(stream)
    except UNREADABLE:  # (a damaged stamp: no stamp)
        return None
    return stamp if isinstance(stamp, Stamp) else None


def still_true(stamp: Stamp | None, digest: bytes, now: datetime) -> bool:
    """Whether `stamp` vouches for the site: same inputs (the files that were fresh then, by
    their bytes), and no award's status changed since."""
    if stamp is None or stamp.inputs != digest or now < stamp.now:
        return False
    if stamp.horizon is not None and now >= stamp.horizon:
        return False
    return all(
        known is not None and _content_digest(path) == known for path, known in unpack_fresh(stamp.fresh)
    )


def forget(folder: Path | None) -> None:
    """Before a full build: the site is about to change, no stamp may outlive it."""
    if folder is not None:
        (folder / STAMP_NAME).unlink(missing_ok=True)


def write(folder: Path | None, stamp: Stamp) -> None:
    """Store `stamp` atomically (a temporary file renamed over it); skipped if impossible."""
    if folder is None:
        return
    temporary = folder / f".{STAMP_NAME}.{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as stream:
            pickle.dump(stamp, stream, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(folder / STAMP_NAME)
    except OSError:
        temporary.unlink(missing_ok=True)
