"""`badgegen.installed.version` gives what `importlib.metadata.version` gives."""

from __future__ import annotations

from importlib import metadata

import pytest

from badgegen import installed
from badgegen.cache import SHAPING_LIBRARIES


def test_every_installed_distribution_has_the_version_importlib_metadata_gives() -> None:
    names = {dist.metadata["Name"] for dist in metadata.distributions()}
    assert {"jinja2", "pyyaml", "pillow", "jsonschema"} <= {name.lower() for name in names}
    for name in sorted(names):
        assert installed.version(name) == metadata.version(name), name


@pytest.mark.parametrize(
    "name", [*SHAPING_LIBRARIES, "pyyaml", "jsonschema", "PyYAML", "Jinja2", "jsonschema-rs"]
)
def test_names_are_matched_as_pip_matches_them(name: str) -> None:
    """Any case, and `-`, `_` or `.` alike (the name as the .dist-info folder writes it)."""
    try:
        expected = metadata.version(name)
    except metadata.PackageNotFoundError:
        with pytest.raises(metadata.PackageNotFoundError):
            installed.version(name)
        return
    assert installed.version(name) == expected


def test_a_missing_distribution_raises_as_importlib_metadata_does() -> None:
    with pytest.raises(metadata.PackageNotFoundError):
        installed.version("no-such-distribution-of-badgegen")
