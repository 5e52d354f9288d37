"""Shared pytest options and fixtures.

`pytest --update-golden` rewrites the golden copies of the built site in
tests/golden/ instead of comparing against them; review the diff, then commit.
"""

from __future__ import annotations

import pytest

#: A fixed build time (2026-11-29 12:00:00 UTC) so statuses and "future" checks never drift.
SOURCE_DATE_EPOCH = "1795953600"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/ from the current build instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test builds as of the same instant, like CI building one commit."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
