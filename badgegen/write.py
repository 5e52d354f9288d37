"""Stage 6: the only code that touches the output folder.

The site is written into a fresh folder next to the output (`.site.build-*`),
then swapped in with renames. Until the swap, the previous site is untouched;
if anything fails before it, the half-built folder is removed and the old site
keeps serving. Paths are checked to stay inside the folder, and a second write
to the same path is refused: two objects claiming one URL is a bug, not a choice.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from badgegen.errors import BuildError


class SiteWriter:
    """Writes files under one root folder, refusing escapes and duplicates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, int] = {}

    def write(self, relpath: str, data: bytes) -> None:
        """Write `data` at `relpath` (a POSIX path; a trailing `/` means `index.html`)."""
        relpath = relpath + "index.html" if relpath.endswith("/") or relpath == "" else relpath
        target = self._resolve(relpath)
        if relpath in self.written:
            raise BuildError(f"two outputs for one path: {relpath}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written[relpath] = len(data)

    def _resolve(self, relpath: str) -> Path:
        pure = PurePosixPath(relpath)
        if pure.is_absolute() or ".." in pure.parts or "" in relpath.split("/"):
            raise BuildError(f"unsafe output path: {relpath!r}")
        return self.root.joinpath(*pure.parts)


@contextlib.contextmanager
def staged_output(out: Path, check: Callable[[Path], None] | None = None) -> Iterator[SiteWriter]:
    """Yield a writer on a temporary folder; on success, swap it in as `out`.

    `check(staging)` runs on the complete folder before the swap: raising refuses it
    (the folder is removed and `out` stays as it was).
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    try:
        yield SiteWriter(staging)
        if check is not None:
            check(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, out)


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out`; the old site is moved aside, then removed."""
    staging.chmod(0o755)
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
