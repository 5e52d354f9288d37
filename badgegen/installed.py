"""The installed version of a library, read without importing `importlib.metadata`.

Cache keys and memo seeds name the versions of the libraries that shape the bytes
(PyYAML, jsonschema, Pillow…), so every build needs them. `importlib.metadata` takes
30–50 ms to import (it brings `email`, `zipfile`, `csv`…): more than a sixth of a
build with nothing to do. An installed distribution's version is in the name of its
`{name}-{version}.dist-info` folder (the wheel format and the core metadata
specification write the name normalised, with `_` for runs of `-_.`), so listing the
folders of `sys.path` once finds them all, in the order `importlib.metadata` searches
them. Anything found otherwise (an `.egg-info`, a distribution not found) falls back
to `importlib.metadata` itself.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache

_RUNS = re.compile(r"[-_.]+")
_SUFFIX = ".dist-info"


def version(distribution: str) -> str:
    """The installed version of `distribution` (as `importlib.metadata.version`).

    Raises `importlib.metadata.PackageNotFoundError` when it is not installed.
    """
    found = _dist_info_versions().get(_normalised(distribution))
    if found is not None:
        return found
    from importlib import metadata  # (the rare case: not a plain .dist-info folder)

    return metadata.version(distribution)


def _normalised(name: str) -> str:
    return _RUNS.sub("_", name).lower()


@cache
def _dist_info_versions() -> dict[str, str]:
    """Normalised distribution name → version, from the first `.dist-info` folder of each
    name along `sys.path` (the one Python imports)."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")  # noqa: PTH208 (names only, no Path objects)
        except OSError:
            continue
        for name in sorted(names):
            if name.endswith(_SUFFIX) and "-" in name:
                distribution, _, found = name[: -len(_SUFFIX)].partition("-")
                if found:
                    versions.setdefault(_normalised(distribution), found)
    return versions
