"""The memo of OB 3.0 proofs, kept on disk (SQLite) and read one proof at a time.

`ob3.publish.Signer` gives a document it signed before its earlier proof back (Ed25519 is
deterministic and no proof says `created`: the same bytes, without the cost of a signature).
The memo used to be a pickled dict, loaded whole and saved with only the proofs the build
used. Two costs came with it, at 50 000 awards:

- the dict of 65 000 proofs was about 23 MB held through every signed build, even one that
  looks up 5 000 of them (the endorsements and other shared documents; an award whose unit
  is kept signs nothing);
- a unit kept signs nothing, so its proof was not "used", and was dropped: the first build
  after a new version of badgegen (every unit made again) signed every credential again,
  about 60 s.

Here a build looks up each proof in the file when it needs it, and writes the proofs it adds
every `FLUSH_EVERY` and at its end. Every proof stays until the store holds far more than the
registry's documents (`prune_limit`); then a build that made every unit again keeps only the
proofs it used.

What the file holds is never trusted: each proof carries its own tag, checked by the signer
(`Signer._recall`), and a file SQLite cannot read is taken for an empty memo and replaced when
the build writes. A connection does not cross a `fork`: a forked worker opens its own, only
reads, and sends what it added back to the main process (`take_added`), which alone writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Collection, Iterator, MutableMapping
from pathlib import Path

FILE_NAME = "ob3-proofs.sqlite"
#: Proofs held before they are written: a cold build adds one a document (65 000 at 50 000
#: awards, signed), and held to its end they were 23 MB at its highest memory.
FLUSH_EVERY = 4096
_SCHEMA = "CREATE TABLE IF NOT EXISTS proofs (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"


class ProofStore(MutableMapping[str, str]):
    """Proofs by memo key: the file's, and those this process added (not yet written)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        #: Added in the main process and not written yet (with what its workers sent back).
        self.added: dict[str, str] = {}
        #: Added in a forked worker since its last `take_added`.
        self._unsent: dict[str, str] = {}
        self._owner = os.getpid()
        self._connection: sqlite3.Connection | None = None
        self._pid = self._owner  # the process `_connection` belongs to
        self.unreadable = False  # the file exists but SQLite could not read it
        self._absent = False  # there was no file (until the main process writes it)
        self._writing: sqlite3.Connection | None = None  # the main process's, once it writes
        self._cannot_write = False

    # -- reading -------------------------------------------------------------------------------

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self.added.get(key) or self._unsent.get(key)
        if value is not None:
            return value
        connection = self._reader()
        if connection is None:
            return default
        try:
            rows = connection.execute("SELECT value FROM proofs WHERE key = ?", (key,)).fetchall()
        except sqlite3.OperationalError:  # (locked past the timeout, no table yet: a miss)
            return default
        except sqlite3.Error:  # (not a database, or a damaged one)
            self._unreadable()
            return default
        # (every row read: a statement left open would hold its lock against the writer)
        return rows[0][0] if rows and isinstance(rows[0][0], str) else default

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __len__(self) -> int:
        return self.stored() + len(self.added)

    def __iter__(self) -> Iterator[str]:
        connection = self._reader()
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                for (key,) in connection.execute("SELECT key FROM proofs ORDER BY key").fetchall():
                    if key not in self.added:
                        yield key
        yield from list(self.added)

    def stored(self) -> int:
        """How many proofs the file holds."""
        connection = self._reader()
        if connection is None:
            return 0
        try:
            return int(connection.execute("SELECT count(*) FROM proofs").fetchone()[0])
        except sqlite3.OperationalError:
            return 0
        except sqlite3.Error:
            self._unreadable()
            return 0

    def _reader(self) -> sqlite3.Connection | None:
        """The connection this process reads with (a worker's own: none crosses a fork)."""
        if self.unreadable:
            return None
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        if self._absent:
            return None
        self._connection, self._pid = None, os.getpid()  # (an inherited one is left alone)
        if not self.file.is_file():
            # Not made before the main process writes: not looked for again (a cold build asks
            # for every proof).
            self._absent = True
            return None
        try:
            self._connection = sqlite3.connect(self.file, timeout=30, check_same_thread=False)
        except sqlite3.Error:
            self._unreadable()
        return self._connection

    def _unreadable(self) -> None:
        self.unreadable = True
        self.close()

    # -- adding --------------------------------------------------------------------------------

    def __setitem__(self, key: str, value: str) -> None:
        if os.getpid() == self._owner:
            self.added[key] = value
            if len(self.added) >= FLUSH_EVERY:
                self.flush()
        else:
            self._unsent[key] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("proofs are never removed one by one (see `save`)")

    def take_added(self) -> dict[str, str]:
        """In a forked worker: what it added since the last call, sent back to the main
        process (which adds it with `update`) and forgotten here."""
        unsent, self._unsent = self._unsent, {}
        return unsent

    # -- writing -------------------------------------------------------------------------------

    def flush(self) -> bool:
        """Write the proofs added so far (the main process only); False when the file cannot
        be written (they stay held, and are written by a later call if it can be then)."""
        connection = self._writer()
        if connection is None:
            return False
        try:
            with connection:
                connection.executemany("INSERT OR REPLACE INTO proofs VALUES (?, ?)", self.added.items())
        except sqlite3.Error:  # (locked by another build past the timeout: not tried again)
            self._cannot_write = True
            self.close()
            return False
        self.added = {}
        return True

    def save(self, used: Collection[str], limit: int, *, everything_used: bool) -> None:
        """Write the proofs added; prune when the file holds over `limit`; close the file.

        Pruning keeps only the `used` proofs, so only a build that used every proof of its
        registry (`everything_used`: it made every unit) prunes, or a file grown past ten
        times `limit`. A file that cannot be written is left as it was: it is a memo."""
        if not self.flush() or self._writing is None:
            self.close()
            return
        connection = self._writing
        try:
            with connection:
                stored = int(connection.execute("SELECT count(*) FROM proofs").fetchone()[0])
                pruned = stored > limit and (everything_used or stored > 10 * limit)
                if pruned:
                    connection.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY) WITHOUT ROWID")
                    connection.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in used))
                    connection.execute("DELETE FROM proofs WHERE key NOT IN (SELECT key FROM used)")
            if pruned:
                connection.execute("VACUUM")
        except sqlite3.Error:
            pass
        self.close()

    def _writer(self) -> sqlite3.Connection | None:
        """The main process's connection that writes, made once (a file SQLite could not read
        is replaced first). The file is a memo whose every proof is checked when read: it is
        written without waiting for the disk (`synchronous=OFF`), and a file damaged by a
        crash is replaced like any unreadable one."""
        if os.getpid() != self._owner or self._cannot_write:
            return None
        if self._writing is not None:
            return self._writing
        self.close()
        if self.unreadable:
            with contextlib.suppress(OSError):
                self.file.unlink()
            self.unreadable = False
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.file, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA synchronous=OFF")
            with connection:
                connection.execute(_SCHEMA)
        except (OSError, sqlite3.Error):
            self._cannot_write = True
            return None
        self._writing, self._absent = connection, False
        return connection

    def close(self) -> None:
        """Close this process's connections (a forked worker's inherited ones are left alone)."""
        here = os.getpid()
        if self._connection is not None and self._pid == here:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None
        if self._writing is not None and self._owner == here:
            with contextlib.suppress(sqlite3.Error):
                self._writing.close()
            self._writing = None


def prune_limit(documents: int) -> int:
    """How many proofs the file may hold for a registry of `documents` OB 3.0 documents: twice
    as many, so that every award may change once before a prune (plus some room)."""
    return 2 * documents + 1000
